namespace SimplicityBias.Theory.Endpoint;

/// <summary>Where a curve over n changes: the last n before the change and the first n after it.</summary>
/// <param name="Below">Largest n before the change (NaN when the curve starts changed).</param>
/// <param name="Above">First n where the change shows (NaN when it never does inside the range).</param>
public readonly record struct NBracket(double Below, double Above)
{
    /// <summary>Geometric midpoint of the bracket (NaN when either end is missing).</summary>
    public double Mid => double.IsNaN(Below) || double.IsNaN(Above) ? double.NaN : Math.Sqrt(Below * Above);
    /// <summary>Above / Below: how wide the bracket is as a factor (NaN when either end is missing).</summary>
    public double Ratio => double.IsNaN(Below) || double.IsNaN(Above) ? double.NaN : Above / Below;
}

/// <summary>
/// The three definitions of the optimization threshold the dimension study sets side by side
/// (docs/THEORY.md section 8): the crossing of sigma^2/4 by the train loss
/// (<see cref="OptimizationThreshold.Crossing"/>), the last n at which the endpoint is still a global
/// minimum (train loss at the rounding level), and the first local minimum of the test loss over n.
/// </summary>
public static class ThresholdDefinitions
{
    /// <summary>Unit roundoff of double precision, 2^-52.</summary>
    public const double Epsilon = 2.220446049250313e-16;

    /// <summary>
    /// The train loss below which an endpoint counts as a global minimum (an interpolator): a small
    /// <paramref name="multiple"/> of the rounding level eps * <paramref name="lossScale"/>, where the
    /// scale is the size of the losses involved (e.g. the noise level sigma^2/2). A loss evaluated in
    /// double precision at an exact interpolator is not 0 but of this order.
    /// </summary>
    public static double GlobalMinimumLevel(double lossScale, double multiple = 1e4)
    {
        if (!(lossScale > 0) || !double.IsFinite(lossScale)) throw new ArgumentException($"lossScale must be finite and > 0, got {lossScale}", nameof(lossScale));
        if (!(multiple >= 1) || !double.IsFinite(multiple)) throw new ArgumentException($"multiple must be finite and >= 1, got {multiple}", nameof(multiple));
        return multiple * Epsilon * lossScale;
    }

    /// <summary>
    /// The first n whose loss exceeds <paramref name="level"/>, with the n before it: where the endpoint
    /// stops being a global minimum when the level is <see cref="GlobalMinimumLevel"/>. Repeated n values
    /// are averaged. Below is NaN when the smallest n already exceeds the level; Above is NaN when no n does.
    /// </summary>
    public static NBracket FirstAbove(IEnumerable<(double N, double Loss)> curve, double level)
    {
        var pts = Sorted(curve);
        if (pts.Length == 0) throw new ArgumentException("empty curve", nameof(curve));
        for (int i = 0; i < pts.Length; i++)
            if (pts[i].Loss > level) return new NBracket(i == 0 ? double.NaN : pts[i - 1].N, pts[i].N);
        return new NBracket(pts[^1].N, double.NaN);
    }

    /// <summary>
    /// The first local minimum of a loss curve over n (the test-loss definition): the smallest n whose loss is
    /// below that of both grid neighbours, bracketed by them. Above the threshold the test loss falls like
    /// sigma^2 d/n, so its smallest value is at the largest n of any grid; the threshold shows instead as the dip
    /// before the rise at the transition. NaN (and an empty bracket) when the curve has no interior local minimum.
    /// Repeated n values are averaged; on a flat stretch the first n counts.
    /// </summary>
    public static (double N, NBracket Neighbours) FirstLocalMinimum(IEnumerable<(double N, double Loss)> curve)
    {
        var pts = Sorted(curve);
        if (pts.Length == 0) throw new ArgumentException("empty curve", nameof(curve));
        for (int i = 1; i + 1 < pts.Length; i++)
        {
            if (double.IsInfinity(pts[i].Loss)) continue;
            if (pts[i].Loss < pts[i - 1].Loss && pts[i].Loss < pts[i + 1].Loss)
                return (pts[i].N, new NBracket(pts[i - 1].N, pts[i + 1].N));
        }
        return (double.NaN, new NBracket(double.NaN, double.NaN));
    }

    private static (double N, double Loss)[] Sorted(IEnumerable<(double N, double Loss)> curve)
    {
        ArgumentNullException.ThrowIfNull(curve);
        var pts = curve.GroupBy(p => p.N).Select(g => (N: g.Key, Loss: g.Average(p => p.Loss))).OrderBy(p => p.N).ToArray();
        foreach (var p in pts)
            if (!(p.N > 0) || double.IsNaN(p.Loss)) throw new ArgumentException($"curve point (n = {p.N}, loss = {p.Loss}) is invalid: n must be > 0 and the loss a number", nameof(curve));
        return pts;
    }
}
