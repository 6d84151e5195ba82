using SimplicityBias.Dynamics.Network;
using SimplicityBias.Theory.Numerics;
using SimplicityBias.Dynamics.Numerics;

namespace SimplicityBias.Theory.Extremal;

/// <summary>
/// Exact verification of a candidate extremal vector from its combinatorics: a face of the
/// hyperplane arrangement is given by the points strictly active (A) and the points on their
/// hyperplanes (B). On that face D_n = D_A + 1/n sum_B eta_k y_k x_k, so the only candidate is
/// u = s P D_A / |P D_A| with P the projection onto span(x_B)^perp; it is accepted if u lies in
/// the face (strict signs off B) and some eta in [0, 1]^B cancels the span(x_B) part of D_A.
/// </summary>
internal sealed class FaceVerifier
{
    /// <summary>A point is strictly on one side if |&lt;u, x_k&gt;| exceeds this times |x_k|.</summary>
    public const double SideTolerance = 1e-11;
    /// <summary>eta may leave [0, 1] by this much (rounding) before the candidate is rejected.</summary>
    public const double EtaTolerance = 1e-9;

    private readonly Dataset _data;
    private readonly double[] _rowNorm;
    private readonly double _scale;

    public FaceVerifier(Dataset data)
    {
        _data = data;
        int n = data.N, d = data.D;
        _rowNorm = new double[n];
        double s = 0;
        for (int k = 0; k < n; k++)
        {
            _rowNorm[k] = Vec.Norm(data.Row(k));
            s += Math.Abs(data.Y[k]) * _rowNorm[k];
        }
        _scale = s / n;
    }

    public Dataset Data => _data;
    public double[] RowNorms => _rowNorm;
    /// <summary>1/n sum_k |y_k| |x_k|: an upper bound on |D_n| used to scale tolerances.</summary>
    public double Scale => _scale;

    /// <summary>
    /// Verifies the face (A = active, B = boundary) for sign s. <paramref name="active"/>[k] for k in B
    /// is ignored. Returns null if the face holds no extremal vector of that sign.
    /// </summary>
    public ExtremalVector? TryVerify(ReadOnlySpan<bool> active, int[] boundary, int sign)
    {
        int n = _data.N, d = _data.D;
        var x = _data.X;
        var y = _data.Y;
        int b = boundary.Length;
        if (b >= d) return null; // u != 0 cannot lie on d independent hyperplanes; dependent ones are handled below only when b < d

        var dA = new double[d];
        for (int k = 0; k < n; k++)
        {
            if (!active[k] || (b > 0 && boundary.AsSpan().Contains(k))) continue;
            double yk = y[k];
            for (int i = 0; i < d; i++) dA[i] += yk * x[k * d + i];
        }
        for (int i = 0; i < d; i++) dA[i] /= n;
        return TryVerify(dA, active, boundary, sign);
    }

    /// <summary>
    /// As <see cref="TryVerify(ReadOnlySpan{bool}, int[], int)"/> with D_A = 1/n sum over the active points
    /// off B of y_k x_k already computed (enumerations update it incrementally); <paramref name="dA"/> is not modified.
    /// </summary>
    public ExtremalVector? TryVerify(double[] dA, ReadOnlySpan<bool> active, int[] boundary, int sign)
    {
        int n = _data.N, d = _data.D;
        var x = _data.X;
        var y = _data.Y;
        int b = boundary.Length;
        if (b >= d) return null;

        var w = (double[])dA.Clone();
        double[] eta = new double[b];
        bool independent = true;
        double[]? alpha = null;
        if (b > 0)
        {
            // project out span(x_B): P_B dA = X_B^T alpha with (X_B X_B^T) alpha = X_B dA
            var gram = new double[b * b];
            var rhs = new double[b];
            for (int p = 0; p < b; p++)
            {
                var xp = new ReadOnlySpan<double>(x, boundary[p] * d, d);
                rhs[p] = Vec.Dot(xp, dA);
                for (int q = 0; q <= p; q++)
                {
                    double g = Vec.Dot(xp, new ReadOnlySpan<double>(x, boundary[q] * d, d));
                    gram[p * b + q] = g; gram[q * b + p] = g;
                }
            }
            var chol = DenseCholesky.Factor(gram, b);
            if (chol is not null)
            {
                // reject near-dependence: the smallest pivot relative to the largest row norm
                double minPivot = double.MaxValue, maxNorm2 = 0;
                for (int p = 0; p < b; p++) { minPivot = Math.Min(minPivot, chol[p * b + p]); maxNorm2 = Math.Max(maxNorm2, gram[p * b + p]); }
                if (minPivot * minPivot < 1e-20 * maxNorm2) chol = null;
            }
            if (chol is not null)
            {
                alpha = (double[])rhs.Clone();
                DenseCholesky.Solve(chol, b, alpha);
                for (int p = 0; p < b; p++)
                {
                    var xp = new ReadOnlySpan<double>(x, boundary[p] * d, d);
                    for (int i = 0; i < d; i++) w[i] -= alpha[p] * xp[i];
                }
            }
            else
            {
                independent = false;
                // dependent hyperplanes (collinear points): orthonormal basis of span(x_B) by Gram-Schmidt
                var basis = new List<double[]>();
                foreach (int k in boundary)
                {
                    var v = new ReadOnlySpan<double>(x, k * d, d).ToArray();
                    for (int pass = 0; pass < 2; pass++)
                        foreach (var q in basis)
                        {
                            double p = Vec.Dot(v, q);
                            for (int i = 0; i < d; i++) v[i] -= p * q[i];
                        }
                    if (Vec.Norm(v) > 1e-10 * _rowNorm[k]) { Vec.Normalize(v); basis.Add(v); }
                }
                if (basis.Count >= d) return null;
                foreach (var q in basis)
                {
                    double p = Vec.Dot(w, q);
                    for (int i = 0; i < d; i++) w[i] -= p * q[i];
                }
            }
        }

        double c = Vec.Norm(w);
        if (!(c > 1e-13 * _scale)) return null;
        var u = new double[d];
        for (int i = 0; i < d; i++) u[i] = sign * w[i] / c;

        // the face: strict signs off B
        int actCount = 0;
        for (int k = 0; k < n; k++)
        {
            if (b > 0 && boundary.AsSpan().Contains(k)) continue;
            double nk = _rowNorm[k];
            if (nk == 0) continue; // x_k = 0 is never active and carries no hyperplane
            double z = Vec.Dot(u, new ReadOnlySpan<double>(x, k * d, d));
            if (active[k])
            {
                if (!(z > SideTolerance * nk)) return null;
                actCount++;
            }
            else if (!(z < -SideTolerance * nk)) return null;
        }
        var act = new int[actCount];
        for (int k = 0, p = 0; k < n; k++)
            if (active[k] && _rowNorm[k] > 0 && !(b > 0 && boundary.AsSpan().Contains(k))) act[p++] = k;

        // eta: sum_B (eta_k y_k / n) x_k = -P_B dA
        if (b > 0)
        {
            if (independent)
            {
                for (int p = 0; p < b; p++)
                {
                    double yk = y[boundary[p]];
                    double coef = -alpha![p]; // = eta_k y_k / n
                    if (yk == 0)
                    {
                        if (Math.Abs(coef) * _rowNorm[boundary[p]] > 1e-12 * _scale) return null;
                        eta[p] = 0;
                        continue;
                    }
                    double e = coef * n / yk;
                    if (e < -EtaTolerance || e > 1 + EtaTolerance || double.IsNaN(e)) return null;
                    eta[p] = Math.Clamp(e, 0.0, 1.0);
                }
            }
            else if (!SolveBoxEta(boundary, dA, u, eta)) return null;
        }

        // the selected D_n(u) and its residual from s c u
        var vec = (double[])dA.Clone();
        for (int p = 0; p < b; p++)
        {
            int k = boundary[p];
            double f = eta[p] * y[k] / n;
            for (int i = 0; i < d; i++) vec[i] += f * x[k * d + i];
        }
        double res = 0;
        for (int i = 0; i < d; i++)
        {
            double r = vec[i] - sign * c * u[i];
            res += r * r;
        }
        res = Math.Sqrt(res);
        double budget = 1e-9 * (_scale + c);
        if (!(res <= budget)) return null;

        var kind = independent ? Classify(boundary, eta, sign, d) : CriticalPointKind.Unknown;
        return new ExtremalVector(sign, u, c, vec, act, (int[])boundary.Clone(), eta, kind, res);
    }

    /// <summary>
    /// Box-constrained least squares for dependent boundary hyperplanes: minimise
    /// |dA_perp-part + sum_B eta_k (y_k/n) x_k| over eta in [0, 1]^B by exact coordinate descent.
    /// Only the component orthogonal to u must vanish (the x_k are orthogonal to u).
    /// </summary>
    private bool SolveBoxEta(int[] boundary, double[] dA, double[] u, double[] eta)
    {
        int n = _data.N, d = _data.D, b = boundary.Length;
        var r = (double[])dA.Clone();
        double pu = Vec.Dot(r, u);
        for (int i = 0; i < d; i++) r[i] -= pu * u[i]; // residual to cancel: dA minus its u-part
        var cols = new double[b][];
        var cn2 = new double[b];
        for (int p = 0; p < b; p++)
        {
            int k = boundary[p];
            cols[p] = new double[d];
            for (int i = 0; i < d; i++) cols[p][i] = _data.Y[k] / n * _data.X[k * d + i];
            cn2[p] = Vec.Dot(cols[p], cols[p]);
            eta[p] = 0;
        }
        for (int sweep = 0; sweep < 5000; sweep++)
        {
            double change = 0;
            for (int p = 0; p < b; p++)
            {
                if (cn2[p] == 0) continue;
                double e = Math.Clamp(eta[p] - Vec.Dot(cols[p], r) / cn2[p], 0.0, 1.0);
                double de = e - eta[p];
                if (de == 0) continue;
                for (int i = 0; i < d; i++) r[i] += de * cols[p][i];
                eta[p] = e;
                change = Math.Max(change, Math.Abs(de));
            }
            if (change < 1e-15) break;
        }
        return Vec.Norm(r) <= 1e-10 * _scale;
    }

    /// <summary>
    /// Local type of G_n on the sphere at a verified extremal u (docs/THEORY.md section 4 plus a
    /// first-order expansion): near u, G_n(u') = s c (1 - |delta|^2/2) + 1/n sum_B y_k
    /// [(1 - eta_k) t_k^+ + eta_k t_k^-] with t_k = &lt;delta, x_k&gt; free (x_B independent).
    /// </summary>
    private CriticalPointKind Classify(int[] boundary, double[] eta, int sign, int d)
    {
        // coefficients of t_k^+ and t_k^- in the first-order change of G_n
        bool allNonPositive = true, allNonNegative = true, allPositive = true, allNegative = true;
        for (int p = 0; p < boundary.Length; p++)
        {
            double yk = _data.Y[boundary[p]];
            double tol = 1e-12 * Math.Abs(yk);
            foreach (double coef in new[] { yk * (1 - eta[p]), yk * eta[p] })
            {
                if (coef > tol) { allNonPositive = false; allNegative = false; }
                else if (coef < -tol) { allNonNegative = false; allPositive = false; }
                else { allPositive = false; allNegative = false; }
            }
        }
        bool vertex = boundary.Length == d - 1; // the x_B span the whole tangent space
        if (sign > 0)
        {
            // second order: -c|delta|^2/2 along directions that leave every t_k at 0
            if (allNonPositive) return CriticalPointKind.LocalMaximum;
            if (vertex && allPositive) return CriticalPointKind.LocalMinimum;
            return CriticalPointKind.Saddle;
        }
        if (allNonNegative) return CriticalPointKind.LocalMinimum;
        if (vertex && allNegative) return CriticalPointKind.LocalMaximum;
        return CriticalPointKind.Saddle;
    }
}
