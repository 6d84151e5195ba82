namespace SimplicityBias.Dynamics.Ode;

/// <summary>Solves with a Cholesky factor: the triangular solves shared by the small dense systems of the toolkit.</summary>
public static class DenseCholesky
{
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
