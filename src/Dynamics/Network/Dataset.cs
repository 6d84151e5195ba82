using System.Globalization;

namespace SimplicityBias.Dynamics.Network;

/// <summary>
/// A regression dataset: n inputs x_k in R^d (rows of X) and labels y_k.
/// Stored twice: row-major X (n x d) for per-sample access and column-major XT (d x n)
/// so the gradient kernel can stream over samples with SIMD.
/// </summary>
public sealed class Dataset
{
    /// <summary>Number of samples n.</summary>
    public int N { get; }
    /// <summary>Input dimension d.</summary>
    public int D { get; }
    /// <summary>Inputs, row-major, length n*d: X[k*d + i] = (x_k)_i.</summary>
    public double[] X { get; }
    /// <summary>Inputs, column-major, length d*n: XT[i*n + k] = (x_k)_i.</summary>
    public double[] XT { get; }
    /// <summary>Labels, length n.</summary>
    public double[] Y { get; }

    /// <summary>Builds a dataset from row-major inputs; validates sizes and finiteness.</summary>
    public Dataset(int n, int d, double[] x, double[] y)
    {
        if (n < 1) throw new ArgumentException($"n must be >= 1, got {n}", nameof(n));
        if (d < 1) throw new ArgumentException($"d must be >= 1, got {d}", nameof(d));
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        if (x.Length != (long)n * d) throw new ArgumentException($"x has length {x.Length}, expected n*d = {(long)n * d}", nameof(x));
        if (y.Length != n) throw new ArgumentException($"y has length {y.Length}, expected n = {n}", nameof(y));
        for (int i = 0; i < x.Length; i++)
            if (!double.IsFinite(x[i])) throw new ArgumentException($"x[{i / d},{i % d}] is not finite ({x[i]})", nameof(x));
        for (int k = 0; k < n; k++)
            if (!double.IsFinite(y[k])) throw new ArgumentException($"y[{k}] is not finite ({y[k]})", nameof(y));
        N = n; D = d; X = x; Y = y;
        XT = new double[x.Length];
        for (int k = 0; k < n; k++)
            for (int i = 0; i < d; i++)
                XT[i * n + k] = x[k * d + i];
    }

    /// <summary>The input x_k as a span of length d.</summary>
    public ReadOnlySpan<double> Row(int k) => new(X, k * D, D);

    /// <summary>Loads a CSV whose last column is y and the others are x. The first row is a header when none of its cells is a number;
    /// any other non-numeric or non-finite cell is an error naming the file line and column (1-based).</summary>
    public static Dataset LoadCsv(string path)
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
            // The header rule: the first row is a header when none of its cells is a number; a row with some
            // numbers and some not is a data row with a bad cell, never a header (it would drop a data row).
            if (numbers == 0 && rows.Count == 0 && width < 0) { width = parts.Length; continue; }
            if (bad >= 0)
                throw new FormatException($"{path}: line {lineNo}, column {bad + 1}: not a number: '{parts[bad].Trim()}'" +
                    (rows.Count == 0 && width < 0 ? " (a header line must have no numeric cell)" : ""));
            for (int i = 0; i < parts.Length; i++)
                if (!double.IsFinite(vals[i])) throw new FormatException($"{path}: line {lineNo}, column {i + 1}: not a finite number: '{parts[i].Trim()}'");
            if (width < 0) width = parts.Length;
            if (parts.Length != width) throw new FormatException($"{path}: line {lineNo}: {parts.Length} columns, expected {width}");
            if (width < 2) throw new FormatException($"{path}: line {lineNo}: need at least 2 columns (x..., y)");
            rows.Add(vals);
        }
        if (rows.Count == 0) throw new FormatException($"{path}: no data rows");
        int n = rows.Count, d = width - 1;
        var x = new double[n * d];
        var y = new double[n];
        for (int k = 0; k < n; k++)
        {
            Array.Copy(rows[k], 0, x, k * d, d);
            y[k] = rows[k][d];
        }
        return new Dataset(n, d, x, y);
    }

    /// <summary>Writes the dataset as CSV (x1..xd,y), atomically (temporary file, then rename).</summary>
    public void SaveCsv(string path)
    {
        var tmp = path + ".tmp";
        using (var w = new StreamWriter(tmp))
        {
            for (int i = 0; i < D; i++) w.Write($"x{i + 1},");
            w.WriteLine("y");
            for (int k = 0; k < N; k++)
            {
                for (int i = 0; i < D; i++) { w.Write(X[k * D + i].ToString("R", CultureInfo.InvariantCulture)); w.Write(','); }
                w.WriteLine(Y[k].ToString("R", CultureInfo.InvariantCulture));
            }
        }
        File.Move(tmp, path, overwrite: true);
    }
}
