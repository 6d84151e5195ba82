using SimplicityBias.Dynamics.Numerics;

namespace SimplicityBias.Dynamics.Ode;

/// <summary>
/// A symmetric low-rank model of the Jacobian of a gradient flow, J ~ -V diag(theta) V^T with V orthonormal (P x r)
/// and theta &gt; 0: the r directions of largest curvature of the loss, the ones that make the flow stiff. Built by
/// Lanczos with full reorthogonalization on Jacobian-vector products by differences of the field (no matrix is ever
/// formed), so it costs K field evaluations for K Lanczos steps and O(P K) memory. Only Ritz pairs with positive
/// curvature are kept: the flow is dissipative there, and the others are left to the explicit part of the method.
/// A Rosenbrock-W method needs no more than this: its order does not depend on how good the Jacobian is, only its
/// stability does, and that is decided by the large eigenvalues this model captures.
/// </summary>
public sealed class LowRankJacobian
{
    readonly int _p, _maxIterations;
    readonly double[] _basis;   // K x P Lanczos vectors, then the kept Ritz vectors in the first rows
    readonly double[] _theta;   // kept Ritz values, decreasing
    readonly double[] _coef;    // r coefficients V^T v
    readonly double[] _w, _yShift, _fShift, _tri, _triValues, _triVectors;

    /// <summary>A model of a P-dimensional field's Jacobian from at most <paramref name="iterations"/> Lanczos steps.</summary>
    public LowRankJacobian(int dimension, int iterations)
    {
        if (dimension < 1) throw new ArgumentException($"dimension must be >= 1, got {dimension}", nameof(dimension));
        if (iterations < 2) throw new ArgumentException($"iterations must be >= 2, got {iterations}", nameof(iterations));
        _p = dimension;
        _maxIterations = Math.Min(iterations, dimension);
        _basis = new double[_maxIterations * _p];
        _theta = new double[_maxIterations];
        _coef = new double[_maxIterations];
        _w = new double[_p]; _yShift = new double[_p]; _fShift = new double[_p];
        _tri = new double[_maxIterations * _maxIterations];
        _triValues = new double[_maxIterations];
        _triVectors = new double[_maxIterations * _maxIterations];
    }

    /// <summary>Kept directions r.</summary>
    public int Rank { get; private set; }
    /// <summary>Largest curvature captured (0 before the first build).</summary>
    public double Largest => Rank > 0 ? _theta[0] : 0;
    /// <summary>
    /// The curvature the model leaves out is at most about this: the Ritz value at a third of the Krylov dimension, below
    /// which Lanczos has not converged the spectrum. The explicit part of a step must be stable for it.
    /// </summary>
    public double Uncaptured { get; private set; }
    /// <summary>Field evaluations spent on builds.</summary>
    public long Evaluations { get; private set; }
    /// <summary>Builds made.</summary>
    public long Builds { get; private set; }

    /// <summary>
    /// Rebuilds the model at y, where f0 = f(t, y), with Jacobian-vector products (f(y + eps v) - f0) / eps.
    /// The start vector is fixed (a deterministic sequence), so the same state gives the same model.
    /// </summary>
    public void Build(OdeRhs f, double t, ReadOnlySpan<double> y, ReadOnlySpan<double> f0)
    {
        int k = _maxIterations, p = _p;
        double eps = Math.Sqrt(2.2e-16) * (1 + Vec.Norm(y));
        var q0 = _basis.AsSpan(0, p);
        uint s = 2463534242;
        for (int i = 0; i < p; i++) { s ^= s << 13; s ^= s >> 17; s ^= s << 5; q0[i] = (s & 0xFFFF) / 65536.0 - 0.5; }
        Vec.Normalize(q0);
        Array.Clear(_tri);
        int steps = 0;
        for (int j = 0; j < k; j++)
        {
            var q = _basis.AsSpan(j * p, p);
            // w = -J q = H q, by a difference of the field along q.
            for (int i = 0; i < p; i++) _yShift[i] = y[i] + eps * q[i];
            f(t, _yShift, _fShift);
            Evaluations++;
            for (int i = 0; i < p; i++) _w[i] = -(_fShift[i] - f0[i]) / eps;
            steps = j + 1;
            double alpha = Vec.Dot(_w, q);
            _tri[j * k + j] = alpha;
            // Full reorthogonalization, twice: the few hundred parameters make it cheap, and it keeps Ritz values from
            // repeating.
            for (int pass = 0; pass < 2; pass++)
                for (int i = 0; i <= j; i++)
                {
                    var qi = _basis.AsSpan(i * p, p);
                    double c = Vec.Dot(_w, qi);
                    for (int l = 0; l < p; l++) _w[l] -= c * qi[l];
                }
            double beta = Math.Sqrt(Vec.Dot(_w, _w));
            if (j + 1 == k || !(beta > 1e-10 * Math.Max(Math.Abs(alpha), 1e-300))) break;
            _tri[j * k + j + 1] = _tri[(j + 1) * k + j] = beta;
            var next = _basis.AsSpan((j + 1) * p, p);
            for (int i = 0; i < p; i++) next[i] = _w[i] / beta;
        }
        KeepRitzPairs(steps);
        Builds++;
    }

    /// <summary>Diagonalizes the tridiagonal matrix and keeps the Ritz pairs of positive curvature.</summary>
    void KeepRitzPairs(int steps)
    {
        int k = _maxIterations, p = _p;
        var t = new double[steps * steps];
        for (int i = 0; i < steps; i++)
            for (int j = 0; j < steps; j++) t[i * steps + j] = _tri[i * k + j];
        SymmetricEigen.Decompose(t, steps, _triValues, _triVectors);
        int kept = 0;
        while (kept < steps && _triValues[kept] > 0) kept++;
        // Ritz vectors V = Q S (the first `kept` columns of S), written over the Lanczos vectors.
        var ritz = new double[kept * p];
        for (int c = 0; c < kept; c++)
        {
            var v = ritz.AsSpan(c * p, p);
            for (int i = 0; i < steps; i++)
            {
                double sic = _triVectors[i * steps + c];
                var qi = _basis.AsSpan(i * p, p);
                for (int l = 0; l < p; l++) v[l] += sic * qi[l];
            }
            _theta[c] = _triValues[c];
        }
        ritz.CopyTo(_basis, 0);
        Rank = kept;
        Uncaptured = Math.Max(0, _triValues[Math.Min(steps - 1, steps / 3)]);
    }

    /// <summary>out = J v = -V diag(theta) V^T v.</summary>
    public void Apply(ReadOnlySpan<double> v, Span<double> result)
    {
        Project(v);
        result.Clear();
        for (int c = 0; c < Rank; c++)
        {
            double g = -_theta[c] * _coef[c];
            var vc = _basis.AsSpan(c * _p, _p);
            for (int l = 0; l < _p; l++) result[l] += g * vc[l];
        }
    }

    /// <summary>
    /// x = (I - c J)^-1 b = b - V diag(c theta / (1 + c theta)) V^T b for c &gt;= 0 (the Rosenbrock stage solve; exact for
    /// the model, since V is orthonormal). b and x may be the same span.
    /// </summary>
    public void Solve(double c, ReadOnlySpan<double> b, Span<double> x)
    {
        Project(b);
        if (!b.Overlaps(x)) b.CopyTo(x);
        for (int r = 0; r < Rank; r++)
        {
            double ct = c * _theta[r];
            double g = -ct / (1 + ct) * _coef[r];
            var vr = _basis.AsSpan(r * _p, _p);
            for (int l = 0; l < _p; l++) x[l] += g * vr[l];
        }
    }

    /// <summary>|V^T v|^2: the part of v in the modelled directions.</summary>
    public double ModelledNormSquared(ReadOnlySpan<double> v)
    {
        Project(v);
        double s = 0;
        for (int c = 0; c < Rank; c++) s += _coef[c] * _coef[c];
        return s;
    }

    void Project(ReadOnlySpan<double> v)
    {
        for (int c = 0; c < Rank; c++) _coef[c] = Vec.Dot(v, _basis.AsSpan(c * _p, _p));
    }

}
