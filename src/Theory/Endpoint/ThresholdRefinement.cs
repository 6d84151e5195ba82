namespace SimplicityBias.Theory.Endpoint;

/// <summary>What the refinement asks for next on one curve.</summary>
public enum RefinementKind
{
    /// <summary>The bracket around the crossing is a factor at most the target ratio: nothing more to run.</summary>
    Done,
    /// <summary>Run the geometric midpoint of the bracket (bisection in log n).</summary>
    Bisect,
    /// <summary>Every n is below the level: run a larger n.</summary>
    ExtendUp,
    /// <summary>Already the smallest n is above the level: run a smaller n.</summary>
    ExtendDown,
    /// <summary>The bracket cannot narrow further on integers, or an extension would leave the allowed range.</summary>
    Stuck,
}

/// <summary>One step of the refinement: what to do, the n to run (0 when none) and the current bracket.</summary>
/// <param name="Kind">What to do.</param>
/// <param name="NextN">The sample size to run next (0 for Done and Stuck).</param>
/// <param name="Bracket">Last n below the level and first n at or above it (either NaN when missing).</param>
public readonly record struct RefinementStep(RefinementKind Kind, int NextN, NBracket Bracket);

/// <summary>
/// Adaptive search for the optimization threshold on a grid of n: the curve is the median over seeds
/// of the converged train loss at each n; the bracket is the last n below sigma^2/4 before the first n
/// at or above it. Each step bisects the bracket in log n until it is a factor at most the target
/// ratio, or extends the grid by a factor when the crossing is outside it.
/// </summary>
public static class ThresholdRefinement
{
    /// <summary>The next step for one curve.</summary>
    /// <param name="curve">(n, loss) points; repeated n are averaged.</param>
    /// <param name="level">The loss level whose first upward crossing is sought (sigma^2/4).</param>
    /// <param name="ratio">Target width of the bracket, as a factor Above/Below (&gt; 1).</param>
    /// <param name="extendFactor">Factor by which the grid is extended when the crossing lies outside it.</param>
    /// <param name="minN">Smallest n allowed.</param>
    /// <param name="maxN">Largest n allowed.</param>
    public static RefinementStep Next(IEnumerable<(double N, double Loss)> curve, double level, double ratio = 1.3, double extendFactor = 4, int minN = 2, int maxN = 1_000_000)
    {
        ArgumentNullException.ThrowIfNull(curve);
        if (!(ratio > 1) || !double.IsFinite(ratio)) throw new ArgumentException($"ratio must be finite and > 1, got {ratio}", nameof(ratio));
        if (!(extendFactor > 1) || !double.IsFinite(extendFactor)) throw new ArgumentException($"extendFactor must be finite and > 1, got {extendFactor}", nameof(extendFactor));
        if (minN < 1 || maxN < minN) throw new ArgumentException($"need 1 <= minN <= maxN, got minN = {minN}, maxN = {maxN}", nameof(minN));
        var pts = curve.GroupBy(p => p.N).Select(g => (N: g.Key, Loss: g.Average(p => p.Loss))).OrderBy(p => p.N).ToArray();
        if (pts.Length == 0) throw new ArgumentException("empty curve", nameof(curve));
        foreach (var p in pts)
            if (!(p.N > 0) || !double.IsFinite(p.Loss)) throw new ArgumentException($"curve point (n = {p.N}, loss = {p.Loss}) is invalid: n must be > 0 and the loss finite", nameof(curve));

        int first = Array.FindIndex(pts, p => p.Loss >= level);
        if (first < 0)
        {
            int up = (int)Math.Min(maxN, Math.Ceiling(pts[^1].N * extendFactor));
            var b = new NBracket(pts[^1].N, double.NaN);
            return up > pts[^1].N ? new RefinementStep(RefinementKind.ExtendUp, up, b) : new RefinementStep(RefinementKind.Stuck, 0, b);
        }
        if (first == 0)
        {
            int down = (int)Math.Max(minN, Math.Floor(pts[0].N / extendFactor));
            var b = new NBracket(double.NaN, pts[0].N);
            return down < pts[0].N ? new RefinementStep(RefinementKind.ExtendDown, down, b) : new RefinementStep(RefinementKind.Stuck, 0, b);
        }
        var bracket = new NBracket(pts[first - 1].N, pts[first].N);
        if (bracket.Ratio <= ratio) return new RefinementStep(RefinementKind.Done, 0, bracket);
        int mid = (int)Math.Round(bracket.Mid);
        // Integers: the midpoint may round onto an end when the bracket is a few units wide.
        if (mid <= bracket.Below || mid >= bracket.Above) return new RefinementStep(RefinementKind.Stuck, 0, bracket);
        return new RefinementStep(RefinementKind.Bisect, mid, bracket);
    }
}
