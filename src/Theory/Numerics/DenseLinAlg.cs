using SimplicityBias.Dynamics.Numerics;

namespace SimplicityBias.Theory.Numerics;

/// <summary>Small dense linear algebra written out, for determinism and tiny sizes (d up to a few dozen).</summary>
internal static class DenseLinAlg
{
    /// <summary>
    /// A unit vector spanning the null space of a (r-1) x r row-major matrix of full row rank,
    /// by Gaussian elimination with full pivoting; null if the rows are (numerically) dependent.
    /// </summary>
    public static double[]? NullVector(ReadOnlySpan<double> rows, int rowsCount, int r, double relTol = 1e-12)
    {
        if (rowsCount != r - 1) throw new ArgumentException($"need r-1 = {r - 1} rows, got {rowsCount}", nameof(rowsCount));
        var a = rows.Slice(0, rowsCount * r).ToArray();
        var colPerm = new int[r];
        for (int j = 0; j < r; j++) colPerm[j] = j;
        double scale = 0;
        for (int i = 0; i < a.Length; i++) scale = Math.Max(scale, Math.Abs(a[i]));
        if (rowsCount > 0 && scale == 0) return null;
        for (int p = 0; p < rowsCount; p++)
        {
            int bi = p, bj = p;
            double best = -1;
            for (int i = p; i < rowsCount; i++)
                for (int j = p; j < r; j++)
                {
                    double v = Math.Abs(a[i * r + j]);
                    if (v > best) { best = v; bi = i; bj = j; }
                }
            if (best <= relTol * scale) return null;
            if (bi != p)
                for (int j = 0; j < r; j++) (a[p * r + j], a[bi * r + j]) = (a[bi * r + j], a[p * r + j]);
            if (bj != p)
            {
                for (int i = 0; i < rowsCount; i++) (a[i * r + p], a[i * r + bj]) = (a[i * r + bj], a[i * r + p]);
                (colPerm[p], colPerm[bj]) = (colPerm[bj], colPerm[p]);
            }
            for (int i = p + 1; i < rowsCount; i++)
            {
                double f = a[i * r + p] / a[p * r + p];
                if (f == 0) continue;
                for (int j = p; j < r; j++) a[i * r + j] -= f * a[p * r + j];
            }
        }
        // upper-triangular U (r-1 x r): set the free (last) variable to 1, back-substitute
        var z = new double[r];
        z[r - 1] = 1.0;
        for (int i = rowsCount - 1; i >= 0; i--)
        {
            double s = 0;
            for (int j = i + 1; j < r; j++) s += a[i * r + j] * z[j];
            z[i] = -s / a[i * r + i];
        }
        var v2 = new double[r];
        for (int j = 0; j < r; j++) v2[colPerm[j]] = z[j];
        Vec.Normalize(v2);
        return v2;
    }

    /// <summary>
    /// An orthonormal basis (d x r, column j = basis vector j, stored row-major as basis[i*r + j])
    /// of the span of the rows of the n x d matrix x, from the eigenvectors of X^T X with
    /// eigenvalues above relTol times the largest. Returns r.
    /// </summary>
    public static double[] RowSpaceBasis(ReadOnlySpan<double> x, int n, int d, out int r, double relTol = 1e-10)
    {
        var gram = MathNet.Numerics.LinearAlgebra.Matrix<double>.Build.Dense(d, d);
        for (int k = 0; k < n; k++)
            for (int i = 0; i < d; i++)
            {
                double xi = x[k * d + i];
                if (xi == 0) continue;
                for (int j = 0; j < d; j++) gram[i, j] += xi * x[k * d + j];
            }
        var evd = gram.Evd(MathNet.Numerics.LinearAlgebra.Symmetricity.Symmetric);
        var ev = evd.EigenValues;
        double max = 0;
        for (int i = 0; i < d; i++) max = Math.Max(max, ev[i].Real);
        var keep = new List<int>();
        for (int i = 0; i < d; i++) if (ev[i].Real > relTol * max && max > 0) keep.Add(i);
        r = keep.Count;
        var basis = new double[d * r];
        for (int j = 0; j < r; j++)
            for (int i = 0; i < d; i++) basis[i * r + j] = evd.EigenVectors[i, keep[j]];
        return basis;
    }

    /// <summary>
    /// The coordinates of the n rows of x (n x d) in a basis of <see cref="RowSpaceBasis"/>'s form (d x r, orthonormal
    /// columns): z[k*r + j] = &lt;basis column j, x_k&gt;, an n x r matrix.
    /// </summary>
    public static double[] Coordinates(ReadOnlySpan<double> x, int n, int d, double[] basis, int r)
    {
        var z = new double[n * r];
        for (int k = 0; k < n; k++)
            for (int j = 0; j < r; j++)
            {
                double s = 0;
                for (int i = 0; i < d; i++) s += basis[i * r + j] * x[k * d + i];
                z[k * r + j] = s;
            }
        return z;
    }
}
