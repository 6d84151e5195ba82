using System.Globalization;

namespace SimplicityBias.Dynamics.Numerics;

/// <summary>
/// Reads a CSV table of numbers: comma-separated, invariant culture, blank lines and lines starting with '#'
/// skipped, the first row a header when none of its cells is a number. Any other non-numeric or non-finite
/// cell, or a row of another width, is a <see cref="FormatException"/> naming the file line and column (1-based).
/// </summary>
public static class NumericCsv
{
    /// <summary>The rows of the file (each of the same width), and that width.</summary>
    public static (List<double[]> Rows, int Width) Read(string path)
    {
        var rows = new List<double[]>();
        int lineNo = 0, width = -1;
        foreach (var raw in File.ReadLines(path))
        {
            lineNo++;
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#')) continue;
            var parts = line.Split(',');
            var vals = new double[parts.Length];
            int bad = -1, numbers = 0;
            for (int i = 0; i < parts.Length; i++)
            {
                if (double.TryParse(parts[i], NumberStyles.Float, CultureInfo.InvariantCulture, out vals[i])) numbers++;
                else if (bad < 0) bad = i;
            }
            // A row with some numbers and some not is a data row with a bad cell, never a header (that would drop a data row).
            if (numbers == 0 && rows.Count == 0 && width < 0) { width = parts.Length; continue; }
            if (bad >= 0)
                throw new FormatException($"{path}: line {lineNo}, column {bad + 1}: not a number: '{parts[bad].Trim()}'" +
                    (rows.Count == 0 && width < 0 ? " (a header line must have no numeric cell)" : ""));
            for (int i = 0; i < parts.Length; i++)
                if (!double.IsFinite(vals[i])) throw new FormatException($"{path}: line {lineNo}, column {i + 1}: not a finite number: '{parts[i].Trim()}'");
            if (width < 0) width = parts.Length;
            if (parts.Length != width) throw new FormatException($"{path}: line {lineNo}: {parts.Length} columns, expected {width}");
            rows.Add(vals);
        }
        if (rows.Count == 0) throw new FormatException($"{path}: no data rows");
        return (rows, width);
    }

    /// <summary>Splits the rows into the row-major n x d block of the first d columns and, when <paramref name="withLabel"/>, the last column.</summary>
    public static (double[] X, double[]? Y) Split(List<double[]> rows, int d, bool withLabel)
    {
        int n = rows.Count;
        var x = new double[n * d];
        var y = withLabel ? new double[n] : null;
        for (int k = 0; k < n; k++)
        {
            Array.Copy(rows[k], 0, x, k * d, d);
            if (y is not null) y[k] = rows[k][d];
        }
        return (x, y);
    }
}
