namespace SimplicityBias.Dynamics.Numerics;

/// <summary>
/// In-place LU factorization with partial pivoting of a dense row-major n x n matrix, and the matching solve.
/// Written here instead of MathNet's because MathNet allocates a new factorization per call; this works on a
/// reused array and a reused pivot vector, so a Rosenbrock step allocates nothing.
/// </summary>
public static class DenseLu
{
    /// <summary>Factors <paramref name="a"/> in place (L unit-lower below the diagonal, U on and above). Returns false if singular.</summary>
    public static bool Factor(Span<double> a, int n, Span<int> pivots)
    {
        if (a.Length < n * n) throw new ArgumentException($"matrix length must be >= {n * n}, got {a.Length}", nameof(a));
        if (pivots.Length < n) throw new ArgumentException($"pivots length must be >= {n}, got {pivots.Length}", nameof(pivots));
        for (int k = 0; k < n; k++)
        {
            int p = k;
            double max = Math.Abs(a[k * n + k]);
            for (int i = k + 1; i < n; i++)
            {
                double v = Math.Abs(a[i * n + k]);
                if (v > max) { max = v; p = i; }
            }
            pivots[k] = p;
            if (max == 0 || !double.IsFinite(max)) return false;
            if (p != k)
            {
                Span<double> rk = a.Slice(k * n, n), rp = a.Slice(p * n, n);
                for (int j = 0; j < n; j++) (rk[j], rp[j]) = (rp[j], rk[j]);
            }
            double inv = 1.0 / a[k * n + k];
            Span<double> rowK = a.Slice(k * n, n);
            for (int i = k + 1; i < n; i++)
            {
                Span<double> rowI = a.Slice(i * n, n);
                double l = rowI[k] * inv;
                rowI[k] = l;
                if (l == 0) continue;
                for (int j = k + 1; j < n; j++) rowI[j] -= l * rowK[j];
            }
        }
        return true;
    }

    /// <summary>Solves A x = b in place (b becomes x) with the factors from <see cref="Factor"/>.</summary>
    public static void Solve(ReadOnlySpan<double> lu, int n, ReadOnlySpan<int> pivots, Span<double> b)
    {
        for (int k = 0; k < n; k++)
        {
            int p = pivots[k];
            if (p != k) (b[k], b[p]) = (b[p], b[k]);
        }
        for (int i = 1; i < n; i++)
        {
            ReadOnlySpan<double> row = lu.Slice(i * n, i);
            double s = b[i];
            for (int j = 0; j < i; j++) s -= row[j] * b[j];
            b[i] = s;
        }
        for (int i = n - 1; i >= 0; i--)
        {
            ReadOnlySpan<double> row = lu.Slice(i * n, n);
            double s = b[i];
            for (int j = i + 1; j < n; j++) s -= row[j] * b[j];
            b[i] = s / row[i];
        }
    }
}
