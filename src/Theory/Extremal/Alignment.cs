using SimplicityBias.Dynamics.Network;
using SimplicityBias.Theory.Numerics;
using SimplicityBias.Dynamics.Numerics;

namespace SimplicityBias.Theory.Extremal;

/// <summary>Alignment of a network's neurons with a set of extremal directions.</summary>
/// <param name="Angles">Per neuron j: the angle (radians) from w_j/|w_j| to the nearest extremal direction of sign sign(a_j); NaN for ignored neurons.</param>
/// <param name="Nearest">Per neuron: index (in the list given) of that nearest direction, -1 if ignored or none of that sign.</param>
/// <param name="Signs">Per neuron: sign(a_j) (0 if a_j = 0).</param>
/// <param name="Counted">Neurons counted (a_j != 0 and |w_j| above the threshold).</param>
/// <param name="FractionWithin">Fraction of counted neurons within the threshold angle.</param>
/// <param name="NormWeightedFractionWithin">Same, each neuron weighted by |a_j| |w_j| (its output scale).</param>
/// <param name="ThresholdAngle">The threshold angle used (radians).</param>
public sealed record AlignmentReport(double[] Angles, int[] Nearest, int[] Signs, int Counted, double FractionWithin, double NormWeightedFractionWithin, double ThresholdAngle);

/// <summary>
/// Early alignment check (docs/THEORY.md section 4): at the end of the early phase positive neurons
/// should point near positive extremal directions (local maxima of G_n) and negative neurons near
/// negative ones.
/// </summary>
public static class Alignment
{
    /// <summary>
    /// Angles from each neuron's direction to the nearest same-sign extremal direction, and the
    /// fraction within <paramref name="thresholdAngle"/>. Neurons with a_j = 0, w_j = 0 or
    /// |w_j| &lt;= <paramref name="minNorm"/> are ignored.
    /// </summary>
    public static AlignmentReport Measure(NetworkParameters network, IReadOnlyList<ISignedDirection> extremal, double thresholdAngle, double minNorm = 0)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(extremal);
        if (!(thresholdAngle >= 0) || double.IsNaN(thresholdAngle)) throw new ArgumentException($"thresholdAngle must be >= 0, got {thresholdAngle}", nameof(thresholdAngle));
        if (!(minNorm >= 0)) throw new ArgumentException($"minNorm must be >= 0, got {minNorm}", nameof(minNorm));
        foreach (var e in extremal)
            if (e.Direction.Length != network.D) throw new ArgumentException($"an extremal direction has length {e.Direction.Length}, the network has d = {network.D}", nameof(extremal));
        int m = network.M;
        var angles = new double[m];
        var nearest = new int[m];
        var signs = new int[m];
        int counted = 0, within = 0;
        double wSum = 0, wWithin = 0;
        for (int j = 0; j < m; j++)
        {
            double a = network.A(j);
            var w = network.W(j);
            double nw = Vec.Norm(w);
            signs[j] = Math.Sign(a);
            angles[j] = double.NaN;
            nearest[j] = -1;
            if (a == 0 || nw == 0 || nw <= minNorm) continue;
            counted++;
            double weight = Math.Abs(a) * nw;
            wSum += weight;
            double best = Math.PI;
            for (int e = 0; e < extremal.Count; e++)
            {
                if (extremal[e].Sign != signs[j]) continue;
                double ang = Vec.Angle(w, extremal[e].Direction);
                if (ang < best || nearest[j] < 0) { best = ang; nearest[j] = e; }
            }
            angles[j] = nearest[j] < 0 ? Math.PI : best;
            if (angles[j] <= thresholdAngle) { within++; wWithin += weight; }
        }
        return new AlignmentReport(angles, nearest, signs, counted,
            counted == 0 ? double.NaN : (double)within / counted,
            wSum == 0 ? double.NaN : wWithin / wSum, thresholdAngle);
    }
}
