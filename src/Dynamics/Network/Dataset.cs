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
        var (rows, width) = Numerics.NumericCsv.Read(path);
        if (width < 2) throw new FormatException($"{path}: need at least 2 columns (x..., y)");
        var (x, y) = Numerics.NumericCsv.Split(rows, width - 1, withLabel: true);
        return new Dataset(rows.Count, width - 1, x, y!);
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
