using SimplicityBias.Dynamics.Network;
using SimplicityBias.Dynamics.Ode;
using Xunit.Abstractions;

namespace SimplicityBias.Theory.Tests.Properties;

/// <summary>
/// Property 1: along every integrated flow, balancedness is constant, the loss does not increase, and the run
/// ends stationary (SteadyState) or at the horizon (Success). The full claim also asks that the run's state be consistent with what it
/// reports (last recorded loss = final state's loss, no step raising the loss beyond the integration error).
/// Each defect it found is fixed and kept as a regression case below: the mask mismatch (<see cref="IntegratorBug"/>),
/// chattering of neurons driven to w_j = 0 (once minutes per case; now such a dominated neuron is put at the origin
/// and stays), and on discrete inputs, chattering and loss rises at repeated or dependent inputs (their hyperplanes
/// coincide; such pairs now slide as companions) and over long steps whose crossings raised the loss (rejected).
/// </summary>
[Collection("properties-1")]
public class P1FlowInvariantsProperty(ITestOutputHelper output)
{
    public const int Cases = 40;

    /// <summary>
    /// Found by this property (shrunk by FsCheck): after a crossing, a pair released with Filippov eta = 0 is masked
    /// inactive although its pre-activation is positive and stays so (z = +0.023 at the end; the masked field does
    /// not push it back). The run then reports the loss and gradient of the wrong pattern: last recorded loss 7.5e-11,
    /// the final state's loss 1.7e-4; the crossing count grows by about one per step (1957 by t = 1000), and one
    /// step raises the recorded loss by a factor 2e6. Still there at rtol 1e-8. Same symptom with 3 million
    /// crossings on ball inputs (second case below).
    /// </summary>
    public const string IntegratorBug =
        "Integrator bug (FilippovIntegrator.UpdateSliding): a pair released with eta = 0 is masked inactive while its pre-activation stays positive; " +
        "the reported loss/gradient are then those of the wrong pattern (recorded 7.5e-11, state 1.7e-4). Counterexample: " + MaskMismatchCase;

    public const string MaskMismatchCase =
        """{"dataModel": "shifted-gaussian", "shift": 1, "teacher": "relu", "teacherUnits": 5, "sigma": 1.1, "n": 5, "d": 2, "m": 3, "lambda": 0.001, "init": "balanced", "solver": "flow", "rtol": 1E-06, "atol": 1E-10, "stationarityTol": 1E-08, "horizon": 1000, "seed": 321631, "testN": 0}""";

    [Fact]
    public void P1_40_cases_full_claim_flow_state_matches_its_reports_and_no_step_raises_the_loss() =>
        PropertyRunner.Run(output, "P1 flow invariants (full)", Families.FlowInvariants.Arbitrary(), Cases,
            c => Simulation.Flow(c, claims: FlowInvariants.Claims.All).Invariants);

    [Fact]
    public void P1_40_cases_flow_keeps_balancedness_never_raises_the_recorded_loss_and_ends_stationary_or_at_the_horizon() =>
        PropertyRunner.Run(output, "P1 flow invariants (core)", Families.FlowInvariants.Arbitrary(), Cases,
            c => Simulation.Flow(c, claims: FlowInvariants.Claims.Core).Invariants);

    // ---- counterexamples kept as regression cases ----

    private static ExperimentCase Case(string json) =>
        ExperimentCase.FromJson(json);

    /// <summary>Runs a counterexample with every claim of the property and asserts that they hold; returns the run.</summary>
    private static Simulation.Run Holds(string json)
    {
        var run = Simulation.Flow(Case(json), claims: FlowInvariants.Claims.All);
        Assert.False(run.Invariants.Failed, run.Invariants.Message);
        return run;
    }

    [Fact]
    public void P1_regression_released_pair_with_positive_preactivation_is_masked_off()
    {
        Holds(MaskMismatchCase);
    }

    /// <summary>
    /// Ball inputs, relu teacher, d = 4, m = 3, dominated start: a neuron driven toward w_j = 0 wanted to slide on more
    /// than d - 1 hyperplanes and chattered (940,000 crossings by t = 3, 48 s); it also showed the mask mismatch
    /// (recorded 2.34994, state 2.35025). Now it reaches the origin and stays (FilippovIntegrator.Origin.cs).
    /// </summary>
    [Fact]
    public void P1_regression_chattering_on_ball_inputs_with_a_three_neuron_network()
    {
        Holds("""{"dataModel": "ball", "teacher": "relu", "teacherUnits": 4, "sigma": 0.85, "n": 44, "d": 4, "m": 3, "lambda": 0.42, "init": "dominated", "rtol": 1E-05, "horizon": 1000, "seed": 537164}""");
    }

    /// <summary>
    /// Found by this property with d = 1 (since then excluded from the generator, d &gt;= 2): with a dominated start a
    /// neuron is driven to w_j = 0, where all n data hyperplanes of d = 1 meet; the integrator may not slide there
    /// (at most d - 1 = 0 hyperplanes) and chatters: 1.75 million crossings and 1.1 million refused captures for
    /// t = 23, 40 s, ending Stationary with the invariants intact. A performance defect, not a wrong answer; fixed by
    /// putting such a neuron at the origin (FilippovIntegrator.Origin.cs): now milliseconds.
    /// </summary>
    [Fact]
    public void P1_regression_neuron_driven_to_zero_in_one_dimension_no_longer_chatters()
    {
        var run = Holds("""{"dataModel": "gaussian", "teacher": "relu", "teacherUnits": 4, "sigma": 0.43, "n": 31, "d": 1, "m": 11, "lambda": 0.098, "init": "dominated", "rtol": 1E-05, "horizon": 100, "seed": 970133}""");
        Assert.True(run.Result.Statistics.Crossings < 10_000, $"{run.Result.Statistics.Crossings} crossings");
    }

    /// <summary>
    /// Same defect in d = 2 (found by a long run, SBT_PROPERTY_SCALE=2, seed 777): a dominated start keeps |a_j| &gt; |w_j|,
    /// so a neuron pointing the wrong way shrinks to w_j = 0 in finite time, where all 40 hyperplanes meet; 83 s for t = 100.
    /// Fixed as the case above.
    /// </summary>
    [Fact]
    public void P1_regression_dominated_neuron_shrinking_to_zero_no_longer_chatters_in_two_dimensions()
    {
        var run = Holds("""{"dataModel": "gaussian", "teacher": "relu", "teacherUnits": 4, "sigma": 0.21, "n": 40, "d": 2, "m": 11, "lambda": 0.64, "init": "dominated", "horizon": 100, "seed": 885225}""");
        Assert.True(run.Result.Statistics.Crossings < 100_000, $"{run.Result.Statistics.Crossings} crossings");
    }

    /// <summary>
    /// Found by the unskipped full property (shrunk): Rademacher inputs in d = 4 repeat (16 distinct points), so
    /// several pairs of one neuron share a hyperplane; only one could slide, the others were refused and crossed
    /// back and forth (386 crossings, 70 captures) with steps raising the loss by 3.25e-5. They now slide as
    /// companions of the first (SlidingSet): 17 crossings, largest rise 2.2e-12.
    /// </summary>
    [Fact]
    public void P1_regression_repeated_inputs_slide_together()
    {
        var run = Holds("""{"dataModel": "rademacher", "teacher": "relu", "teacherUnits": 3, "sigma": 0.2, "n": 16, "d": 4, "m": 1, "lambda": 0.001, "init": "balanced", "solver": "flow", "rtol": 1E-08, "atol": 1E-10, "stationarityTol": 1E-08, "horizon": 1000, "seed": 1, "testN": 0}""");
        Assert.True(run.Result.Statistics.Crossings < 100, $"{run.Result.Statistics.Crossings} crossings");
    }

    /// <summary>
    /// Found next (shrunk): Rademacher inputs, m = 4; Dormand-Prince steps of h ~ 1.3 across five crossings passed the
    /// remainder test and raised the loss by 1.1%. A step whose corrected state raises the loss beyond rtol is now
    /// rejected, as Chebyshev steps already were: largest rise 1e-8.
    /// </summary>
    [Fact]
    public void P1_regression_long_step_over_crossings_may_not_raise_the_loss()
    {
        var run = Holds("""{"dataModel": "rademacher", "teacher": "relu", "teacherUnits": 3, "sigma": 0.2, "n": 18, "d": 4, "m": 4, "lambda": 0.001, "init": "balanced", "solver": "flow", "rtol": 1E-08, "atol": 1E-10, "stationarityTol": 1E-08, "horizon": 1000, "seed": 923275, "testN": 0}""");
        Assert.True(run.Result.Statistics.MaxLossIncrease < 1e-6, $"step rise {run.Result.Statistics.MaxLossIncrease:G3}");
    }

    /// <summary>
    /// Taught: at tiny losses the single-step rise is integration error, not a defect. Orthogonal inputs with an
    /// unbalanced start reach L ~ 3e-12 by t = 10 and one step raises it 400-fold at rtol 1e-6 (48-fold since crossings
    /// limit the step growth; 36-fold at 1e-7, none at 1e-8); hence the error floor rtol sqrt(L L_y) + rtol^2 L_y and the step factor 1000.
    /// </summary>
    [Fact]
    public void P1_regression_tiny_loss_step_rise_is_integration_error_and_vanishes_with_rtol()
    {
        var c = Case("""{"dataModel": "orthogonal", "teacher": "linear", "beta": [0.41, -0.4, -0.61], "sigma": 1.38, "n": 2, "d": 3, "m": 8, "lambda": 0.097, "init": "unbalanced", "horizon": 10, "seed": 402366}""");
        var loose = Simulation.Flow(c, claims: FlowInvariants.Claims.All);
        Assert.False(loose.Invariants.Failed, loose.Invariants.Message);
        Assert.True(loose.Result.Statistics.MaxLossIncrease > 10, $"step rise {loose.Result.Statistics.MaxLossIncrease}");
        var tight = Simulation.Flow(c with { Rtol = 1e-8 }, claims: FlowInvariants.Claims.All);
        Assert.False(tight.Invariants.Failed, tight.Invariants.Message);
        Assert.True(tight.Result.Statistics.MaxLossIncrease < 1e-6, $"step rise at rtol 1e-8: {tight.Result.Statistics.MaxLossIncrease}");
    }

    // ---- the checker rejects broken runs ----

    private static Simulation.Run Reference() => Simulation.Flow(new ExperimentCase { N = 30, D = 2, M = 6, Sigma = 0.5, Horizon = 100, Seed = 3 }, claims: FlowInvariants.Claims.All);

    [Fact]
    public void P1_checker_accepts_the_reference_run()
    {
        var run = Reference();
        Assert.False(run.Invariants.Failed, run.Invariants.Message);
    }

    [Fact]
    public void P1_checker_rejects_an_endpoint_with_one_output_weight_scaled_by_1_percent()
    {
        var run = Reference();
        var broken = run.Result.Final.Clone();
        broken.Theta[0] *= 1.01;
        var v = FlowInvariants.Check(run.Train, run.Initial, Simulation.With(run.Result, final: broken), run.Case.Rtol, FlowInvariants.Claims.Core);
        Assert.True(v.Failed);
        Assert.Contains("balancedness", v.Message);
    }

    [Fact]
    public void P1_checker_rejects_a_trajectory_whose_loss_rises_by_one_part_in_a_thousand()
    {
        var run = Reference();
        var t = run.Result.Trajectory.ToArray();
        int i = t.Length / 2;
        t[i] = t[i] with { Loss = t[i - 1].Loss * (1 + 1e-3) };
        var v = FlowInvariants.Check(run.Train, run.Initial, Simulation.With(run.Result, trajectory: t), run.Case.Rtol, FlowInvariants.Claims.Core);
        Assert.True(v.Failed);
        Assert.Contains("loss increased", v.Message);
    }

    [Fact]
    public void P1_checker_rejects_a_final_state_that_is_not_the_one_whose_loss_was_recorded()
    {
        var run = Reference();
        // the state at t = 10 instead of t = 100: a run that returns a stale state
        var stale = Simulation.Flow(run.Case with { Horizon = 10 }).Result.Final;
        var v = FlowInvariants.Check(run.Train, run.Initial, Simulation.With(run.Result, final: stale), run.Case.Rtol, FlowInvariants.Claims.All);
        Assert.True(v.Failed);
        Assert.Contains("is not the final state's loss", v.Message);
    }

    [Theory]
    [InlineData(OdeReturnCode.MaxSteps)]
    [InlineData(OdeReturnCode.StepSizeTooSmall)]
    [InlineData(OdeReturnCode.Unstable)]
    public void P1_checker_rejects_a_failure_return_code(OdeReturnCode code)
    {
        var run = Reference();
        var v = FlowInvariants.Check(run.Train, run.Initial, Simulation.With(run.Result, code: code), run.Case.Rtol, FlowInvariants.Claims.Core);
        Assert.True(v.Failed);
        Assert.Contains(code.ToString(), v.Message);
    }

    [Fact]
    public void P1_checker_rejects_gradient_descent_with_a_learning_rate_past_its_stability_limit()
    {
        // Gradient descent is not the flow: with a large step it raises the loss and breaks balancedness.
        var c = new ExperimentCase { N = 30, D = 2, M = 6, Sigma = 0.5, Lambda = 0.5, Seed = 3 };
        var train = c.Train();
        var init = c.Initial();
        var gd = GradientDescent.Run(train, init, new DiscreteTrainingOptions { LearningRate = 3.0, Horizon = 300 });
        var v = FlowInvariants.Check(train, init, gd, c.Rtol, FlowInvariants.Claims.Core);
        output.WriteLine($"gradient descent at eta = 3: {gd.Code}; checker: {v.Message}");
        Assert.True(v.Failed, v.Message);
    }
}
