using SimplicityBias.Dynamics.Network;
using SimplicityBias.Theory.Endpoint;
using Xunit.Abstractions;

namespace SimplicityBias.Theory.Tests.Properties;

/// <summary>
/// Property 2 (docs/THEORY.md section 6): at a stationary endpoint where each sign group has one common activation set,
/// the two sets are disjoint and no data point lies on a neuron's hyperplane, beta+ = OLS(S+) and beta- = OLS(S-)
/// within n |grad| / (max_j |a_j| s_min(X_S)^2) (derivation in <see cref="OlsAtStationarity"/>).
/// Endpoints outside the premise are skipped and counted; at least <see cref="MinReached"/> of the cases must reach it.
/// </summary>
/// <remarks>
/// Narrowed premise, and why: the flow usually ends with pairs sliding on their hyperplanes (measured: 120 of 150
/// endpoints at t = 1e4 in a broad sample). There the Clarke stationarity gives weighted normal equations, boundary
/// points entering with a weight eta in [0, 1], so beta+ is not OLS(S+) and the claim does not apply.
/// </remarks>
[Collection("properties-2")]
public class P2OlsAtStationarityProperty(ITestOutputHelper output)
{
    public const int Cases = 30;

    /// <summary>Fraction of cases that must reach the premise (measured on this family: 20 of 60, 33%; half of that is required).</summary>
    public const double MinReached = 0.15;

    public static Verdict Check(ExperimentCase c)
    {
        var run = Simulation.Flow(c);
        if (run.Invariants.Failed) return run.Invariants;
        var r = run.Result;
        return OlsAtStationarity.Check(run.Train, r.Final, r.FinalGradNorm, r.Trajectory[^1].SlidingPairs);
    }

    private static int _extended, _extendedPassed;
    private static readonly Dictionary<string, int> ExtensionSkips = new();

    /// <summary>The strict claim where its premise holds; on the other endpoints, the extension to sliding endpoints (counted apart, never as reaching the strict premise).</summary>
    public static Verdict CheckWithExtension(ExperimentCase c)
    {
        var run = Simulation.Flow(c);
        if (run.Invariants.Failed) return run.Invariants;
        var r = run.Result;
        var strict = OlsAtStationarity.Check(run.Train, r.Final, r.FinalGradNorm, r.Trajectory[^1].SlidingPairs);
        if (strict.Outcome != Outcome.Skipped) return strict;
        var ext = WeightedOlsAtSliding.Check(run.Train, r.Final, r.FinalGradNorm);
        if (ext.Outcome == Outcome.Fail) return ext;
        Interlocked.Increment(ref _extended);
        if (ext.Outcome == Outcome.Pass) Interlocked.Increment(ref _extendedPassed);
        else lock (ExtensionSkips) { string key = new(ext.Message.TakeWhile(ch => ch != '(' && !char.IsDigit(ch)).ToArray()); ExtensionSkips[key] = ExtensionSkips.GetValueOrDefault(key) + 1; }
        return strict with { Message = strict.Message + $" (extension: {ext.Outcome})" };
    }

    [Fact]
    public void P2_30_cases_beta_plus_minus_equal_ols_on_their_sides_at_stationary_endpoints_with_disjoint_common_sets()
    {
        _extended = _extendedPassed = 0;
        lock (ExtensionSkips) ExtensionSkips.Clear();
        PropertyRunner.Run(output, "P2 OLS at stationarity", Families.OlsAtStationarity.Arbitrary(), Cases, CheckWithExtension, MinReached);
        output.WriteLine($"  extension to sliding endpoints (eta-weighted normal equations): {_extendedPassed} of the {_extended} skipped cases reached its premise and passed; its skips: {string.Join(", ", ExtensionSkips.Select(kv => $"{kv.Value} x {kv.Key.Trim()}"))}");
    }

    // ---- the checker rejects broken endpoints ----

    /// <summary>
    /// A case that reaches the premises of both checks (from the exploration of this family). Seed 26 did until the
    /// integrator's crossing steps had to lower the loss: its endpoint still passes the strict check, but the neurons
    /// of one sign no longer share their activation and boundary sets, which the extension needs; seed 20 is the first of 20-59
    /// that reaches both (9 of those 40 seeds do).
    /// </summary>
    private static readonly ExperimentCase Reference = new() { D = 2, N = 45, Beta = [-0.78, -0.626], Sigma = 0.47, M = 14, Lambda = 0.0018, Horizon = 1e4, Seed = 20 };

    private static (Simulation.Run Run, OlsAtStationarity.Groups Groups, OlsPrediction Ols) Setup()
    {
        var run = Simulation.Flow(Reference);
        var g = OlsAtStationarity.Analyse(run.Train, run.Result.Final);
        var split = new SideSplit(g.Plus, g.Minus, new DirectionSideRule([1.0, 0.0]), null, null);
        return (run, g, OlsOnSides.Fit(run.Train, split));
    }

    [Fact]
    public void P2_reference_case_reaches_the_premise_and_passes()
    {
        var (run, _, _) = Setup();
        var v = OlsAtStationarity.Check(run.Train, run.Result.Final, run.Result.FinalGradNorm, run.Result.Trajectory[^1].SlidingPairs);
        output.WriteLine(v.Message);
        Assert.Equal(Outcome.Pass, v.Outcome);
    }

    [Fact]
    public void P2_extension_agrees_with_the_strict_check_when_there_is_no_boundary_point_and_rejects_a_perturbed_endpoint()
    {
        var (run, _, _) = Setup();
        var ok = WeightedOlsAtSliding.Check(run.Train, run.Result.Final, run.Result.FinalGradNorm);
        output.WriteLine(ok.Message);
        Assert.Equal(Outcome.Pass, ok.Outcome);
        var moved = run.Result.Final.Clone();
        int j = Enumerable.Range(0, moved.M).MaxBy(j => Math.Abs(moved.A(j)));
        moved.Theta[j * moved.Stride] *= 1.001;
        Assert.True(WeightedOlsAtSliding.Check(run.Train, moved, run.Result.FinalGradNorm).Failed);
    }

    [Fact]
    public void P2_extension_box_minimum_is_exact_on_a_small_example()
    {
        // v = (1, 0), columns (-2, 0) and (0, 1): best eta = (0.5, 0), residual 0; with the first column (-0.5, 0): eta = 1, residual 0.5
        Assert.Equal(0, WeightedOlsAtSliding.MinOverBox([1, 0], [[-2, 0], [0, 1]], out var eta), 12);
        Assert.Equal(0.5, eta[0], 12);
        Assert.Equal(0.5, WeightedOlsAtSliding.MinOverBox([1, 0], [[-0.5, 0], [0, 1]], out eta), 12);
        Assert.Equal(1, eta[0], 12);
    }

    [Fact]
    public void P2_checker_rejects_the_wrong_side_ols()
    {
        var (run, g, ols) = Setup();
        var v = OlsAtStationarity.CheckSides(run.Train, run.Result.Final, run.Result.FinalGradNorm, g, ols.Minus.Beta!, ols.Plus.Beta!);
        Assert.True(v.Failed, v.Message);
    }

    [Fact]
    public void P2_checker_rejects_ols_on_all_points_instead_of_one_side()
    {
        var (run, g, _) = Setup();
        var all = OlsOnSides.FitSide(run.Train, Enumerable.Repeat(true, run.Train.N).ToArray(), "all");
        var v = OlsAtStationarity.CheckSides(run.Train, run.Result.Final, run.Result.FinalGradNorm, g, all.Beta!, all.Beta!);
        Assert.True(v.Failed, v.Message);
    }

    [Fact]
    public void P2_checker_rejects_an_endpoint_with_one_neuron_moved_by_one_part_in_a_thousand()
    {
        var (run, _, _) = Setup();
        var moved = run.Result.Final.Clone();
        int j = Enumerable.Range(0, moved.M).MaxBy(j => Math.Abs(moved.A(j)));
        moved.Theta[j * moved.Stride] *= 1.001; // a_j, same activation sets
        var v = OlsAtStationarity.Check(run.Train, moved, run.Result.FinalGradNorm, 0);
        Assert.True(v.Failed, v.Message);
    }

    [Fact]
    public void P2_checker_rejects_a_claimed_stationarity_ten_times_smaller_than_the_real_one()
    {
        var (run, _, _) = Setup();
        var v = OlsAtStationarity.Check(run.Train, run.Result.Final, run.Result.FinalGradNorm / 10, 0);
        output.WriteLine(v.Message);
        Assert.True(v.Failed, v.Message);
    }
}
