using Parquet;
using Parquet.Schema;

namespace SimplicityBias.Verify.Results;

/// <summary>
/// Writes a <see cref="ColumnTable{TRow}"/> as one Parquet file (one row group, Snappy pages): text columns as
/// strings, integers as int64, reals as float64 (NaN kept). The data dictionary goes along twice: the whole of it
/// as JSON in the file's key-value metadata (<see cref="ColumnsKey"/>), and each column's unit and description in
/// that column chunk's own key-value metadata.
/// </summary>
public static class ParquetTable
{
    /// <summary>File metadata key of the table's name.</summary>
    public const string TableKey = "simbias.table";
    /// <summary>File metadata key of what one row is.</summary>
    public const string RowKey = "simbias.row";
    /// <summary>File metadata key of the data dictionary (JSON: name, type, unit, description per column).</summary>
    public const string ColumnsKey = "simbias.columns";
    /// <summary>File metadata key naming the documentation page of the columns.</summary>
    public const string DocKey = "simbias.doc";

    /// <summary>The Parquet bytes of the rows.</summary>
    public static byte[] ToBytes<TRow>(ColumnTable<TRow> table, IReadOnlyList<TRow> rows)
        => Task.Run(() => WriteAsync(table, rows)).GetAwaiter().GetResult();

    private static async Task<byte[]> WriteAsync<TRow>(ColumnTable<TRow> table, IReadOnlyList<TRow> rows)
    {
        var fields = table.Columns.Select(c => new DataField(c.Name, ClrType(c.Type), false)).ToArray();
        using var ms = new MemoryStream();
        await using (var writer = await ParquetWriter.CreateAsync(new ParquetSchema(fields), ms, new ParquetOptions { CompressionMethod = CompressionMethod.Snappy }))
        {
            writer.CustomMetadata = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                [TableKey] = table.Name,
                [RowKey] = table.RowMeaning,
                [ColumnsKey] = table.DictionaryJson(),
                [DocKey] = ColumnsDoc.RepositoryPath,
            };
            using var group = writer.CreateRowGroup();
            for (int i = 0; i < fields.Length; i++)
            {
                var c = table.Columns[i];
                var meta = new Dictionary<string, string>(StringComparer.Ordinal) { ["unit"] = c.Unit, ["description"] = c.Description };
                switch (c.Type)
                {
                    case ColumnType.Text:
                        await group.WriteAsync<ReadOnlyMemory<char>>(fields[i], rows.Select(r => ((string)c.Value(r)).AsMemory()).ToArray(), null, meta);
                        break;
                    case ColumnType.Integer:
                        await group.WriteAsync<long>(fields[i], rows.Select(r => Convert.ToInt64(c.Value(r), System.Globalization.CultureInfo.InvariantCulture)).ToArray(), null, meta);
                        break;
                    default:
                        await group.WriteAsync<double>(fields[i], rows.Select(r => (double)c.Value(r)).ToArray(), null, meta);
                        break;
                }
            }
        }
        return ms.ToArray();
    }

    private static Type ClrType(ColumnType t) => t switch
    {
        ColumnType.Text => typeof(string),
        ColumnType.Integer => typeof(long),
        _ => typeof(double),
    };
}
