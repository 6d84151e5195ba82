using SimplicityBias.Dynamics.Network;
using SimplicityBias.Theory.Numerics;
using SimplicityBias.Dynamics.Numerics;

namespace SimplicityBias.Theory.Endpoint;

/// <summary>Decides, for any input x, whether it belongs to S+ and/or S- (so a prediction extends to test points).</summary>
public abstract class SideRule
{
    private protected SideRule() { }
    /// <summary>True if x is on the positive side.</summary>
    public abstract bool InPlus(ReadOnlySpan<double> x);
    /// <summary>True if x is on the negative side.</summary>
    public abstract bool InMinus(ReadOnlySpan<double> x);
}

/// <summary>S+ = {&lt;u, x&gt; &gt; 0}, S- = the rest (ties, probability zero for continuous inputs, go to S-).</summary>
public sealed class DirectionSideRule : SideRule
{
    /// <summary>The direction u (as given).</summary>
    public double[] U { get; }
    /// <summary>A rule from a nonzero direction u.</summary>
    public DirectionSideRule(ReadOnlySpan<double> u)
    {
        if (u.Length == 0 || Vec.Norm(u) == 0) throw new ArgumentException("u must be a nonzero vector", nameof(u));
        U = u.ToArray();
    }
    /// <inheritdoc/>
    public override bool InPlus(ReadOnlySpan<double> x) => Vec.Dot(U, x) > 0;
    /// <inheritdoc/>
    public override bool InMinus(ReadOnlySpan<double> x) => !InPlus(x);
}

/// <summary>
/// The network's own sides: x is in S+ if the positive neurons that count, weighted by
/// |a_j| |w_j|, are active on it by strict majority (likewise S- with the negative neurons).
/// When the members of a group agree, this is their common activation set.
/// </summary>
public sealed class NetworkSideRule : SideRule
{
    private readonly double[][] _plusW, _minusW;
    private readonly double[] _plusWeight, _minusWeight;

    internal NetworkSideRule(NetworkParameters net, IReadOnlyList<int> plus, IReadOnlyList<int> minus)
    {
        _plusW = plus.Select(j => net.W(j).ToArray()).ToArray();
        _minusW = minus.Select(j => net.W(j).ToArray()).ToArray();
        _plusWeight = plus.Select(j => Math.Abs(net.A(j)) * Vec.Norm(net.W(j))).ToArray();
        _minusWeight = minus.Select(j => Math.Abs(net.A(j)) * Vec.Norm(net.W(j))).ToArray();
    }

    /// <inheritdoc/>
    public override bool InPlus(ReadOnlySpan<double> x) => Majority(_plusW, _plusWeight, x);
    /// <inheritdoc/>
    public override bool InMinus(ReadOnlySpan<double> x) => Majority(_minusW, _minusWeight, x);

    private static bool Majority(double[][] w, double[] weight, ReadOnlySpan<double> x)
    {
        double on = 0, total = 0;
        for (int j = 0; j < w.Length; j++)
        {
            total += weight[j];
            if (Vec.Dot(w[j], x) > 0) on += weight[j];
        }
        return total > 0 && on > 0.5 * total;
    }
}

/// <summary>How much the members of one sign group disagree on their activation sets.</summary>
/// <param name="Members">Neurons of the group that count.</param>
/// <param name="Ignored">Neurons of the group ignored as negligible.</param>
/// <param name="DisagreementCount">Training points on which the members do not all agree.</param>
/// <param name="DisagreementFraction">DisagreementCount / n.</param>
public sealed record GroupAgreement(int Members, int Ignored, int DisagreementCount, double DisagreementFraction);

/// <summary>A split of the training points into S+ and S- and the rule that produced it.</summary>
/// <param name="Plus">Membership of S+ per training point.</param>
/// <param name="Minus">Membership of S- per training point.</param>
/// <param name="Rule">The rule, to classify test points.</param>
/// <param name="PlusGroup">For network splits: agreement within the positive group (null for a direction).</param>
/// <param name="MinusGroup">For network splits: agreement within the negative group (null for a direction).</param>
public sealed record SideSplit(bool[] Plus, bool[] Minus, SideRule Rule, GroupAgreement? PlusGroup, GroupAgreement? MinusGroup)
{
    /// <summary>|S+|.</summary>
    public int PlusCount => Plus.Count(b => b);
    /// <summary>|S-|.</summary>
    public int MinusCount => Minus.Count(b => b);
    /// <summary>Points in both S+ and S- (0 for a direction).</summary>
    public int Overlap => Plus.Zip(Minus).Count(p => p.First && p.Second);
    /// <summary>Points in neither (0 for a direction).</summary>
    public int Uncovered => Plus.Zip(Minus).Count(p => !p.First && !p.Second);
}

/// <summary>S+ and S- (docs/THEORY.md section 6) from a direction or from a network's activation sets.</summary>
public static class Sides
{
    /// <summary>
    /// Default threshold for negligible neurons: neuron j is ignored if |a_j| |w_j| is at most this
    /// times the largest |a_k| |w_k| of the network (its output scale is then negligible).
    /// </summary>
    public const double DefaultNegligibleRelative = 1e-3;

    /// <summary>S+ = {k : &lt;u, x_k&gt; &gt; 0}, S- = the others (u population or empirical).</summary>
    public static SideSplit FromDirection(Dataset data, ReadOnlySpan<double> u)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (u.Length != data.D) throw new ArgumentException($"u has length {u.Length}, expected d = {data.D}", nameof(u));
        var rule = new DirectionSideRule(u);
        var plus = new bool[data.N];
        var minus = new bool[data.N];
        for (int k = 0; k < data.N; k++) { plus[k] = rule.InPlus(data.Row(k)); minus[k] = !plus[k]; }
        return new SideSplit(plus, minus, rule, null, null);
    }

    /// <summary>
    /// The network's sides: the activation set of neuron j is {k : &lt;w_j, x_k&gt; &gt; 0}; S+ is the
    /// weighted majority of the positive group (a_j &gt; 0), S- that of the negative group; neurons with
    /// |a_j| |w_j| &lt;= negligibleRelative * max are ignored. Reports how much each group disagrees.
    /// </summary>
    /// <param name="data">Training data.</param>
    /// <param name="network">The network.</param>
    /// <param name="negligibleRelative">Neurons at or below this fraction of the largest |a_j||w_j| are ignored.</param>
    /// <param name="sliding">Optional: per neuron, the training points whose pair slides (on the hyperplane, where the
    /// sign of the rounded &lt;w_j, x_k&gt; means nothing); such a pair counts with weight <paramref name="eta"/> in the
    /// majority and is left out of the group's agreement.</param>
    /// <param name="eta">The Filippov weights of the sliding pairs, same shape as <paramref name="sliding"/>.</param>
    public static SideSplit FromNetwork(Dataset data, NetworkParameters network, double negligibleRelative = DefaultNegligibleRelative,
        IReadOnlyList<int[]>? sliding = null, double[][]? eta = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(network);
        if (network.D != data.D) throw new ArgumentException($"network has d = {network.D}, data has d = {data.D}", nameof(network));
        if (!(negligibleRelative >= 0 && negligibleRelative < 1)) throw new ArgumentException($"negligibleRelative must be in [0, 1), got {negligibleRelative}", nameof(negligibleRelative));
        int m = network.M;
        var scale = new double[m];
        double max = 0;
        for (int j = 0; j < m; j++) { scale[j] = Math.Abs(network.A(j)) * Vec.Norm(network.W(j)); max = Math.Max(max, scale[j]); }
        var plus = new List<int>();
        var minus = new List<int>();
        int ignoredPlus = 0, ignoredMinus = 0;
        for (int j = 0; j < m; j++)
        {
            double a = network.A(j);
            if (a == 0) continue;
            bool counts = scale[j] > negligibleRelative * max && scale[j] > 0;
            if (a > 0) { if (counts) plus.Add(j); else ignoredPlus++; }
            else { if (counts) minus.Add(j); else ignoredMinus++; }
        }
        var rule = new NetworkSideRule(network, plus, minus);
        var sPlus = new bool[data.N];
        var sMinus = new bool[data.N];
        var slide = SlideLookup(network.M, data.N, sliding, eta);
        if (slide is null)
            for (int k = 0; k < data.N; k++) { sPlus[k] = rule.InPlus(data.Row(k)); sMinus[k] = rule.InMinus(data.Row(k)); }
        else
            for (int k = 0; k < data.N; k++) { sPlus[k] = Majority(data, network, plus, scale, slide, k); sMinus[k] = Majority(data, network, minus, scale, slide, k); }
        return new SideSplit(sPlus, sMinus, rule,
            Agreement(data, network, plus, ignoredPlus, slide), Agreement(data, network, minus, ignoredMinus, slide));
    }

    private static Dictionary<int, double>[]? SlideLookup(int m, int n, IReadOnlyList<int[]>? sliding, double[][]? eta)
    {
        if (sliding is null) return null;
        if (sliding.Count != m) throw new ArgumentException($"sliding has {sliding.Count} sets, the network has m = {m} neurons", nameof(sliding));
        if (eta is null || eta.Length != m) throw new ArgumentException($"eta must have one array per neuron (m = {m}), got {eta?.Length.ToString() ?? "null"}", nameof(eta));
        var map = new Dictionary<int, double>[m];
        for (int j = 0; j < m; j++)
        {
            if (eta[j].Length != sliding[j].Length) throw new ArgumentException($"eta[{j}] has {eta[j].Length} entries, sliding[{j}] has {sliding[j].Length}", nameof(eta));
            map[j] = new Dictionary<int, double>();
            for (int p = 0; p < sliding[j].Length; p++)
            {
                int k = sliding[j][p];
                if (k < 0 || k >= n) throw new ArgumentException($"sliding[{j}] holds point {k}, outside [0, {n})", nameof(sliding));
                map[j][k] = eta[j][p];
            }
        }
        return map;
    }

    /// <summary>Weighted majority on training point k, a sliding pair counting eta of its neuron's weight.</summary>
    private static bool Majority(Dataset data, NetworkParameters net, List<int> members, double[] scale, Dictionary<int, double>[] slide, int k)
    {
        double on = 0, total = 0;
        foreach (int j in members)
        {
            total += scale[j];
            if (slide[j].TryGetValue(k, out double e)) on += e * scale[j];
            else if (Vec.Dot(net.W(j), data.Row(k)) > 0) on += scale[j];
        }
        return total > 0 && on > 0.5 * total;
    }

    private static GroupAgreement Agreement(Dataset data, NetworkParameters net, List<int> members, int ignored, Dictionary<int, double>[]? slide)
    {
        int disagree = 0;
        if (members.Count > 1)
            for (int k = 0; k < data.N; k++)
            {
                var x = data.Row(k);
                int seen = 0;
                bool first = false;
                foreach (int j in members)
                {
                    if (slide is not null && slide[j].ContainsKey(k)) continue; // on its hyperplane: agrees with either side
                    bool on = Vec.Dot(net.W(j), x) > 0;
                    if (seen++ == 0) first = on;
                    else if (on != first) { disagree++; break; }
                }
            }
        return new GroupAgreement(members.Count, ignored, disagree, (double)disagree / data.N);
    }
}
