namespace SimplicityBias.Dynamics.Numerics;

/// <summary>
/// Eigenvalues and eigenvectors of a small dense symmetric matrix by cyclic Jacobi rotations. Used on the Lanczos
/// tridiagonal matrices (order below a hundred), where its O(k^3) per sweep is nothing next to one field evaluation;
/// it is plain scalar arithmetic in a fixed order, so its bits do not depend on the machine.
/// </summary>
public static class SymmetricEigen
{
    /// <summary>
    /// Diagonalizes the symmetric k x k matrix <paramref name="a"/> (row-major; overwritten): on return
    /// <paramref name="values"/> holds the eigenvalues in decreasing order and column i of <paramref name="vectors"/>
    /// (row-major k x k) the unit eigenvector of values[i].
    /// </summary>
    public static void Decompose(double[] a, int k, double[] values, double[] vectors)
    {
        if (a.Length < k * k || vectors.Length < k * k || values.Length < k)
            throw new ArgumentException($"arrays too short for order {k}");
        Array.Clear(vectors, 0, k * k);
        for (int i = 0; i < k; i++) vectors[i * k + i] = 1;
        for (int sweep = 0; sweep < 100; sweep++)
        {
            double off = 0, diag = 0;
            for (int i = 0; i < k; i++)
            {
                diag += a[i * k + i] * a[i * k + i];
                for (int j = i + 1; j < k; j++) off += a[i * k + j] * a[i * k + j];
            }
            if (off <= 1e-30 * diag || off == 0) break;
            for (int p = 0; p < k - 1; p++)
                for (int q = p + 1; q < k; q++) Rotate(a, vectors, k, p, q);
        }
        SortDecreasing(a, k, values, vectors);
    }

    /// <summary>The Jacobi rotation that zeroes a[p, q] (Rutishauser's stable formulas).</summary>
    static void Rotate(double[] a, double[] v, int k, int p, int q)
    {
        double apq = a[p * k + q];
        if (apq == 0) return;
        double theta = (a[q * k + q] - a[p * k + p]) / (2 * apq);
        double t = Math.Sign(theta == 0 ? 1 : theta) / (Math.Abs(theta) + Math.Sqrt(theta * theta + 1));
        double c = 1 / Math.Sqrt(t * t + 1), s = t * c;
        for (int r = 0; r < k; r++)
        {
            double arp = a[r * k + p], arq = a[r * k + q];
            a[r * k + p] = c * arp - s * arq;
            a[r * k + q] = s * arp + c * arq;
        }
        for (int r = 0; r < k; r++)
        {
            double apr = a[p * k + r], aqr = a[q * k + r];
            a[p * k + r] = c * apr - s * aqr;
            a[q * k + r] = s * apr + c * aqr;
        }
        a[p * k + q] = a[q * k + p] = 0;
        for (int r = 0; r < k; r++)
        {
            double vrp = v[r * k + p], vrq = v[r * k + q];
            v[r * k + p] = c * vrp - s * vrq;
            v[r * k + q] = s * vrp + c * vrq;
        }
    }

    /// <summary>Reads the diagonal into values and orders values and vector columns by decreasing value.</summary>
    static void SortDecreasing(double[] a, int k, double[] values, double[] v)
    {
        var order = Enumerable.Range(0, k).OrderByDescending(i => a[i * k + i]).ThenBy(i => i).ToArray();
        var copy = (double[])v.Clone();
        for (int c = 0; c < k; c++)
        {
            values[c] = a[order[c] * k + order[c]];
            for (int r = 0; r < k; r++) v[r * k + c] = copy[r * k + order[c]];
        }
    }
}
