using SimplicityBias.Dynamics.Network;

namespace SimplicityBias.Dynamics.Tests.Network;

/// <summary>
/// The box-constrained quadratic of the minimum-norm selection, min over [0, 1]^q of |g + A eta|^2 / 2 with A of d
/// rows: the solver's value against the exact minimum found by enumerating every assignment of the q coordinates
/// to {at 0, free, at 1} (3^q small least-squares problems), for well-conditioned, nearly parallel and repeated
/// columns (a singular Q, where only the value is unique).
/// </summary>
public class BoxQuadraticTests
{
    [Theory]
    [InlineData(1, 5, 0.0)]
    [InlineData(3, 5, 0.0)]
    [InlineData(5, 5, 0.0)]
    [InlineData(4, 5, 1e-3)]  // nearly parallel inputs: slow for coordinate descent
    [InlineData(6, 3, 0.0)]   // more pairs than dimensions: Q singular
    [InlineData(7, 5, -1.0)]  // repeated inputs (negative: every other column copies its neighbour)
    public void Reaches_the_exact_minimum(int q, int d, double spread)
    {
        var rng = new SeededRandom((ulong)(q * 31 + d));
        for (int trial = 0; trial < 200; trial++)
        {
            var a = new double[d * q]; // column-major: column c is a[c*d .. c*d+d)
            var g = new double[d];
            var baseDir = new double[d];
            for (int i = 0; i < d; i++) baseDir[i] = rng.NextGaussian();
            for (int c = 0; c < q; c++)
            {
                double scale = Math.Exp(rng.NextGaussian());
                for (int i = 0; i < d; i++)
                    a[c * d + i] = spread > 0 ? scale * (baseDir[i] + spread * rng.NextGaussian())
                        : spread < 0 && c % 2 == 1 ? a[(c - 1) * d + i] : rng.NextGaussian();
            }
            for (int i = 0; i < d; i++) g[i] = 2 * rng.NextGaussian();
            var qmat = new double[q * q];
            var b = new double[q];
            for (int r = 0; r < q; r++)
            {
                for (int i = 0; i < d; i++) b[r] += a[r * d + i] * g[i];
                for (int c = 0; c < q; c++)
                    for (int i = 0; i < d; i++) qmat[r * q + c] += a[r * d + i] * a[c * d + i];
            }
            var eta = new double[q];
            Array.Fill(eta, 0.5);
            BoxQuadratic.Solve(qmat, b, eta, q);
            foreach (double e in eta) Assert.InRange(e, 0.0, 1.0);
            double value = Objective(a, g, eta, d), best = BruteForceMinimum(a, g, d, q);
            double scaleOfProblem = 0;
            foreach (double v in g) scaleOfProblem += v * v;
            Assert.True(value <= best + 1e-9 * (1 + scaleOfProblem), $"trial {trial}: value {value} above the minimum {best}");
        }
    }

    static double Objective(double[] a, double[] g, ReadOnlySpan<double> eta, int d)
    {
        double s = 0;
        for (int i = 0; i < d; i++)
        {
            double v = g[i];
            for (int c = 0; c < eta.Length; c++) v += a[c * d + i] * eta[c];
            s += v * v;
        }
        return s / 2;
    }

    /// <summary>The minimum over all 3^q assignments: fixed coordinates at 0 or 1, the free ones by least squares (kept if inside the box).</summary>
    static double BruteForceMinimum(double[] a, double[] g, int d, int q)
    {
        double best = double.PositiveInfinity;
        int total = 1;
        for (int c = 0; c < q; c++) total *= 3;
        var eta = new double[q];
        for (int code = 0; code < total; code++)
        {
            var free = new List<int>();
            int rest = code;
            for (int c = 0; c < q; c++, rest /= 3)
            {
                int s = rest % 3;
                eta[c] = s == 2 ? 1 : 0;
                if (s == 1) free.Add(c);
            }
            if (free.Count > 0 && !SolveFree(a, g, d, eta, free)) continue;
            bool inside = true;
            foreach (int c in free) inside &= eta[c] >= -1e-12 && eta[c] <= 1 + 1e-12;
            if (!inside) continue;
            for (int c = 0; c < q; c++) eta[c] = Math.Clamp(eta[c], 0, 1);
            best = Math.Min(best, Objective(a, g, eta, d));
        }
        return best;
    }

    /// <summary>Least squares over the free coordinates (normal equations with a tiny ridge, so dependent columns still give a minimiser).</summary>
    static bool SolveFree(double[] a, double[] g, int d, double[] eta, List<int> free)
    {
        int f = free.Count;
        var m = new double[f, f + 1];
        for (int r = 0; r < f; r++)
        {
            for (int i = 0; i < d; i++)
            {
                double resid = g[i];
                for (int c = 0; c < eta.Length; c++) if (!free.Contains(c)) resid += a[c * d + i] * eta[c];
                m[r, f] -= a[free[r] * d + i] * resid;
            }
            for (int c = 0; c < f; c++)
                for (int i = 0; i < d; i++) m[r, c] += a[free[r] * d + i] * a[free[c] * d + i];
            m[r, r] += 1e-13;
        }
        for (int p = 0; p < f; p++)
        {
            int piv = p;
            for (int r = p + 1; r < f; r++) if (Math.Abs(m[r, p]) > Math.Abs(m[piv, p])) piv = r;
            if (Math.Abs(m[piv, p]) < 1e-300) return false;
            for (int c = 0; c <= f; c++) (m[p, c], m[piv, c]) = (m[piv, c], m[p, c]);
            for (int r = 0; r < f; r++)
            {
                if (r == p) continue;
                double factor = m[r, p] / m[p, p];
                for (int c = p; c <= f; c++) m[r, c] -= factor * m[p, c];
            }
        }
        for (int r = 0; r < f; r++) eta[free[r]] = m[r, f] / m[r, r];
        return true;
    }
}
