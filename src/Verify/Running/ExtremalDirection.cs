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
}
