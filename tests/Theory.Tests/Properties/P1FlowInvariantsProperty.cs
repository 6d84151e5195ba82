using SimplicityBias.Dynamics.Network;
using Xunit.Abstractions;

namespace SimplicityBias.Theory.Tests.Properties;

/// <summary>Property 1: along every integrated flow, balancedness is constant, the loss does not increase, and the run ends Stationary or at the horizon.</summary>
[Collection("properties-1")]
public class P1FlowInvariantsProperty(ITestOutputHelper output)
{
    public const int Cases = 40;

    [Fact]
    public void P1_40_cases_flow_keeps_balancedness_never_raises_the_loss_and_ends_stationary_or_at_the_horizon() =>
        PropertyRunner.Run(output, "P1 flow invariants", Families.FlowInvariants.Arbitrary(), Cases,
            c => Simulation.Flow(c).Invariants);

    // ---- the checker rejects broken runs ----

    private static Simulation.Run Reference() => Simulation.Flow(new ExperimentCase { N = 30, D = 2, M = 6, Sigma = 0.5, Horizon = 100, Seed = 3 });

    [Fact]
    public void P1_checker_accepts_the_reference_run() => Assert.False(Reference().Invariants.Failed, Reference().Invariants.Message);

    [Fact]
    public void P1_checker_rejects_an_endpoint_with_one_output_weight_scaled_by_1_percent()
    {
        var run = Reference();
        var broken = run.Result.Final.Clone();
        broken.Theta[0] *= 1.01;
        var v = FlowInvariants.Check(run.Train, run.Initial, Simulation.With(run.Result, final: broken), run.Case.Rtol);
        Assert.True(v.Failed);
        Assert.Contains("balancedness", v.Message);
    }

    [Fact]
    public void P1_checker_rejects_a_trajectory_whose_loss_rises_by_one_part_in_ten_thousand()
    {
        var run = Reference();
        var t = run.Result.Trajectory.ToArray();
        int i = t.Length / 2;
        t[i] = t[i] with { Loss = t[i - 1].Loss * (1 + 1e-4) };
        var v = FlowInvariants.Check(run.Train, run.Initial, Simulation.With(run.Result, trajectory: t), run.Case.Rtol);
        Assert.True(v.Failed);
        Assert.Contains("loss increased", v.Message);
    }

    [Theory]
    [InlineData(FlowReturnCode.MaxSteps)]
    [InlineData(FlowReturnCode.StepSizeTooSmall)]
    [InlineData(FlowReturnCode.Unstable)]
    public void P1_checker_rejects_a_failure_return_code(FlowReturnCode code)
    {
        var run = Reference();
        var v = FlowInvariants.Check(run.Train, run.Initial, Simulation.With(run.Result, code: code), run.Case.Rtol);
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
        var v = FlowInvariants.Check(train, init, gd, c.Rtol);
        Assert.True(v.Failed, v.Message);
    }
}
