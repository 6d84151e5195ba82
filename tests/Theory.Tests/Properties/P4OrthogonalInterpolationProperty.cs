using SimplicityBias.Dynamics.Network;
using Xunit.Abstractions;

namespace SimplicityBias.Theory.Tests.Properties;

/// <summary>Property 4: orthogonal inputs (n &lt;= d) and a small start: the flow reaches (near) zero training loss (premise and refinement in <see cref="OrthogonalInterpolation"/>).</summary>
[Collection("properties-4")]
public class P4OrthogonalInterpolationProperty(ITestOutputHelper output)
{
    public const int Cases = 20;

    public static Verdict Check(ExperimentCase c)
    {
        var run = Simulation.Flow(c);
        if (run.Invariants.Failed) return run.Invariants;
        return OrthogonalInterpolation.Check(run.Train, run.Initial, run.Result.Final.Loss(run.Train));
    }

    [Fact]
    public void P4_20_cases_orthogonal_inputs_with_every_point_covered_at_the_start_reach_zero_training_loss() =>
        PropertyRunner.Run(output, "P4 orthogonal interpolation", Families.Orthogonal.Arbitrary(), Cases, Check, minReached: 0.6);

    // ---- counterexamples kept as regression cases ----

    /// <summary>
    /// Taught that the claim "any small initialization" needs the covering premise: here the fifth point has
    /// no positive neuron active on it at the start, and the flow ends with its whole y_k^2 / (2n) as training loss
    /// (0.19 of L_y), exactly the refined prediction.
    /// </summary>
    [Fact]
    public void P4_regression_an_uncovered_point_is_never_fitted()
    {
        var c = new ExperimentCase { DataModel = InputLawKind.Orthogonal, D = 9, N = 5, M = 6, Lambda = 0.07, Sigma = 0.5, Beta = [0.3, -0.5, 0.2, 0.9, -0.1, 0.4, 0.6, -0.7, 0.1], Horizon = 1e4, Seed = 7 };
        var run = Simulation.Flow(c);
        var uncovered = OrthogonalInterpolation.Uncovered(run.Train, run.Initial);
        var v = OrthogonalInterpolation.Check(run.Train, run.Initial, run.Result.Final.Loss(run.Train));
        output.WriteLine($"{uncovered.Count} uncovered; {v.Message}");
        Assert.NotEmpty(uncovered);
        Assert.Equal(Outcome.Skipped, v.Outcome);
    }

    // ---- the checker rejects broken endpoints ----

    private static Simulation.Run Reference() => Simulation.Flow(new ExperimentCase { DataModel = InputLawKind.Orthogonal, D = 6, N = 5, M = 20, Lambda = 1e-3, Sigma = 0.3, Horizon = 1e4, Seed = 2 });

    [Fact]
    public void P4_reference_case_is_covered_and_interpolates()
    {
        var run = Reference();
        var v = OrthogonalInterpolation.Check(run.Train, run.Initial, run.Result.Final.Loss(run.Train));
        Assert.Equal(Outcome.Pass, v.Outcome);
    }

    [Fact]
    public void P4_checker_rejects_the_endpoint_stopped_early_at_t_10()
    {
        var run = Simulation.Flow(Reference().Case with { Horizon = 10 });
        var v = OrthogonalInterpolation.Check(run.Train, run.Initial, run.Result.Final.Loss(run.Train));
        Assert.True(v.Failed, v.Message);
    }

    [Fact]
    public void P4_checker_rejects_an_endpoint_with_one_neuron_removed()
    {
        var run = Reference();
        var broken = run.Result.Final.Clone();
        int j = Enumerable.Range(0, broken.M).MaxBy(j => Math.Abs(broken.A(j)));
        broken.Theta[j * broken.Stride] = 0;
        var v = OrthogonalInterpolation.Check(run.Train, run.Initial, broken.Loss(run.Train));
        Assert.True(v.Failed, v.Message);
    }

    [Fact]
    public void P4_checker_rejects_gradient_descent_with_the_wrong_sign_of_the_gradient()
    {
        var run = Reference();
        var theta = (double[])run.Initial.Theta.Clone();
        var net = new NetworkParameters(run.Initial.M, run.Initial.D, theta);
        for (int step = 0; step < 2000; step++)
        {
            var g = Simulation.Gradient(run.Train, net);
            for (int i = 0; i < theta.Length; i++) theta[i] += 0.01 * g[i]; // ascent
        }
        var v = OrthogonalInterpolation.Check(run.Train, run.Initial, net.Loss(run.Train));
        Assert.True(v.Failed, v.Message);
    }
}
