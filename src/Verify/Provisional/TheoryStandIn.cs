using MathNet.Numerics.LinearAlgebra;
using SimplicityBias.Dynamics.Network;

namespace SimplicityBias.Verify.Provisional;

/// <summary>An extremal direction u (D_n(u) = sign * c * u, c &gt; 0) with its extremal vector D_n(u).</summary>
/// <param name="Sign">+1 (local maximum of G_n on the sphere) or -1 (local minimum).</param>
/// <param name="C">c = |D_n(u)|.</param>
/// <param name="Direction">Unit vector u.</param>
/// <param name="Vector">The extremal vector D_n(u) = sign * c * u.</param>
/// <param name="ActiveCount">Size of the activation set {k : &lt;u, x_k&gt; &gt; 0}.</param>
public sealed record ExtremalDirection(int Sign, double C, double[] Direction, double[] Vector, int ActiveCount)
{
    /// <summary>A local maximum (positive) or minimum (negative) of G_n: where the early phase settles.</summary>
    public bool Stable { get; init; } = true;
    /// <summary>Points on the direction's hyperplane (an eta selection in [0, 1] is used for them).</summary>
    public int BoundaryCount { get; init; }
}

/// <summary>
/// Minimal versions of the Theory module's endpoint predictions (OLS on a subset of the data,
/// reference levels), so the pipeline can run before Theory's endpoint code lands.
/// TODO: replace by SimplicityBias.Theory's OLS on S+- and reference levels (see Running/Predictions.cs).
/// </summary>
internal static class TheoryStandIn
{
    /// <summary>Least squares on the rows in <paramref name="subset"/> (null when fewer than d rows or rank deficient); an empty subset gives 0.</summary>
    public static double[]? OlsOnSubset(Dataset data, bool[] subset)
    {
        int d = data.D;
        int rows = subset.Count(b => b);
        if (rows == 0) return new double[d];
        if (rows < d) return null;
        var a = Matrix<double>.Build.Dense(rows, d);
        var y = Vector<double>.Build.Dense(rows);
        int r = 0;
        for (int k = 0; k < data.N; k++)
        {
            if (!subset[k]) continue;
            var x = data.Row(k);
            for (int i = 0; i < d; i++) a[r, i] = x[i];
            y[r] = data.Y[k];
            r++;
        }
        var qr = a.QR();
        if (!qr.IsFullRank) return null;
        return qr.Solve(y).ToArray();
    }

    /// <summary>Approximate train and (noise-free) test levels above the threshold, 1/(2n) convention (THEORY.md section 5).</summary>
    public static (double Train, double Test) ReferenceLevels(double sigma, int d, int n)
        => (sigma * sigma / 2 * Math.Max(0, 1 - 2.0 * d / n), sigma * sigma * d / n);

}
