using System.Globalization;
using System.Text;
using System.Text.Json;

namespace SimplicityBias.Verify.Results;

/// <summary>Storage type of a results column: the same in CSV and Parquet (text, 64-bit integer, 64-bit float).</summary>
public enum ColumnType
{
    /// <summary>UTF-8 text; empty when absent.</summary>
    Text,
    /// <summary>64-bit signed integer; -1 when absent.</summary>
    Integer,
    /// <summary>64-bit IEEE float; NaN when absent or not defined.</summary>
    Real,
}

/// <summary>One column of a results table: its name, type, unit and meaning, and how a row gives its value.
/// The CSV header, the Parquet schema and metadata, and docs/RESULTS-COLUMNS.md are all generated from these.</summary>
/// <typeparam name="TRow">The row type.</typeparam>
/// <param name="Name">Column name.</param>
/// <param name="Type">Storage type.</param>
/// <param name="Unit">Unit or convention ("count", "flow time", "loss, 1/(2n)"...; "-" for labels).</param>
/// <param name="Description">What the column means.</param>
/// <param name="Value">The value of a row: a string, a long or a double, as <paramref name="Type"/> says.</param>
public sealed record ResultColumn<TRow>(string Name, ColumnType Type, string Unit, string Description, Func<TRow, object> Value);

/// <summary>A results table: a name (the file stem), what one row is, and its columns.</summary>
/// <typeparam name="TRow">The row type.</typeparam>
/// <param name="Name">File stem: NAME.csv and NAME.parquet.</param>
/// <param name="RowMeaning">What one row is, for the data dictionary.</param>
/// <param name="Columns">The columns, in file order.</param>
public sealed record ColumnTable<TRow>(string Name, string RowMeaning, IReadOnlyList<ResultColumn<TRow>> Columns)
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>The column descriptions as JSON (name, type, unit, description), stored in the Parquet file's metadata.</summary>
    public string DictionaryJson()
    {
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartArray();
            foreach (var c in Columns)
            {
                w.WriteStartObject();
                w.WriteString("name", c.Name);
                w.WriteString("type", TypeName(c.Type));
                w.WriteString("unit", c.Unit);
                w.WriteString("description", c.Description);
                w.WriteEndObject();
            }
            w.WriteEndArray();
        }
        return Encoding.UTF8.GetString(ms.ToArray());
    }

    /// <summary>The type as named in the data dictionary.</summary>
    public static string TypeName(ColumnType t) => t switch
    {
        ColumnType.Text => "string",
        ColumnType.Integer => "int64",
        _ => "float64",
    };

    /// <summary>The rows as CSV: a header of the column names, comma-separated, invariant culture, numbers in
    /// shortest round-trip form (so a value read back is the same double), NaN as "NaN".</summary>
    public byte[] ToCsv(IEnumerable<TRow> rows)
    {
        var sb = new StringBuilder();
        sb.AppendJoin(',', Columns.Select(c => c.Name)).Append('\n');
        foreach (var row in rows)
        {
            for (int i = 0; i < Columns.Count; i++)
            {
                if (i > 0) sb.Append(',');
                sb.Append(Columns[i].Value(row) switch
                {
                    string s => CleanText(s),
                    double x => x.ToString("R", Inv),
                    long k => k.ToString(Inv),
                    int k => k.ToString(Inv),
                    var other => throw new InvalidOperationException($"column {Columns[i].Name}: unexpected value type {other?.GetType().Name ?? "null"}"),
                });
            }
            sb.Append('\n');
        }
        return new UTF8Encoding(false).GetBytes(sb.ToString());
    }

    /// <summary>Free text in the CSV must not break it: separators become ';', quotes '\'', line breaks spaces
    /// (the Parquet file keeps the text as it is).</summary>
    public static string CleanText(string s) => s.Replace(',', ';').Replace('"', '\'').Replace('\n', ' ').Replace('\r', ' ');
}
