namespace SimplicityBias.Theory.Extremal;

/// <summary>A direction on the unit sphere with a sign (+1: positive neurons' side, -1: negative).</summary>
public interface ISignedDirection
{
    /// <summary>+1 or -1.</summary>
    int Sign { get; }
    /// <summary>A unit vector.</summary>
    double[] Direction { get; }
}

/// <summary>What a critical point of G_n on the unit sphere is, locally.</summary>
public enum CriticalPointKind
{
    /// <summary>A strict local maximum of G_n (where positive neurons settle).</summary>
    LocalMaximum,
    /// <summary>A strict local minimum of G_n (where negative neurons settle).</summary>
    LocalMinimum,
    /// <summary>Neither: some directions increase G_n and some decrease it.</summary>
    Saddle,
    /// <summary>Not classified (dependent boundary hyperplanes).</summary>
    Unknown,
}

/// <summary>
/// An empirical extremal vector: a unit u with D_n(u) = Sign * Value * u, Value &gt; 0 (docs/THEORY.md
/// section 4). When u lies on data hyperplanes (<see cref="BoundarySet"/>), D_n(u) is a set and
/// <see cref="Eta"/> is the selection in [0, 1] that makes it parallel to u.
/// </summary>
/// <param name="Sign">+1 (positive extremal direction) or -1 (negative).</param>
/// <param name="Direction">The unit vector u.</param>
/// <param name="Value">c &gt; 0 with D_n(u) = Sign * c * u; also |G_n(u)|.</param>
/// <param name="Vector">The extremal vector D_n(u) (with the eta selection on the boundary set).</param>
/// <param name="ActivationSet">{k : &lt;u, x_k&gt; &gt; 0}, sorted, excluding the boundary set.</param>
/// <param name="BoundarySet">{k : &lt;u, x_k&gt; = 0, x_k != 0}, sorted (empty for a direction inside a cell).</param>
/// <param name="Eta">The selection eta_k in [0, 1] for each point of the boundary set, same order.</param>
/// <param name="Kind">Local maximum, minimum or saddle of G_n on the sphere.</param>
/// <param name="Residual">|D_A + 1/n sum_B eta_k y_k x_k - Sign * c * u| as computed (rounding only).</param>
public sealed record ExtremalVector(
    int Sign,
    double[] Direction,
    double Value,
    double[] Vector,
    int[] ActivationSet,
    int[] BoundarySet,
    double[] Eta,
    CriticalPointKind Kind,
    double Residual) : ISignedDirection
{
    /// <summary>Search only: how many random starts ended here.</summary>
    public int Hits { get; init; }
    /// <summary>Search only: Hits divided by the number of random starts of the flow that reaches it (ascent for maxima, descent for minima; NaN for enumerations).</summary>
    public double Share { get; init; } = double.NaN;
    /// <summary>Search only: how many neuron starts ended here.</summary>
    public int NeuronHits { get; init; }

    /// <summary>True for the kind the early-alignment flow settles at: a local maximum if positive, a local minimum if negative.</summary>
    public bool IsStable => Sign > 0 ? Kind == CriticalPointKind.LocalMaximum : Kind == CriticalPointKind.LocalMinimum;

    internal FaceKey Key => new(Sign, ActivationSet, BoundarySet);
}

/// <summary>Identifies an extremal vector combinatorially: sign, activation set, boundary set.</summary>
internal readonly struct FaceKey : IEquatable<FaceKey>
{
    private readonly int _sign;
    private readonly int[] _a;
    private readonly int[] _b;
    private readonly int _hash;

    public FaceKey(int sign, int[] a, int[] b)
    {
        _sign = sign; _a = a; _b = b;
        var h = new HashCode();
        h.Add(sign);
        h.Add(a.Length);
        foreach (var k in a) h.Add(k);
        h.Add(-1);
        foreach (var k in b) h.Add(k);
        _hash = h.ToHashCode();
    }

    public bool Equals(FaceKey other) =>
        _hash == other._hash && _sign == other._sign && _a.AsSpan().SequenceEqual(other._a) && _b.AsSpan().SequenceEqual(other._b);
    public override bool Equals(object? obj) => obj is FaceKey k && Equals(k);
    public override int GetHashCode() => _hash;
}

/// <summary>A set of empirical extremal vectors and how it was obtained.</summary>
/// <param name="Vectors">The verified extremal vectors (positive first, each group sorted by decreasing value).</param>
/// <param name="Method">"enumerate-2d", "arrangement" (both exact), "face-search" or "search" (the flow search).</param>
/// <param name="Candidates">Candidate faces checked (enumerations, face search) or starts run (flow search).</param>
/// <param name="Unresolved">Flow search: starts that ended at no verified extremal vector. Arrangement: vertices skipped as too degenerate. Face search: walks that reached no usable vertex plus degenerate vertices skipped.</param>
public sealed record ExtremalSet(IReadOnlyList<ExtremalVector> Vectors, string Method, long Candidates, long Unresolved)
{
    /// <summary>Search with neuron starts: for neuron j, the index in <see cref="Vectors"/> its start reached (-1: skipped or unresolved).</summary>
    public int[]? NeuronAssignment { get; init; }
    /// <summary>Search: starts (counted in Unresolved) whose flow stopped where D_n(u) = 0, e.g. where no point is active.</summary>
    public long Stalled { get; init; }
    /// <summary>
    /// True only when the set is every extremal vector of the data: an exact enumeration that skipped nothing.
    /// A search is never complete, whatever it found.
    /// </summary>
    public bool Complete { get; init; }
    /// <summary>
    /// 1 for a complete set. For <see cref="ExtremalVectors.SearchFaces"/>: the fraction of a fresh uniform
    /// sample of directions whose arrangement cell was examined (its interior and the faces around one of
    /// its vertices). NaN when not measured (the flow search).
    /// </summary>
    public double Coverage { get; init; } = double.NaN;
    /// <summary><see cref="ExtremalVectors.SearchFaces"/>: distinct vertex rays whose faces were checked.</summary>
    public long VerticesVisited { get; init; }

    /// <summary>The positive extremal vectors.</summary>
    public IEnumerable<ExtremalVector> Positive => Vectors.Where(v => v.Sign > 0);
    /// <summary>The negative extremal vectors.</summary>
    public IEnumerable<ExtremalVector> Negative => Vectors.Where(v => v.Sign < 0);
    /// <summary>The stable ones: positive local maxima and negative local minima of G_n.</summary>
    public IEnumerable<ExtremalVector> Stable => Vectors.Where(v => v.IsStable);

    internal static IReadOnlyList<ExtremalVector> Order(IEnumerable<ExtremalVector> vs) =>
        vs.OrderByDescending(v => v.Sign).ThenByDescending(v => v.Value).ToArray();
}
