using SimplicityBias.Theory.Extremal;

namespace SimplicityBias.Verify.Running;

/// <summary>An extremal direction u (D_n(u) = sign * c * u, c &gt; 0) with its extremal vector D_n(u).</summary>
/// <param name="Sign">+1 (positive neurons' side) or -1.</param>
/// <param name="C">c = |D_n(u)|.</param>
/// <param name="Direction">Unit vector u.</param>
/// <param name="Vector">The extremal vector D_n(u) = sign * c * u.</param>
/// <param name="ActiveCount">Size of the activation set {k : &lt;u, x_k&gt; &gt; 0} (-1 for population directions).</param>
public sealed record ExtremalDirection(int Sign, double C, double[] Direction, double[] Vector, int ActiveCount) : ISignedDirection
{
    /// <summary>A local maximum (positive) or minimum (negative) of G_n: where the early phase settles.</summary>
    public bool Stable { get; init; } = true;
    /// <summary>Points on the direction's hyperplane (an eta selection in [0, 1] is used for them).</summary>
    public int BoundaryCount { get; init; }
    /// <summary>Local type of G_n at u (empirical directions; Unknown for population ones).</summary>
    public CriticalPointKind Kind { get; init; } = CriticalPointKind.Unknown;
    /// <summary>{k : &lt;u, x_k&gt; &gt; 0} (empty for population directions).</summary>
    public int[] ActivationSet { get; init; } = [];
    /// <summary>{k : &lt;u, x_k&gt; = 0} (empty for population directions and directions inside a cell).</summary>
    public int[] BoundarySet { get; init; } = [];
    /// <summary>The selection eta_k in [0, 1] for each point of the boundary set.</summary>
    public double[] Eta { get; init; } = [];
}

/// <summary>The empirical extremal directions of a dataset and how much they can be trusted to be all of them.</summary>
/// <param name="Vectors">The directions (positive first, decreasing c).</param>
/// <param name="Complete">True only from an exact enumeration: every extremal vector is in <paramref name="Vectors"/>.</param>
/// <param name="Coverage">1 when complete; otherwise the face search's coverage (fraction of a fresh sample of directions whose cell was examined).</param>
/// <param name="Method">"enumerate-2d", "arrangement" or "face-search" (with the flow search's finds added).</param>
/// <param name="FlowSearchCount">How many the flow search alone (the toolkit's former method) found.</param>
public sealed record EmpiricalExtremal(IReadOnlyList<ExtremalDirection> Vectors, bool Complete, double Coverage, string Method, int FlowSearchCount);
