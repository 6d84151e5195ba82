namespace SimplicityBias.Dynamics.Network;

/// <summary>
/// The data hyperplanes {w : &lt;w, x_k&gt; = 0} one neuron currently slides on (the set K_j of THEORY.md
/// section 7), with the Cholesky factor of their Gram matrix X_K^T X_K. A neuron w_j != 0 lies on at most
/// d - 1 independent hyperplanes, so |K_j| &lt;= d - 1 and the factor is tiny.
/// </summary>
internal sealed class SlidingSet
{
    readonly Dataset _data;
    readonly List<int> _points = new();
    double[] _chol = Array.Empty<double>(); // lower-triangular, |K| x |K| row-major

    public SlidingSet(Dataset data) { _data = data; }

    /// <summary>The sample indices k in K_j.</summary>
    public IReadOnlyList<int> Points => _points;
    public int Count => _points.Count;

    /// <summary>
    /// Adds k if x_k is independent enough of the x's already in the set (relative pivot above
    /// <paramref name="pivotTolerance"/>) and the set has fewer than d - 1 members. Returns whether it was added.
    /// </summary>
    public bool TryAdd(int k, double pivotTolerance = 1e-8)
    {
        if (_points.Count >= _data.D - 1) return false;
        _points.Add(k);
        if (Factor(pivotTolerance)) return true;
        _points.RemoveAt(_points.Count - 1);
        Factor(0);
        return false;
    }

    /// <summary>Empties the set.</summary>
    public void Clear()
    {
        _points.Clear();
        _chol = Array.Empty<double>();
    }

    /// <summary>Removes the member at position <paramref name="index"/>.</summary>
    public void RemoveAt(int index)
    {
        _points.RemoveAt(index);
        Factor(0);
    }

    bool Factor(double pivotTolerance)
    {
        int q = _points.Count, d = _data.D;
        var g = new double[q * q];
        for (int a = 0; a < q; a++)
            for (int b = 0; b <= a; b++)
            {
                var xa = _data.Row(_points[a]);
                var xb = _data.Row(_points[b]);
                double s = 0;
                for (int i = 0; i < d; i++) s += xa[i] * xb[i];
                g[a * q + b] = s;
            }
        for (int a = 0; a < q; a++)
        {
            double diag0 = g[a * q + a];
            for (int b = 0; b <= a; b++)
            {
                double s = g[a * q + b];
                for (int c = 0; c < b; c++) s -= g[a * q + c] * g[b * q + c];
                if (a == b)
                {
                    if (!(s > pivotTolerance * diag0)) return false;
                    g[a * q + a] = Math.Sqrt(s);
                }
                else g[a * q + b] = s / g[b * q + b];
            }
        }
        _chol = g;
        return true;
    }

    /// <summary>Solves (X_K^T X_K) lambda = rhs in place (|K| entries).</summary>
    public void SolveGram(Span<double> rhs)
    {
        int q = _points.Count;
        for (int a = 0; a < q; a++)
        {
            double s = rhs[a];
            for (int c = 0; c < a; c++) s -= _chol[a * q + c] * rhs[c];
            rhs[a] = s / _chol[a * q + a];
        }
        for (int a = q - 1; a >= 0; a--)
        {
            double s = rhs[a];
            for (int c = a + 1; c < q; c++) s -= _chol[c * q + a] * rhs[c];
            rhs[a] = s / _chol[a * q + a];
        }
    }

    /// <summary>
    /// v -= X_K lambda with lambda = (X_K^T X_K)^-1 X_K^T v: the orthogonal projection of v onto the
    /// complement of span{x_k : k in K}. Writes lambda into <paramref name="lambda"/> (|K| entries).
    /// </summary>
    public void Project(Span<double> v, Span<double> lambda)
    {
        int q = _points.Count, d = _data.D;
        for (int a = 0; a < q; a++)
        {
            var x = _data.Row(_points[a]);
            double s = 0;
            for (int i = 0; i < d; i++) s += x[i] * v[i];
            lambda[a] = s;
        }
        SolveGram(lambda);
        for (int a = 0; a < q; a++)
        {
            var x = _data.Row(_points[a]);
            double l = lambda[a];
            for (int i = 0; i < d; i++) v[i] -= l * x[i];
        }
    }
}
