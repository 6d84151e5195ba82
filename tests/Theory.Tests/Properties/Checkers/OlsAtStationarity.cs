using MathNet.Numerics.LinearAlgebra;
using SimplicityBias.Dynamics.Network;
using SimplicityBias.Theory.Endpoint;
using SimplicityBias.Theory.Numerics;
using SimplicityBias.Dynamics.Numerics;

namespace SimplicityBias.Theory.Tests.Properties;

/// <summary>
/// Property 2 (docs/THEORY.md section 6): at a stationary endpoint where each sign group has one common
/// activation set and the two sets are disjoint, beta+ = OLS(S+) and beta- = OLS(S-), to a tolerance
/// derived from the stationarity residual.
///
/// Derivation. Let g be the reported gradient norm at the endpoint. Under the premise, on S+ only positive
/// neurons are active and all of them are, so h(x_k) = &lt;beta+_a, x_k&gt; there (beta+_a: the sum of a_j w_j over
/// the positive neurons active somewhere); for every such neuron j the w_j-block of the gradient is
/// g_j = (a_j / n) X+^T (X+ beta+_a - y+), and |g_j| &lt;= g. With X+^T X+ (beta+_a - OLS+) = X+^T (X+ beta+_a - y+):
///
///     |beta+_a - OLS(S+)| &lt;= n g / (max_j |a_j| s_min(X+)^2),
///
/// s_min the smallest singular value of the side's design. beta+ (over all positive neurons) differs from
/// beta+_a by the dead neurons' sum of |a_j| |w_j| (active nowhere, so absent from h). Same for S-.
/// The premise also needs no pair on its hyperplane at the end (no sliding pair), so that the reported
/// gradient is the plain one on the strict activation sets; a side must have full rank. A bound larger
/// than 10% of |OLS| says nothing useful: such an endpoint is not (yet) stationary and is skipped.
/// </summary>
public static class OlsAtStationarity
{
    /// <summary>A side whose bound exceeds this fraction of |OLS| is not stationary enough to test.</summary>
    public const double InformativeBound = 0.1;

    /// <summary>Rounding allowance, relative to |OLS| (the solves and sums are accurate to ~1e-14).</summary>
    public const double Rounding = 1e-9;

    /// <summary>The premise's facts about an endpoint.</summary>
    public sealed record Groups(bool[] Plus, bool[] Minus, bool PlusCommon, bool MinusCommon, int PlusMembers, int MinusMembers,
        double MaxAPlus, double MaxAMinus, double DeadPlus, double DeadMinus, int Overlap);

    /// <summary>Activation sets of the neurons and whether each sign group shares one.</summary>
    public static Groups Analyse(Dataset data, NetworkParameters net)
    {
        int n = data.N;
        bool[]? plus = null, minus = null;
        bool plusCommon = true, minusCommon = true;
        int pm = 0, mm = 0;
        double maxAp = 0, maxAm = 0, deadP = 0, deadM = 0;
        var set = new bool[n];
        for (int j = 0; j < net.M; j++)
        {
            double a = net.A(j);
            var w = net.W(j);
            bool any = false;
            for (int k = 0; k < n; k++) { set[k] = Vec.Dot(w, data.Row(k)) > 0; any |= set[k]; }
            if (a == 0) continue;
            if (!any)
            {
                if (a > 0) deadP += Math.Abs(a) * Vec.Norm(w); else deadM += Math.Abs(a) * Vec.Norm(w);
                continue;
            }
            if (a > 0)
            {
                pm++; maxAp = Math.Max(maxAp, a);
                if (plus is null) plus = (bool[])set.Clone(); else if (!plus.AsSpan().SequenceEqual(set)) plusCommon = false;
            }
            else
            {
                mm++; maxAm = Math.Max(maxAm, -a);
                if (minus is null) minus = (bool[])set.Clone(); else if (!minus.AsSpan().SequenceEqual(set)) minusCommon = false;
            }
        }
        plus ??= new bool[n];
        minus ??= new bool[n];
        int overlap = 0;
        for (int k = 0; k < n; k++) if (plus[k] && minus[k]) overlap++;
        return new Groups(plus, minus, plusCommon, minusCommon, pm, mm, maxAp, maxAm, deadP, deadM, overlap);
    }

    /// <summary>Smallest singular value of the design of the points with members[k].</summary>
    public static double SmallestSingularValue(Dataset data, bool[] members)
    {
        var idx = Enumerable.Range(0, data.N).Where(k => members[k]).ToArray();
        if (idx.Length < data.D) return 0;
        var x = Matrix<double>.Build.Dense(idx.Length, data.D, (i, j) => data.X[idx[i] * data.D + j]);
        var s = x.Svd(computeVectors: false).S;
        return s[data.D - 1];
    }

    /// <summary>Checks beta+- against OLS on the network's own sides; gradNorm is the integrator's reported stationarity measure.</summary>
    public static Verdict Check(Dataset data, NetworkParameters net, double gradNorm, int slidingPairs)
    {
        if (slidingPairs > 0) return Verdict.Skip($"{slidingPairs} pairs slide at the endpoint (Clarke gradient not the plain one)");
        var g = Analyse(data, net);
        if (g.PlusMembers == 0 || g.MinusMembers == 0) return Verdict.Skip($"a sign group is empty or dead ({g.PlusMembers} positive, {g.MinusMembers} negative neurons active)");
        if (!g.PlusCommon || !g.MinusCommon) return Verdict.Skip($"no common activation set (positive group common: {g.PlusCommon}, negative: {g.MinusCommon})");
        if (g.Overlap > 0) return Verdict.Skip($"S+ and S- overlap on {g.Overlap} points");
        var split = new SideSplit(g.Plus, g.Minus, new DirectionSideRule(new double[] { 1 }.Concat(new double[data.D - 1]).ToArray()), null, null);
        var ols = OlsOnSides.Fit(data, split);
        if (!ols.Ok) return Verdict.Skip($"OLS on the sides failed: {ols.Plus.Message} {ols.Minus.Message}");
        return CheckSides(data, net, gradNorm, g, ols.Plus.Beta!, ols.Minus.Beta!);
    }

    /// <summary>The comparison proper, with the OLS solutions given (so a wrong OLS can be fed to it).</summary>
    public static Verdict CheckSides(Dataset data, NetworkParameters net, double gradNorm, Groups g, double[] olsPlus, double[] olsMinus)
    {
        int n = data.N;
        double sp = SmallestSingularValue(data, g.Plus), sm = SmallestSingularValue(data, g.Minus);
        if (!(sp > 0 && sm > 0)) return Verdict.Skip($"a side is rank-deficient (s_min {sp:G3}, {sm:G3})");
        double boundP = n * gradNorm / (g.MaxAPlus * sp * sp), boundM = n * gradNorm / (g.MaxAMinus * sm * sm);
        double np = Vec.Norm(olsPlus), nm = Vec.Norm(olsMinus);
        if (boundP > InformativeBound * np || boundM > InformativeBound * nm)
            return Verdict.Skip($"not stationary enough: |grad| = {gradNorm:G3} bounds the error by {boundP / np:G3} and {boundM / nm:G3} of |OLS|");
        double errP = Distance(net.SignedSum(+1), olsPlus), errM = Distance(net.SignedSum(-1), olsMinus);
        double tolP = boundP * (1 + 1e-6) + g.DeadPlus + Rounding * np, tolM = boundM * (1 + 1e-6) + g.DeadMinus + Rounding * nm;
        string msg = $"|beta+ - OLS(S+)| = {errP:G3} (tolerance {tolP:G3} = n |grad| / (max a_j s_min^2) + dead {g.DeadPlus:G2}; |S+| = {g.Plus.Count(b => b)}), " +
                     $"|beta- - OLS(S-)| = {errM:G3} (tolerance {tolM:G3}; |S-| = {g.Minus.Count(b => b)}), |grad| = {gradNorm:G3}";
        double ratio = Math.Max(errP / tolP, errM / tolM);
        return errP <= tolP && errM <= tolM ? Verdict.Pass(msg, ratio) : Verdict.Fail("beta+- is not OLS on its sides: " + msg, ratio);
    }

    private static double Distance(double[] a, double[] b)
    {
        double s = 0;
        for (int i = 0; i < a.Length; i++) s += (a[i] - b[i]) * (a[i] - b[i]);
        return Math.Sqrt(s);
    }
}
