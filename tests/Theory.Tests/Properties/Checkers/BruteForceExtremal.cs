using SimplicityBias.Dynamics.Network;
using SimplicityBias.Theory.Numerics;
using SimplicityBias.Dynamics.Numerics;

namespace SimplicityBias.Theory.Tests.Properties;

/// <summary>
/// Every extremal vector of small data by brute force, written independently of the library: for every
/// boundary set B of at most <c>maxBoundary</c> points and every activation set A among the other points
/// (all 2^(n-|B|) of them) and each sign s, the only candidate is u = s P w / |P w| with w = 1/n sum_A y_k x_k
/// and P the projection onto span(x_B)^perp (normal equations, Gaussian elimination); it is extremal iff
/// A is exactly the strictly positive side of u off B, and the eta cancelling the span(x_B) part of w are
/// in [0, 1]. Exponential in n: for n up to about 12.
/// </summary>
public static class BruteForceExtremal
{
    /// <summary>Strict sides: |&lt;u, x_k&gt;| above this times |x_k|.</summary>
    public const double Side = 1e-10;

    /// <summary>One brute-force extremal vector: sign, activation set, boundary set.</summary>
    public sealed record Found(int Sign, int[] A, int[] B)
    {
        /// <summary>The same key as <see cref="ExtremalChecks.Key"/>.</summary>
        public string Key => $"{(Sign > 0 ? '+' : '-')}A[{string.Join(",", A)}]B[{string.Join(",", B)}]";
    }

    public static List<Found> All(Dataset data, int maxBoundary)
    {
        int n = data.N, d = data.D;
        if (n > 16) throw new ArgumentException($"brute force needs n <= 16, got n = {n}", nameof(data));
        var found = new List<Found>();
        var norms = Enumerable.Range(0, n).Select(k => Vec.Norm(data.Row(k))).ToArray();
        for (int bMask = 0; bMask < 1 << n; bMask++)
        {
            int b = System.Numerics.BitOperations.PopCount((uint)bMask);
            if (b > maxBoundary || b >= d) continue;
            var bs = Enumerable.Range(0, n).Where(k => (bMask >> k & 1) == 1).ToArray();
            if (bs.Any(k => norms[k] == 0)) continue;
            var rest = Enumerable.Range(0, n).Where(k => (bMask >> k & 1) == 0 && norms[k] > 0).ToArray();
            for (int aMask = 0; aMask < 1 << rest.Length; aMask++)
            {
                var w = new double[d];
                for (int p = 0; p < rest.Length; p++)
                    if ((aMask >> p & 1) == 1)
                        for (int i = 0; i < d; i++) w[i] += data.Y[rest[p]] * data.X[rest[p] * d + i] / n;
                // alpha solves (X_B X_B^T) alpha = X_B w; the span(x_B) part of w is X_B^T alpha
                var alpha = Solve(data, bs, w);
                if (alpha is null) continue;
                var pw = (double[])w.Clone();
                for (int p = 0; p < b; p++)
                    for (int i = 0; i < d; i++) pw[i] -= alpha[p] * data.X[bs[p] * d + i];
                double c = Vec.Norm(pw);
                if (c <= 1e-12) continue;
                bool etaOk = true;
                for (int p = 0; p < b && etaOk; p++)
                {
                    double y = data.Y[bs[p]];
                    double eta = y == 0 ? (Math.Abs(alpha[p]) < 1e-12 ? 0 : double.NaN) : -alpha[p] * n / y;
                    etaOk = eta >= -1e-9 && eta <= 1 + 1e-9;
                }
                if (!etaOk) continue;
                for (int s = 1; s >= -1; s -= 2)
                {
                    bool ok = true;
                    var act = new List<int>();
                    for (int p = 0; p < rest.Length && ok; p++)
                    {
                        int k = rest[p];
                        double z = 0;
                        for (int i = 0; i < d; i++) z += s * pw[i] / c * data.X[k * d + i];
                        bool inA = (aMask >> p & 1) == 1;
                        ok = inA ? z > Side * norms[k] : z < -Side * norms[k];
                        if (inA) act.Add(k);
                    }
                    if (ok) found.Add(new Found(s, act.ToArray(), bs));
                }
            }
        }
        return found;
    }

    private static double[]? Solve(Dataset data, int[] bs, double[] w)
    {
        int b = bs.Length, d = data.D;
        if (b == 0) return [];
        var m = new double[b, b + 1];
        for (int p = 0; p < b; p++)
        {
            for (int q = 0; q < b; q++)
                for (int i = 0; i < d; i++) m[p, q] += data.X[bs[p] * d + i] * data.X[bs[q] * d + i];
            for (int i = 0; i < d; i++) m[p, b] += data.X[bs[p] * d + i] * w[i];
        }
        for (int col = 0; col < b; col++)
        {
            int piv = col;
            for (int r = col + 1; r < b; r++) if (Math.Abs(m[r, col]) > Math.Abs(m[piv, col])) piv = r;
            if (Math.Abs(m[piv, col]) < 1e-12 * Math.Max(1, Math.Abs(m[0, 0]))) return null;
            for (int q = 0; q <= b; q++) (m[col, q], m[piv, q]) = (m[piv, q], m[col, q]);
            for (int r = 0; r < b; r++)
            {
                if (r == col) continue;
                double f = m[r, col] / m[col, col];
                for (int q = col; q <= b; q++) m[r, q] -= f * m[col, q];
            }
        }
        var alpha = new double[b];
        for (int p = 0; p < b; p++) alpha[p] = m[p, b] / m[p, p];
        return alpha;
    }
}
