using SimplicityBias.Dynamics.Network;
using SimplicityBias.Theory.Numerics;
using SimplicityBias.Dynamics.Numerics;

namespace SimplicityBias.Theory.Tests.Properties;

/// <summary>
/// Property 2, extended to the endpoints the flow usually reaches: some data points lie on the neurons' hyperplanes
/// (sliding pairs). Let each sign group s share one strict activation set A_s and one boundary set B_s (points with
/// |&lt;w_j, x_k&gt;| &lt;= 1e-9 |w_j| |x_k|), with A+ and A- disjoint and neither boundary set inside the other group's
/// activation set. The Clarke gradient of member j is (a_j / n) (sum_A r_k x_k + sum_B eta_k r_k x_k) for a selection
/// eta in [0, 1]^B, and on A the network is &lt;beta_s, x&gt;. So beta_s solves the weighted normal equations of least
/// squares on A_s plus B_s with weights 1 on A_s and eta_k on B_s:
///
///     min over eta in [0, 1]^B of | X_A^T (X_A beta_s - y_A) + sum_B eta_k (&lt;beta_s, x_k&gt; - y_k) x_k |  &lt;=  n |grad| / max_j |a_j| + slack,
///
/// slack = the part of the residuals the network does not share with &lt;beta_s, x&gt; (dead neurons, boundary
/// tolerance), computed exactly. With B empty this is OLS(S_s) in residual form. The minimum over eta is exact
/// (every face of the box, |B| &lt;= 6).
/// </summary>
public static class WeightedOlsAtSliding
{
    public const double OnPlane = 1e-9;
    public const int MaxBoundary = 6;

    public static Verdict Check(Dataset data, NetworkParameters net, double gradNorm)
    {
        int n = data.N, d = data.D, m = net.M;
        var h = new double[n];
        for (int k = 0; k < n; k++) h[k] = net.Predict(data.Row(k));
        var groups = new (bool[]? A, bool[]? B, double MaxA, int Members, bool Common)[2];
        for (int j = 0; j < m; j++)
        {
            double a = net.A(j);
            var w = net.W(j);
            double nw = Vec.Norm(w);
            if (a == 0 || nw == 0) continue;
            var act = new bool[n];
            var bnd = new bool[n];
            bool any = false;
            for (int k = 0; k < n; k++)
            {
                var x = data.Row(k);
                double z = Vec.Dot(w, x);
                if (Math.Abs(z) <= OnPlane * nw * Vec.Norm(x)) bnd[k] = true;
                else if (z > 0) { act[k] = true; any = true; }
            }
            if (!any) continue; // dead: active nowhere, absent from h
            int s = a > 0 ? 0 : 1;
            ref var g = ref groups[s];
            if (g.A is null) { g.A = act; g.B = bnd; g.Common = true; }
            else if (!g.A.AsSpan().SequenceEqual(act) || !g.B!.AsSpan().SequenceEqual(bnd)) g.Common = false;
            g.MaxA = Math.Max(g.MaxA, Math.Abs(a));
            g.Members++;
        }
        if (groups[0].A is null || groups[1].A is null) return Verdict.Skip("a sign group is empty or dead");
        if (!groups[0].Common || !groups[1].Common) return Verdict.Skip("no common activation and boundary sets");
        for (int k = 0; k < n; k++)
        {
            if (groups[0].A![k] && groups[1].A![k]) return Verdict.Skip("the activation sets overlap");
            if (groups[0].B![k] && groups[1].A![k] || groups[1].B![k] && groups[0].A![k]) return Verdict.Skip("a boundary point is active for the other group");
        }
        var parts = new List<string>();
        double worst = 0;
        for (int s = 0; s < 2; s++)
        {
            var (A, B, maxA, _, _) = groups[s];
            var beta = net.SignedSum(s == 0 ? 1 : -1);
            var v = new double[d];
            double slack = 0;
            var slackVec = new double[d];
            var bIdx = new List<int>();
            for (int k = 0; k < n; k++)
            {
                var x = data.Row(k);
                double lin = Vec.Dot(beta, x);
                if (A![k])
                {
                    for (int i = 0; i < d; i++) { v[i] += (lin - data.Y[k]) * x[i]; slackVec[i] += (h[k] - lin) * x[i]; }
                }
                else if (B![k])
                {
                    bIdx.Add(k);
                    slack += Math.Abs(h[k] - lin) * Vec.Norm(x);
                }
            }
            slack += Vec.Norm(slackVec);
            if (bIdx.Count > MaxBoundary) return Verdict.Skip($"{bIdx.Count} boundary points (more than {MaxBoundary})");
            var cols = bIdx.Select(k => { var x = data.Row(k).ToArray(); double c = Vec.Dot(beta, x) - data.Y[k]; return x.Select(t => c * t).ToArray(); }).ToArray();
            double best = MinOverBox(v, cols, out var eta);
            double tol = n * gradNorm / maxA * (1 + 1e-6) + slack + 1e-12 * (Vec.Norm(v) + cols.Sum(col => Vec.Norm(col)) + 1);
            worst = Math.Max(worst, best / tol);
            parts.Add($"{(s == 0 ? "S+" : "S-")}: |A| = {A!.Count(b => b)}, |B| = {bIdx.Count}, eta = [{string.Join(", ", eta.Select(e => e.ToString("F3")))}], weighted normal-equation residual {best:G3} (tolerance {tol:G3})");
        }
        string msg = string.Join("; ", parts) + $"; |grad| = {gradNorm:G3}";
        return worst <= 1 ? Verdict.Pass(msg, worst) : Verdict.Fail("beta+- does not solve the eta-weighted normal equations on its sides: " + msg, worst);
    }

    /// <summary>min over eta in [0, 1]^q of |v + sum_a eta_a cols[a]|, by checking every face of the box (each eta at 0, at 1, or free).</summary>
    public static double MinOverBox(double[] v, double[][] cols, out double[] etaBest)
    {
        int q = cols.Length, d = v.Length;
        etaBest = new double[q];
        double best = double.PositiveInfinity;
        int faces = (int)Math.Pow(3, q);
        var eta = new double[q];
        for (int f = 0; f < faces; f++)
        {
            var free = new List<int>();
            int code = f;
            for (int a = 0; a < q; a++, code /= 3)
            {
                int c = code % 3;
                if (c == 2) free.Add(a); else eta[a] = c;
            }
            var r = (double[])v.Clone();
            for (int a = 0; a < q; a++) if (!free.Contains(a)) for (int i = 0; i < d; i++) r[i] += eta[a] * cols[a][i];
            if (free.Count > 0)
            {
                // least squares for the free etas: (C^T C) e = -C^T r
                int p = free.Count;
                var gram = new double[p * p];
                var rhs = new double[p];
                for (int a = 0; a < p; a++)
                {
                    rhs[a] = -Vec.Dot(cols[free[a]], r);
                    for (int b = 0; b < p; b++) gram[a * p + b] = Vec.Dot(cols[free[a]], cols[free[b]]);
                }
                var sol = Solve(gram, rhs, p);
                if (sol is null || sol.Any(e => e < 0 || e > 1)) continue;
                for (int a = 0; a < p; a++) { eta[free[a]] = sol[a]; for (int i = 0; i < d; i++) r[i] += sol[a] * cols[free[a]][i]; }
            }
            double norm = Vec.Norm(r);
            if (norm < best) { best = norm; etaBest = (double[])eta.Clone(); }
        }
        return best;
    }

    private static double[]? Solve(double[] a, double[] b, int p)
    {
        // Gaussian elimination with partial pivoting; null if singular.
        var m = (double[])a.Clone();
        var x = (double[])b.Clone();
        for (int c = 0; c < p; c++)
        {
            int piv = c;
            for (int r = c + 1; r < p; r++) if (Math.Abs(m[r * p + c]) > Math.Abs(m[piv * p + c])) piv = r;
            if (Math.Abs(m[piv * p + c]) < 1e-300) return null;
            if (piv != c)
            {
                for (int k = 0; k < p; k++) (m[c * p + k], m[piv * p + k]) = (m[piv * p + k], m[c * p + k]);
                (x[c], x[piv]) = (x[piv], x[c]);
            }
            for (int r = c + 1; r < p; r++)
            {
                double f = m[r * p + c] / m[c * p + c];
                for (int k = c; k < p; k++) m[r * p + k] -= f * m[c * p + k];
                x[r] -= f * x[c];
            }
        }
        for (int c = p - 1; c >= 0; c--)
        {
            double s = x[c];
            for (int k = c + 1; k < p; k++) s -= m[c * p + k] * x[k];
            x[c] = s / m[c * p + c];
        }
        return x;
    }
}
