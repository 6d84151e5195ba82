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
/// Minimal versions of the Theory module's predictions (extremal vectors, OLS on a subset,
/// reference levels), so the pipeline can be built and tested before Theory lands.
/// TODO: route every call through SimplicityBias.Theory when its API exists (see Running/Predictions.cs).
/// </summary>
internal static class TheoryStandIn
{
    /// <summary>D_n(u) = 1/n sum over &lt;u, x_k&gt; &gt; 0 of y_k x_k; returns the activation count.</summary>
    public static int DirectionalField(Dataset data, ReadOnlySpan<double> u, Span<double> result, bool[]? active = null)
    {
        int n = data.N, d = data.D, count = 0;
        result.Clear();
        for (int k = 0; k < n; k++)
        {
            var x = data.Row(k);
            double z = 0;
            for (int i = 0; i < d; i++) z += u[i] * x[i];
            bool on = z > 0;
            if (active is not null) active[k] = on;
            if (!on) continue;
            count++;
            double yk = data.Y[k];
            for (int i = 0; i < d; i++) result[i] += yk * x[i];
        }
        for (int i = 0; i < d; i++) result[i] /= n;
        return count;
    }

    /// <summary>
    /// Extremal directions reachable from the given starts by the fixed-point map u -&gt; s D_n(u)/|D_n(u)|.
    /// A start is kept when the map returns to the same activation set, which makes the result exact
    /// (D_n is constant on the cell, so D_n(u') = s c u'), or when it cycles between a few adjacent cells,
    /// which means a direction on their common hyperplanes: the mean of the cycle approximates it.
    /// Deduplicated by (sign, activation set).
    /// </summary>
    public static List<ExtremalDirection> Extremal(Dataset data, IEnumerable<(double[] Start, int Sign)> starts, int maxIterations = 200)
    {
        int n = data.N, d = data.D;
        var found = new List<ExtremalDirection>();
        var keys = new HashSet<string>(StringComparer.Ordinal);
        var u = new double[d];
        var dn = new double[d];
        var act = new bool[n];
        var prevAct = new bool[n];
        foreach (var (start, sign) in starts)
        {
            double nrm = Norm(start);
            if (!(nrm > 0)) continue;
            for (int i = 0; i < d; i++) u[i] = start[i] / nrm;
            DirectionalField(data, u, dn, prevAct);
            // Recent activation sets and directions: with many points the extremal direction often lies
            // on a data hyperplane (an eta selection), and the map then cycles between the adjacent cells.
            var history = new List<(string Key, double[] U)>();
            double[]? result = null;
            for (int it = 0; it < maxIterations && result is null; it++)
            {
                double c = Norm(dn);
                if (!(c > 0)) break;
                for (int i = 0; i < d; i++) u[i] = sign * dn[i] / c;
                DirectionalField(data, u, dn, act);
                if (act.AsSpan().SequenceEqual(prevAct)) { result = (double[])u.Clone(); break; }
                var key = Key(act);
                int back = history.FindLastIndex(h => h.Key == key);
                if (back >= 0 && history.Count - back <= 8)
                {
                    // A short cycle: the boundary direction is (to first order) the mean of the cycle.
                    var mean = new double[d];
                    for (int h = back; h < history.Count; h++) for (int i = 0; i < d; i++) mean[i] += history[h].U[i];
                    double mn = Norm(mean);
                    if (mn > 0) { for (int i = 0; i < d; i++) mean[i] /= mn; result = mean; DirectionalField(data, mean, dn, act); }
                    break;
                }
                history.Add((key, (double[])u.Clone()));
                if (history.Count > 16) history.RemoveAt(0);
                (act, prevAct) = (prevAct, act);
            }
            if (result is null) continue;
            var setKey = (sign > 0 ? "+" : "-") + Key(act);
            if (!keys.Add(setKey)) continue;
            double cc = Norm(dn);
            if (!(cc > 0)) continue;
            found.Add(new ExtremalDirection(sign, cc, result, (double[])dn.Clone(), act.Count(b => b)));
        }
        found.Sort((a, b) => b.Sign != a.Sign ? b.Sign.CompareTo(a.Sign) : b.C.CompareTo(a.C));
        return found;
    }

    /// <summary>Random starts, half per sign, drawn from the extremal stream of the seed.</summary>
    public static IEnumerable<(double[], int)> RandomStarts(int d, int perSign, int seed)
    {
        var rng = new Rng(seed, Rng.Streams.Extremal);
        for (int s = 0; s < 2; s++)
            for (int k = 0; k < perSign; k++)
            {
                var v = new double[d];
                for (int i = 0; i < d; i++) v[i] = rng.NextGaussian();
                yield return (v, s == 0 ? 1 : -1);
            }
    }

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

    private static double Norm(ReadOnlySpan<double> v)
    {
        double s = 0;
        foreach (var x in v) s += x * x;
        return Math.Sqrt(s);
    }

    private static string Key(bool[] set)
    {
        var bytes = new byte[(set.Length + 7) / 8];
        for (int k = 0; k < set.Length; k++) if (set[k]) bytes[k >> 3] |= (byte)(1 << (k & 7));
        return Convert.ToBase64String(bytes);
    }
}
