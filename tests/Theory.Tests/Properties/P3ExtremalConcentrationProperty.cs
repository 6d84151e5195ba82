using SimplicityBias.Dynamics.Network;
using SimplicityBias.Theory.Extremal;
using SimplicityBias.Theory.Numerics;
using Xunit.Abstractions;
using SimplicityBias.Dynamics.Numerics;

namespace SimplicityBias.Theory.Tests.Properties;

/// <summary>
/// Property 3 (docs/THEORY.md section 5): for symmetric inputs and a linear teacher the population extremal directions
/// are +-u*, u* = Sigma beta* / |Sigma beta*| (= beta*/|beta*| here, Sigma = I for every generated law), and every
/// empirical extremal direction (all of them, by exact enumeration: maxima, minima and saddles) lies within
///
///     C sqrt(1 + sigma^2 / |Sigma beta*|^2) sqrt(d log n / n)   radians
///
/// of +u* (positive ones) or -u* (negative ones). The noise-to-signal factor: D_n(u) fluctuates around
/// D = Sigma beta*/2 by about sqrt((|beta*|^2 + sigma^2) d log n / n) uniformly in u, and an extremal direction is
/// where D_n(u) is parallel to u; so the angle scales with that fluctuation over |D|. Without the factor, C depends
/// on the noise: a first calibration with |beta*| down to 0.1 saw ratios up to 10.
///
/// C = 3, calibrated by measurement: over 1000 generated cases of this family the largest angle was 1.50 times
/// sqrt(1 + sigma^2/|beta*|^2) sqrt(d log n / n) (99th percentile 1.16; largest 2.19 when |beta*| could be as small
/// as 0.1, where the bound exceeds pi/2 and says little, hence |beta*| ~ 1 in the generator). C = 3 leaves a factor
/// 2 over the largest measured, and is the command line's default `concentration` tolerance.
/// </summary>
[Collection("properties-3")]
public class P3ExtremalConcentrationProperty(ITestOutputHelper output)
{
    public const int Cases = 30;
    public const double C = 3.0;

    public static double Bound(ExperimentCase c)
    {
        double signal = Vec.Norm(c.BetaOrDefault()); // |Sigma beta*| with Sigma = I
        return C * Math.Sqrt(1 + c.Sigma * c.Sigma / (signal * signal)) * Math.Sqrt(c.D * Math.Log(c.N) / c.N);
    }

    public static ExtremalSet Enumerate(Dataset data) => data.D == 2 ? ExtremalVectors.Enumerate2D(data) : ExtremalVectors.EnumerateArrangement(data);

    public static double[] UStar(ExperimentCase c)
    {
        var sigma = c.Model().Input.SecondMoment(c.D)!;
        var beta = c.BetaOrDefault();
        var s = new double[c.D];
        for (int i = 0; i < c.D; i++)
            for (int j = 0; j < c.D; j++) s[i] += sigma[i * c.D + j] * beta[j];
        return Vec.Unit(s);
    }

    public static Verdict Check(ExperimentCase c)
    {
        var data = c.Train();
        var set = Enumerate(data);
        if (set.Unresolved > 0) return Verdict.Skip($"the exact enumeration skipped {set.Unresolved} degenerate vertices (incomplete)");
        foreach (var v in set.Vectors)
            if (ExtremalChecks.Verify(data, v) is { } why) return Verdict.Fail($"enumerated {ExtremalChecks.Key(v)} does not verify: {why}");
        return ExtremalChecks.NearPopulation(set.Vectors, UStar(c), Bound(c));
    }

    [Fact]
    public void P3_30_cases_symmetric_inputs_extremal_directions_lie_within_3_snr_sqrt_d_log_n_over_n_of_plus_minus_u_star() =>
        PropertyRunner.Run(output, "P3 extremal concentration", Families.Concentration.Arbitrary(), Cases, Check, minReached: 0.9);

    // ---- the checker rejects broken inputs ----

    private static readonly ExperimentCase Reference = new() { D = 2, N = 400, Beta = [0.6, -0.8], Sigma = 0.5, Seed = 5, HasNetwork = false };

    [Fact]
    public void P3_checker_rejects_a_population_direction_rotated_by_twice_the_bound()
    {
        var data = Reference.Train();
        var u = UStar(Reference);
        double b = Bound(Reference), a = 2 * b;
        double[] rotated = [Math.Cos(a) * u[0] - Math.Sin(a) * u[1], Math.Sin(a) * u[0] + Math.Cos(a) * u[1]];
        var set = Enumerate(data);
        Assert.False(ExtremalChecks.NearPopulation(set.Vectors, u, b).Failed);
        var v = ExtremalChecks.NearPopulation(set.Vectors, rotated, b);
        Assert.True(v.Failed, v.Message);
    }

    [Fact]
    public void P3_checker_rejects_signs_swapped_positive_directions_compared_with_minus_u_star()
    {
        var data = Reference.Train();
        var u = UStar(Reference);
        var v = ExtremalChecks.NearPopulation(Enumerate(data).Vectors, u.Select(x => -x).ToArray(), Bound(Reference));
        Assert.True(v.Failed, v.Message);
    }

    /// <summary>Without symmetry the claim is false: N(mu, I) inputs move the extremal directions away from +-u*, and the check sees it.</summary>
    [Fact]
    public void P3_checker_rejects_shifted_gaussian_inputs_where_the_symmetric_prediction_does_not_hold()
    {
        var c = Reference with { DataModel = InputLawKind.ShiftedGaussian, Shift = 2 };
        var data = c.Train();
        var v = ExtremalChecks.NearPopulation(Enumerate(data).Vectors, Vec.Unit(c.BetaOrDefault()), Bound(c));
        output.WriteLine(v.Message);
        Assert.True(v.Failed, v.Message);
    }
}
