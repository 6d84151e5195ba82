using System.Collections.Concurrent;
using SimplicityBias.Dynamics.Network;
using Xunit.Abstractions;

namespace SimplicityBias.Theory.Tests.Properties;

/// <summary>
/// Property 6: the integrated endpoint at t = 20 agrees with gradient descent as the learning rate goes to zero (first
/// order), and with the plain generic solver where that one finishes (checker in <see cref="P6GdConvergence"/>).
/// </summary>
[Collection("properties-6")]
public class P6GdConvergenceProperty(ITestOutputHelper output)
{
    public const int Cases = 8;

    /// <summary>Gradient descent from the case's start to its horizon, as a map from the learning rate to the final theta.</summary>
    public static Func<double, double[]> LibraryGd(Dataset train, NetworkParameters init, double horizon) =>
        eta => GradientDescent.Run(train, init, new DiscreteTrainingOptions { LearningRate = eta, Horizon = horizon }).Final.Theta;

    public static double[] Errors(Func<double, double[]> gd, double[] flow) =>
        [.. P6GdConvergence.LearningRates.Select(eta => P6GdConvergence.RelativeDistance(gd(eta), flow))];

    private static readonly ConcurrentBag<double> Orders = new();
    private static int _plainFinished, _plainRuns;

    public static Verdict Check(ExperimentCase c)
    {
        var run = Simulation.Flow(c);
        if (run.Invariants.Failed) return run.Invariants;
        var flow = run.Result.Final.Theta;
        var coarser = Simulation.Flow(c with { Rtol = 1e-11, Atol = 1e-15 }).Result.Final.Theta;
        var gd = Errors(LibraryGd(run.Train, run.Initial, c.Horizon), flow);
        var v = P6GdConvergence.CheckConvergence(gd, P6GdConvergence.RelativeDistance(coarser, flow));
        if (v.Outcome == Outcome.Pass) Orders.Add(v.Measure);
        if (v.Failed) return v;
        var plain = GradientFlow.Integrate(run.Train, run.Initial, c.FlowOptions(FlowMode.Plain) with
        {
            RelativeTolerance = 1e-8, AbsoluteTolerance = 1e-12, MaxSteps = P6GdConvergence.PlainMaxSteps,
        });
        var p = P6GdConvergence.CheckPlain(plain, flow);
        Interlocked.Increment(ref _plainRuns);
        if (p.Outcome != Outcome.Skipped) Interlocked.Increment(ref _plainFinished);
        return p.Failed ? p : v with { Message = v.Message + "; " + p.Message };
    }

    [Fact]
    public void P6_8_cases_gradient_descent_converges_to_the_flow_at_first_order_and_the_plain_solver_agrees_where_it_finishes()
    {
        Orders.Clear();
        _plainFinished = _plainRuns = 0;
        PropertyRunner.Run(output, "P6 GD and plain solver vs flow", Families.GdVersusFlow.Arbitrary(), Cases, Check, minReached: 0.8);
        var orders = Orders.OrderBy(o => o).ToArray();
        double median = orders[orders.Length / 2];
        output.WriteLine($"  GD fitted order: median {median:F2}, range [{orders[0]:F2}, {orders[^1]:F2}] over {orders.Length} cases; " +
                         $"plain solver finished within {P6GdConvergence.PlainMaxSteps} steps in {_plainFinished} of {_plainRuns} cases");
        Assert.InRange(median, 0.75, 1.25);
        // Measured: the plain solver finishes in 13% to 30% of the cases (it chatters on sliding pairs); require 10%.
        Assert.True(_plainFinished >= Math.Max(1, _plainRuns / 10), $"the plain solver finished in only {_plainFinished} of {_plainRuns} cases: its comparison would be vacuous");
    }

    // ---- counterexamples kept as regression cases ----

    /// <summary>
    /// Found with SBT_PROPERTY_SCALE=3, SBT_PROPERTY_SEED=12345 against the first version of the claim (a decrease at
    /// every 4-fold step): errors 7.1e-4, 1.4e-4, 2.4e-4, then 6.6e-6, 3.3e-6, 6.1e-7 down to eta = 2e-5. Gradient descent
    /// does converge to the flow (and the plain solver agrees to 4e-8 at rtol 1e-10), but not monotonically: the
    /// crossings' contribution depends on where the steps fall. Taught: claim the fitted order over four rates (the
    /// reference case below shows the same at eta/64: 1.9e-4, 5.8e-5, 4.7e-6, 1.1e-5).
    /// </summary>
    [Fact]
    public void P6_regression_gd_error_is_not_monotone_in_the_learning_rate_but_converges()
    {
        var c = new ExperimentCase { D = 2, N = 19, M = 3, Beta = [-0.83, -0.34], Sigma = 0.2, Lambda = 0.001, Horizon = 20, Rtol = 1e-12, Atol = 1e-16, StationarityTol = 0, Seed = 807048 };
        var run = Simulation.Flow(c);
        var e = Errors(LibraryGd(run.Train, run.Initial, 20), run.Result.Final.Theta);
        output.WriteLine(string.Join(", ", e.Select(x => x.ToString("G3"))));
        Assert.True(e[2] > e[1], "the non-monotone step this case was kept for");
        Assert.Equal(Outcome.Pass, P6GdConvergence.CheckConvergence(e, 0).Outcome);
    }

    // ---- the checker rejects broken optimizers ----

    private static readonly ExperimentCase Reference = new() { D = 2, N = 30, Beta = [0.8, -0.6], Sigma = 0.3, M = 5, Lambda = 0.05, Horizon = 20, Rtol = 1e-12, Atol = 1e-16, StationarityTol = 0, Seed = 4 };

    /// <summary>Plain gradient steps theta -= scale * eta * grad, written out (scale = -1: wrong sign; 2: a factor-2 slip).</summary>
    private static Func<double, double[]> BrokenGd(Dataset train, NetworkParameters init, double horizon, double scale) => eta =>
    {
        var net = init.Clone();
        int steps = (int)Math.Round(horizon / eta);
        for (int s = 0; s < steps; s++)
        {
            var g = Simulation.Gradient(train, net);
            for (int i = 0; i < g.Length; i++) net.Theta[i] -= scale * eta * g[i];
        }
        return net.Theta;
    };

    [Fact]
    public void P6_reference_case_passes_with_the_library_gradient_descent_and_the_written_out_one()
    {
        var run = Simulation.Flow(Reference);
        var flow = run.Result.Final.Theta;
        var lib = P6GdConvergence.CheckConvergence(Errors(LibraryGd(run.Train, run.Initial, 20), flow), 0);
        var own = P6GdConvergence.CheckConvergence(Errors(BrokenGd(run.Train, run.Initial, 20, 1.0), flow), 0);
        output.WriteLine(lib.Message);
        Assert.Equal(Outcome.Pass, lib.Outcome);
        Assert.Equal(Outcome.Pass, own.Outcome);
    }

    [Fact]
    public void P6_checker_rejects_gradient_descent_with_the_wrong_sign()
    {
        var run = Simulation.Flow(Reference with { Horizon = 5 });
        var v = P6GdConvergence.CheckConvergence(Errors(BrokenGd(run.Train, run.Initial, 5, -1.0), run.Result.Final.Theta), 0);
        output.WriteLine(v.Message);
        Assert.True(v.Failed, v.Message);
    }

    [Fact]
    public void P6_checker_rejects_gradient_descent_with_twice_the_gradient()
    {
        var run = Simulation.Flow(Reference);
        var v = P6GdConvergence.CheckConvergence(Errors(BrokenGd(run.Train, run.Initial, 20, 2.0), run.Result.Final.Theta), 0);
        output.WriteLine(v.Message);
        Assert.True(v.Failed, v.Message);
    }

    [Fact]
    public void P6_checker_rejects_a_plain_endpoint_off_by_one_part_in_a_thousand()
    {
        var run = Simulation.Flow(Reference);
        var plain = GradientFlow.Integrate(run.Train, run.Initial, Reference.FlowOptions(FlowMode.Plain) with { RelativeTolerance = 1e-8, AbsoluteTolerance = 1e-12, MaxSteps = P6GdConvergence.PlainMaxSteps });
        var ok = P6GdConvergence.CheckPlain(plain, run.Result.Final.Theta);
        output.WriteLine(ok.Message);
        var moved = plain.Final.Clone();
        for (int i = 0; i < moved.Theta.Length; i++) moved.Theta[i] *= 1.001;
        var v = P6GdConvergence.CheckPlain(Simulation.With(plain, final: moved), run.Result.Final.Theta);
        Assert.True(v.Failed || ok.Outcome == Outcome.Skipped, v.Message);
        Assert.True(ok.Outcome != Outcome.Skipped, "the reference case should let the plain solver finish");
    }
}
