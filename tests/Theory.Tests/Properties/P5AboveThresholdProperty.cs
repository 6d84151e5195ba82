using SimplicityBias.Dynamics.Network;
using SimplicityBias.Theory.Endpoint;
using SimplicityBias.Theory.Numerics;
using Xunit.Abstractions;

namespace SimplicityBias.Theory.Tests.Properties;

/// <summary>
/// Property 5: above the optimization threshold for the generated d, the endpoint does not interpolate and its train
/// loss matches the predicted OLS-on-S+- loss (checker and premise in <see cref="NoInterpolation"/>).
/// </summary>
/// <remarks>
/// Threshold measured first (this helper, quick sweep): N(0, I) inputs, beta* = e_1, sigma = 1, balanced start
/// lambda = 1e-3, horizon 2e4, 6 seeds per n, train loss as a fraction of the noise level sigma^2/2 (mean over seeds):
///
///     d = 2, m = 20:  n = 6: 0.05, 10: 0.54, 16: 0.50, 24: 0.85, 32: 0.98, 64: 0.82, 128: 0.96, 256: 0.95
///     d = 2, m = 100: n = 6: 0.04, 10: 0.38, 16: 0.49
///     d = 3, m = 20:  n = 12: 0.16, 24: 0.41, 48: 0.71, 96: 0.86, 192: 0.93, 384: 1.01, 768: 0.98
///     d = 3, m = 100: n = 12: 0.12, 24: 0.17, 48: 0.67, 96: 0.83
///
/// so the level 1/2 (sigma^2/4, the definition of n*) is crossed near n* = 10-16 for d = 2 and n* = 30-40 for d = 3
/// (well below the cubic extrapolation 25,000 (d/10)^3 = 200 and 675 from the paper's d = 10 figure). The generator
/// draws n in [100, 250] (d = 2) and [250, 400] (d = 3): at least 6 n*.
/// </remarks>
[Collection("properties-5")]
public class P5AboveThresholdProperty(ITestOutputHelper output)
{
    public const int Cases = 8;

    /// <summary>Measured n*(d) (upper ends of the ranges above).</summary>
    public static int MeasuredThreshold(int d) => d == 2 ? 16 : 40;

    public static Verdict Check(ExperimentCase c)
    {
        var run = Simulation.Flow(c);
        if (run.Invariants.Failed) return run.Invariants;
        var report = EndpointComparison.Compare(run.Result.Final, run.Train);
        return NoInterpolation.Check(run.Result.Final.Loss(run.Train), c.Sigma, report, c.N);
    }

    [Fact]
    public void P5_8_cases_above_the_threshold_the_endpoint_does_not_interpolate_and_its_loss_is_the_ols_on_sides_loss() =>
        PropertyRunner.Run(output, "P5 above the threshold", Families.AboveThreshold.Arbitrary(), Cases, Check, minReached: 0.25);

    // ---- the checker rejects broken inputs ----

    [Fact]
    public void P5_checker_rejects_an_interpolating_endpoint_below_the_threshold()
    {
        // n = 6 < n*(2): the flow fits the noise (train loss 0.05 of the noise level in the sweep above)
        var c = new ExperimentCase { D = 2, N = 6, M = 20, Sigma = 1, Lambda = 1e-3, Horizon = 2e4, Seed = 2 };
        var run = Simulation.Flow(c);
        var v = NoInterpolation.Check(run.Result.Final.Loss(run.Train), c.Sigma, EndpointComparison.Compare(run.Result.Final, run.Train), c.N);
        output.WriteLine(v.Message);
        Assert.True(v.Failed, v.Message);
    }

    private static readonly ExperimentCase Reference = new() { D = 2, N = 209, M = 20, Sigma = 0.66, Lambda = 1e-3, Beta = [0.6, 0.8], Horizon = 1e4, Seed = 6 };

    [Fact]
    public void P5_reference_case_reaches_the_premise_and_passes()
    {
        var run = Simulation.Flow(Reference);
        var v = NoInterpolation.Check(run.Result.Final.Loss(run.Train), Reference.Sigma, EndpointComparison.Compare(run.Result.Final, run.Train), Reference.N);
        output.WriteLine(v.Message);
        Assert.Equal(Outcome.Pass, v.Outcome);
    }

    /// <summary>Found with SBT_PROPERTY_SCALE=3, SBT_PROPERTY_SEED=12345 against a 1% tolerance: the loss is 1.0% below the OLS function's (low signal, |beta*| = 0.56, sigma = 1.1). Taught: use the command line's 5%.</summary>
    [Fact]
    public void P5_regression_network_loss_one_percent_below_the_two_piece_fit()
    {
        var c = new ExperimentCase { D = 2, N = 119, M = 10, Beta = [-0.04, -0.56], Sigma = 1.1, Lambda = 0.001, Horizon = 1e4, Seed = 669742 };
        Assert.Equal(Outcome.Pass, Check(c).Outcome);
    }

    [Fact]
    public void P5_checker_rejects_a_prediction_from_an_ols_solved_with_twice_the_gram_matrix()
    {
        // A factor-2 slip in the normal equations (2 X^T X beta = X^T y) halves both fits. (Swapping the two sides'
        // fits is NOT caught by a loss check here: with a linear teacher both fits estimate beta*, and the swapped
        // function is only ~0.5% worse. Property 2 compares the coefficients and catches it.)
        var run = Simulation.Flow(Reference);
        var report = EndpointComparison.Compare(run.Result.Final, run.Train);
        var p = report.Prediction.Predictor!;
        double swapped = new PiecewiseLinearPredictor(p.Rule, p.BetaPlus.Select(b => b / 2).ToArray(), p.BetaMinus.Select(b => b / 2).ToArray()).Loss(run.Train);
        var v = NoInterpolation.Check(run.Result.Final.Loss(run.Train), Reference.Sigma, swapped,
            report.NetworkSplit.PlusGroup!.DisagreementFraction, report.NetworkSplit.MinusGroup!.DisagreementFraction, Reference.N, 2);
        output.WriteLine(v.Message);
        Assert.True(v.Failed, v.Message);
    }

    [Fact]
    public void P5_checker_rejects_an_endpoint_with_every_output_weight_scaled_by_1_3()
    {
        var run = Simulation.Flow(Reference);
        var broken = run.Result.Final.Clone();
        for (int j = 0; j < broken.M; j++) broken.Theta[j * broken.Stride] *= 1.3;
        var v = NoInterpolation.Check(broken.Loss(run.Train), Reference.Sigma, EndpointComparison.Compare(broken, run.Train), Reference.N);
        output.WriteLine(v.Message);
        Assert.True(v.Failed, v.Message);
    }
}
