namespace SimplicityBias.Dynamics.Network;

/// <summary>
/// The data hyperplanes {w : &lt;w, x_k&gt; = 0} one neuron currently slides on (the set K_j of docs/THEORY.md
/// section 10). A neuron w_j != 0 lies on at most d - 1 independent hyperplanes: those form the basis, with the
/// Cholesky factor of their Gram matrix, and the projection uses them alone. A member whose x_k lies in the span
/// of the basis (a repeated or opposite input, or any exact linear dependence, as on Rademacher or other discrete
/// inputs) is a companion: its hyperplane contains the basis' intersection, so its pre-activation is 0 wherever
/// the basis' are, and it slides with them at no cost (without it, such pairs could not be captured and crossed
/// back and forth every step).
/// </summary>
internal sealed class SlidingSet
{
    /// <summary>Relative pivot below which x_k counts as lying in the span of the basis (exact dependence up to rounding).</summary>
    const double DependentPivot = 1e-12;

    readonly Dataset _data;
    readonly List<int> _points = new();
    readonly List<int> _basis = new(); // positions in _points of the basis members, in order
    double[] _chol = Array.Empty<double>(); // lower-triangular, |basis| x |basis| row-major

    public SlidingSet(Dataset data) { _data = data; }

    /// <summary>The sample indices k in K_j (basis members and companions).</summary>
    public IReadOnlyList<int> Points => _points;
    public int Count => _points.Count;
    /// <summary>Number of basis members (independent hyperplanes, at most d - 1): the length of a projection's lambda.</summary>
    public int BasisCount => _basis.Count;

    /// <summary>
    /// Adds k as a companion if x_k lies in the span of the basis, or as a basis member if it is independent
    /// enough (relative pivot above <paramref name="pivotTolerance"/>) and the basis has fewer than d - 1
    /// members. Returns whether it was added.
    /// </summary>
    public bool TryAdd(int k, double pivotTolerance = 1e-8)
    {
        double pivot = RelativePivot(k);
        if (pivot <= DependentPivot) { _points.Add(k); return true; }
        if (_basis.Count >= _data.D - 1 || !(pivot > pivotTolerance)) return false;
        _points.Add(k);
        _basis.Add(_points.Count - 1);
        Factor();
        return true;
    }

    /// <summary>The set's state (members, basis, factor), to restore it when a step is undone.</summary>
    public (int[] Points, int[] Basis, double[] Chol) Save() => (_points.ToArray(), _basis.ToArray(), _chol); // _chol is replaced, never written in place

    /// <summary>Puts back a state from <see cref="Save"/>.</summary>
    public void Restore((int[] Points, int[] Basis, double[] Chol) state)
    {
        _points.Clear(); _points.AddRange(state.Points);
        _basis.Clear(); _basis.AddRange(state.Basis);
        _chol = state.Chol;
    }

    /// <summary>Empties the set.</summary>
    public void Clear()
    {
        _points.Clear();
        _basis.Clear();
        _chol = Array.Empty<double>();
    }

    /// <summary>Removes the member at position <paramref name="index"/>; the basis is rebuilt from the members left, in order.</summary>
    public void RemoveAt(int index)
    {
        var rest = _points.Where((_, a) => a != index).ToArray();
        Clear();
        foreach (int k in rest)
        {
            double pivot = RelativePivot(k);
            _points.Add(k);
            if (pivot > DependentPivot && _basis.Count < _data.D - 1) { _basis.Add(_points.Count - 1); Factor(); }
        }
    }

    /// <summary>|x_k - its projection on span(basis)|^2 / |x_k|^2 (1 for an empty basis).</summary>
    double RelativePivot(int k)
    {
        int d = _data.D, q = _basis.Count;
        var x = _data.Row(k);
        double xx = 0;
        for (int i = 0; i < d; i++) xx += x[i] * x[i];
        if (q == 0) return 1.0;
        Span<double> v = stackalloc double[d];
        x.CopyTo(v);
        Span<double> lambda = stackalloc double[q];
        Project(v, lambda);
        double rr = 0;
        for (int i = 0; i < d; i++) rr += v[i] * v[i];
        return rr / xx;
    }

    void Factor()
    {
        int q = _basis.Count, d = _data.D;
        var g = new double[q * q];
        for (int a = 0; a < q; a++)
            for (int b = 0; b <= a; b++)
            {
                var xa = _data.Row(_points[_basis[a]]);
                var xb = _data.Row(_points[_basis[b]]);
                double s = 0;
                for (int i = 0; i < d; i++) s += xa[i] * xb[i];
                g[a * q + b] = s;
            }
        for (int a = 0; a < q; a++)
            for (int b = 0; b <= a; b++)
            {
                double s = g[a * q + b];
                for (int c = 0; c < b; c++) s -= g[a * q + c] * g[b * q + c];
                if (a == b) g[a * q + a] = Math.Sqrt(Math.Max(s, double.Epsilon));
                else g[a * q + b] = s / g[b * q + b];
            }
        _chol = g;
    }

    /// <summary>Solves (X_B^T X_B) lambda = rhs in place (B the basis, |B| entries).</summary>
    public void SolveGram(Span<double> rhs) => Numerics.DenseCholesky.Solve(_chol, _basis.Count, rhs);

    /// <summary>
    /// v -= X_B lambda with lambda = (X_B^T X_B)^-1 X_B^T v: the orthogonal projection of v onto the
    /// complement of span{x_k : k in K} (= that of the basis B). Writes lambda into <paramref name="lambda"/> (|B| entries).
    /// </summary>
    public void Project(Span<double> v, Span<double> lambda)
    {
        int q = _basis.Count, d = _data.D;
        for (int a = 0; a < q; a++)
        {
            var x = _data.Row(_points[_basis[a]]);
            double s = 0;
            for (int i = 0; i < d; i++) s += x[i] * v[i];
            lambda[a] = s;
        }
        SolveGram(lambda);
        for (int a = 0; a < q; a++)
        {
            var x = _data.Row(_points[_basis[a]]);
            double l = lambda[a];
            for (int i = 0; i < d; i++) v[i] -= l * x[i];
        }
    }
}
