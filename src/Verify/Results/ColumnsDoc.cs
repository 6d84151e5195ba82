using System.Text;

namespace SimplicityBias.Verify.Results;

/// <summary>
/// The data dictionary in docs/RESULTS-COLUMNS.md: the part between <see cref="Begin"/> and <see cref="End"/> is
/// generated from the column tables (the rest of the page is prose); a test holds the committed page to it.
/// </summary>
public static class ColumnsDoc
{
    /// <summary>Where the page is, from the repository root.</summary>
    public const string RepositoryPath = "docs/RESULTS-COLUMNS.md";
    /// <summary>Marker before the generated part.</summary>
    public const string Begin = "<!-- columns: generated from src/Verify/Results; do not edit by hand -->";
    /// <summary>Marker after the generated part.</summary>
    public const string End = "<!-- columns: end -->";

    /// <summary>The generated part (without the markers), '\n' line ends.</summary>
    public static string Generate()
    {
        var sb = new StringBuilder();
        Section(sb, ResultsTable.Table, $"{ResultsFiles.RunsCsv}, {ResultsFiles.RunsParquet}");
        Section(sb, TrajectoriesTable.Table, $"{ResultsFiles.TrajectoriesCsv}, {ResultsFiles.TrajectoriesParquet}");
        Section(sb, ParametersTable.DocTable, $"{ResultsFiles.ParametersCsv}, {ResultsFiles.ParametersParquet}");
        return sb.ToString();
    }

    /// <summary>Replaces the generated part of a page's text; throws when a marker is missing.</summary>
    public static string Update(string page)
    {
        int b = page.IndexOf(Begin, StringComparison.Ordinal), e = page.IndexOf(End, StringComparison.Ordinal);
        if (b < 0 || e < b) throw new FormatException($"{RepositoryPath}: the markers '{Begin}' and '{End}' are missing or out of order");
        return page[..(b + Begin.Length)] + "\n" + Generate() + page[e..];
    }

    private static void Section<TRow>(StringBuilder sb, ColumnTable<TRow> table, string files)
    {
        sb.Append("\n### ").Append(table.Name).Append(" (").Append(files).Append(")\n\n");
        sb.Append("One row: ").Append(table.RowMeaning).Append(".\n\n");
        sb.Append("| column | type | unit | meaning |\n| --- | --- | --- | --- |\n");
        foreach (var c in table.Columns)
            sb.Append("| `").Append(c.Name).Append("` | ").Append(ColumnTable<TRow>.TypeName(c.Type)).Append(" | ")
              .Append(Escape(c.Unit)).Append(" | ").Append(Escape(c.Description)).Append(" |\n");
        sb.Append('\n');
    }

    // A '|' inside a cell would split it; Markdown reads '*' and '_' as emphasis in plain text.
    private static string Escape(string s) => s.Replace("|", "\\|").Replace("*", "\\*").Replace("_", "\\_");
}
