namespace SimplicityBias.Dynamics.Numerics;

/// <summary>
/// Cholesky factorization and solve for the small dense symmetric positive-definite systems of the toolkit
/// (Gram matrices of a few data points, a covariance, a free block of the sliding selection), written out so
/// the bits depend only on the inputs.
/// </summary>
public static class DenseCholesky
{
    /// <summary>
    /// Writes the lower factor L of the row-major n x n matrix <paramref name="a"/> (only its lower triangle is read)
    /// into <paramref name="l"/> (row-major n x n, lower triangle; the rest left as it was). Returns false when a pivot
    /// L_ii^2 is not above <paramref name="minPivot"/>: the matrix is not (numerically) positive definite.
    /// </summary>
    public static bool Factor(ReadOnlySpan<double> a, int n, Span<double> l, double minPivot = 0)
    {
        for (int i = 0; i < n; i++)
            for (int j = 0; j <= i; j++)
            {
                double s = a[i * n + j];
                for (int k = 0; k < j; k++) s -= l[i * n + k] * l[j * n + k];
                if (j < i) { l[i * n + j] = s / l[j * n + j]; continue; }
                if (!(s > minPivot)) return false;
                l[i * n + i] = Math.Sqrt(s);
            }
        return true;
    }

    /// <summary>The lower factor of <paramref name="a"/> as a new array, or null when it is not positive definite.</summary>
    public static double[]? Factor(ReadOnlySpan<double> a, int n)
    {
        var l = new double[n * n];
        return Factor(a, n, l) ? l : null;
    }

    /// <summary>Solves L L^T x = b in place, L lower-triangular n x n, row-major (entries above the diagonal unread).</summary>
    public static void Solve(ReadOnlySpan<double> l, int n, Span<double> b)
    {
        for (int i = 0; i < n; i++)
        {
            double s = b[i];
            for (int k = 0; k < i; k++) s -= l[i * n + k] * b[k];
            b[i] = s / l[i * n + i];
        }
        for (int i = n - 1; i >= 0; i--)
        {
            double s = b[i];
            for (int k = i + 1; k < n; k++) s -= l[k * n + i] * b[k];
            b[i] = s / l[i * n + i];
        }
    }
}
