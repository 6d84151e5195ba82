using SimplicityBias.Theory.Numerics;
using SimplicityBias.Dynamics.Numerics;

namespace SimplicityBias.Theory.Extremal;

/// <summary>Distances on the sphere between an empirical and a population set of signed directions.</summary>
/// <param name="PerVector">For each empirical direction (input order), the angle in radians to the nearest population direction of the same sign (pi if there is none).</param>
/// <param name="Mean">Mean of <see cref="PerVector"/> (NaN if the empirical set is empty).</param>
/// <param name="Max">Largest of <see cref="PerVector"/>: the directed distance empirical -&gt; population.</param>
/// <param name="PopulationToEmpirical">Largest angle from a population direction to the nearest empirical one of the same sign (pi if none).</param>
/// <param name="Hausdorff">max(Max, PopulationToEmpirical): the Hausdorff distance with signs matched.</param>
public sealed record SetDistance(double[] PerVector, double Mean, double Max, double PopulationToEmpirical, double Hausdorff);

/// <summary>Angles between extremal directions (geodesic distance on the unit sphere, radians).</summary>
public static class ExtremalDistance
{
    /// <summary>The angle between the directions of u and v (accurate for tiny angles).</summary>
    public static double Angle(ReadOnlySpan<double> u, ReadOnlySpan<double> v) => Vec.Angle(u, v);

    /// <summary>
    /// Compares an empirical set with a population set: each empirical direction is matched with the
    /// nearest population direction of the same sign; the Hausdorff distance also counts population
    /// directions far from every empirical one. A sign missing on one side counts as pi.
    /// </summary>
    public static SetDistance Compare(IEnumerable<ISignedDirection> empirical, IEnumerable<ISignedDirection> population)
    {
        ArgumentNullException.ThrowIfNull(empirical);
        ArgumentNullException.ThrowIfNull(population);
        var emp = empirical.ToList();
        var pop = population.ToList();
        var per = new double[emp.Count];
        for (int i = 0; i < emp.Count; i++) per[i] = Nearest(emp[i], pop);
        double back = 0;
        foreach (var p in pop) back = Math.Max(back, Nearest(p, emp));
        if (pop.Count > 0 && emp.Count == 0) back = Math.PI;
        double max = per.Length == 0 ? 0 : per.Max();
        double mean = per.Length == 0 ? double.NaN : per.Average();
        return new SetDistance(per, mean, max, back, Math.Max(max, back));
    }

    /// <summary>The angle from v to the nearest direction of the same sign in the set (pi if none).</summary>
    public static double Nearest(ISignedDirection v, IEnumerable<ISignedDirection> set)
    {
        double best = Math.PI;
        foreach (var s in set)
            if (s.Sign == v.Sign) best = Math.Min(best, Vec.Angle(v.Direction, s.Direction));
        return best;
    }
}
