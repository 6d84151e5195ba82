using SimplicityBias.Dynamics.Network;
using SimplicityBias.Dynamics.Ode;
using Xunit.Abstractions;

namespace SimplicityBias.Dynamics.Tests.Network;

public class GradientFlowTests
{
    readonly ITestOutputHelper _out;
    public GradientFlowTests(ITestOutputHelper output) { _out = output; }

    /// <summary>x ~ N(0, I_d), y = x_1 + sigma * noise, from one seed.</summary>
    internal static Dataset Linear(int n, int d, double sigma, ulong seed)
    {
        var rng = new SeededRandom(seed);
        var x = new double[n * d];
        var y = new double[n];
        rng.FillGaussian(x);
        for (int k = 0; k < n; k++) y[k] = x[k * d] + sigma * rng.NextGaussian();
        return new Dataset(n, d, x, y);
    }

    [Theory]
    [InlineData(60, 3, 10, 1UL)]
    [InlineData(80, 5, 12, 2UL)]
    public void Invariants_hold_along_the_flow_balancedness_and_monotone_loss(int n, int d, int m, ulong seed)
    {
        var data = Linear(n, d, 1.0, seed);
        var init = Initialization.Create(InitKind.Balanced, m, d, 1e-2, seed + 10);
        var res = GradientFlow.Integrate(data, init, new FlowOptions { Horizon = 300 });
        _out.WriteLine($"{res.Code}: {res.Reason}; rhs={res.Statistics.RhsEvaluations} crossings={res.Statistics.Crossings} captures={res.Statistics.Captures} maxLossIncrease={res.Statistics.MaxLossIncrease:G3} defect={res.Statistics.MaxBalancednessDefect:G3}");
        Assert.Contains(res.Code, new[] { OdeReturnCode.Success, OdeReturnCode.SteadyState });
        Assert.True(res.Statistics.Crossings > 0, "the case must exercise crossings");
        foreach (var p in res.Trajectory) Assert.True(p.BalancednessDrift <= 1e-8, $"balancedness drift {p.BalancednessDrift:G3} at t = {p.Time:G4}");
        var final = NetworkDiagnostics.Balancedness(res.Final.Theta, m, d);
        var start = NetworkDiagnostics.Balancedness(init.Theta, m, d);
        double scale = NetworkDiagnostics.SquaredScale(res.Final.Theta, m, d);
        for (int j = 0; j < m; j++) Assert.True(Math.Abs(final[j] - start[j]) <= 1e-8 * scale, $"neuron {j}: a^2 - |w|^2 moved from {start[j]:G6} to {final[j]:G6}");
        for (int i = 1; i < res.Trajectory.Count; i++)
            Assert.True(res.Trajectory[i].Loss <= res.Trajectory[i - 1].Loss * (1 + 1e-12),
                $"loss rose from {res.Trajectory[i - 1].Loss:R} to {res.Trajectory[i].Loss:R} at t = {res.Trajectory[i].Time:G4}");
        // The kernel's loss at the endpoint is the one reported.
        Assert.Equal(res.Final.Loss(data), res.FinalLoss, 12);
    }

    /// <summary>
    /// The loss along the integrated flow does not rise from one accepted state to the next. A step whose crossings,
    /// or whose sliding update (captures projected onto their hyperplanes, neurons put at the origin), raise it by
    /// more than rtol (relative) is undone and halved, so no such step rises by more than rtol; on this case no step
    /// rises at all, at rtol 1e-6 and 1e-8. (Before the sliding update was checked: 3.9e-7 at rtol 1e-6 and 2.9e-7 at
    /// 1e-8, from projections after a neuron left one hyperplane for another; 3.5e-6 and 5.8e-7 while released pairs
    /// took the side of their rounding error; 4.2e-5 at rtol 1e-6 before the crossing check and companion hyperplanes.)
    /// </summary>
    [Fact]
    public void No_step_raises_the_loss()
    {
        var data = Linear(80, 5, 1.0, 2);
        var init = Initialization.Create(InitKind.Balanced, 12, 5, 1e-2, 12);
        double Rise(double rtol)
        {
            var res = GradientFlow.Integrate(data, init, new FlowOptions { Horizon = 300, RelativeTolerance = rtol });
            _out.WriteLine($"rtol {rtol:G3}: largest single-step rise {res.Statistics.MaxLossIncrease:G3} (relative), captures {res.Statistics.Captures}");
            return res.Statistics.MaxLossIncrease;
        }
        double loose = Rise(1e-6), tight = Rise(1e-8);
        Assert.True(loose <= 1e-12, $"a step raised the loss by {loose:G3} (relative) at rtol 1e-6");
        Assert.True(tight <= 1e-12, $"a step raised the loss by {tight:G3} (relative) at rtol 1e-8");
    }

    /// <summary>
    /// No step-level chattering: few captures are of a pair released at the step before. In the default setting at
    /// R1's size (d = 5, n = 500, m = 100, lambda = 1e-3):
    /// - to t = 1e3, 523 of 4,796 (11%) are (513 of 4,461 before contradicted releases were undone, 710 of 6,102
    ///   before the crossings were swept in time order); with released pairs taking the side of their rounding error
    ///   (as before 97b2727) it was 2,903 of 7,248 (40%);
    /// - on into the noise-fitting phase, to t = 1e4, 647 of 5,836 (11%). There releases were once decided before the
    ///   sliding update moved the other neurons, and the field after the update sent many released pairs straight
    ///   back: 136,663 of 141,505 captures (97%) were recaptures, in 167,652 evaluations (32c9e6d~1).
    /// </summary>
    [Theory]
    [InlineData(1e3, 100, 0.15)]
    [InlineData(1e4, 1000, 0.2)]
    public void Released_pairs_are_seldom_recaptured_at_the_next_step(double horizon, long minCaptures, double maxRecaptured)
    {
        var data = Linear(500, 5, 1.0, 3);
        var init = Initialization.Create(InitKind.Balanced, 100, 5, 1e-3, 4);
        var res = GradientFlow.Integrate(data, init, new FlowOptions { Horizon = horizon });
        var s = res.Statistics;
        _out.WriteLine($"captures {s.Captures}, releases {s.Releases}, recaptures {s.Recaptures}, retained {s.RetainedReleases}, rhs {s.RhsEvaluations}");
        Assert.True(s.Captures > minCaptures, $"only {s.Captures} captures: the case does not exercise sliding");
        Assert.True(s.Recaptures <= maxRecaptured * s.Captures, $"{s.Recaptures} of {s.Captures} captures were of pairs released at the step before");
    }

    /// <summary>
    /// d = 2, n = 2, one neuron: x_1 = (1, 0), y_1 = -1 and x_2 = (1/2, 1), y_2 = 1. On the hyperplane w_1 = 0 the
    /// field points back from both sides (the network over-predicts x_1 when active), so the neuron slides with
    /// eta = (1 - a w_2)/2. With a = w_2 = u (balanced), du/dt = u (1 - u^2) / 2, hence
    /// u(t)^2 = 1 / (1 + (1/u0^2 - 1) e^(-t)), and w_1 stays 0.
    /// </summary>
    [Fact]
    public void Constructed_sliding_motion_in_d2_is_reproduced()
    {
        var data = new Dataset(2, 2, new[] { 1.0, 0.0, 0.5, 1.0 }, new[] { -1.0, 1.0 });
        double u0 = 0.1;
        var init = new NetworkParameters(1, 2, new[] { u0, 1e-9, u0 }); // just on the active side of x_1's hyperplane
        var res = GradientFlow.Integrate(data, init, new FlowOptions { Horizon = 6, RelativeTolerance = 1e-10, AbsoluteTolerance = 1e-14, StationarityTolerance = 0 });
        Assert.Equal(OdeReturnCode.Success, res.Code);
        double expected = Math.Sqrt(1 / (1 + (1 / (u0 * u0) - 1) * Math.Exp(-6.0)));
        _out.WriteLine($"w = ({res.Final.Theta[1]:G6}, {res.Final.Theta[2]:R}), a = {res.Final.Theta[0]:R}, expected u = {expected:R}; captures={res.Statistics.Captures} releases={res.Statistics.Releases}");
        Assert.True(Math.Abs(res.Final.Theta[1]) < 1e-12, $"w_1 = {res.Final.Theta[1]:G3} left the hyperplane");
        Assert.Equal(expected, res.Final.Theta[2], 7);
        Assert.Equal(expected, res.Final.Theta[0], 7);
        Assert.Equal(1, res.Trajectory[^1].SlidingPairs);
        Assert.Equal(1, res.Statistics.Captures);
        Assert.Equal(0, res.Statistics.Releases);
    }

    /// <summary>
    /// Crossing times on Dormand-Prince's dense output instead of the cubic Hermite of the step's ends: a different
    /// path through the rounding, the same flow to the tolerance's accuracy, with the invariants kept.
    /// </summary>
    [Fact]
    public void Crossings_on_the_dense_output_give_the_same_flow()
    {
        const int n = 300, d = 3;
        var rng = new SeededRandom(7);
        var x = new double[n * d];
        var y = new double[n];
        for (int k = 0; k < n; k++)
        {
            for (int i = 0; i < d; i++) x[k * d + i] = rng.NextGaussian();
            y[k] = x[k * d] + 0.5 * rng.NextGaussian();
        }
        var data = new Dataset(n, d, x, y);
        var init = Initialization.Create(InitKind.Balanced, 20, d, 1e-3, 8);
        var hermite = GradientFlow.Integrate(data, init, new FlowOptions { Horizon = 30 });
        var dense = GradientFlow.Integrate(data, init, new FlowOptions { Horizon = 30, DenseOutputCrossings = true });
        _out.WriteLine($"Hermite: rhs={hermite.Statistics.RhsEvaluations} crossings={hermite.Statistics.Crossings} loss={hermite.FinalLoss:R}; " +
                       $"dense output: rhs={dense.Statistics.RhsEvaluations} crossings={dense.Statistics.Crossings} loss={dense.FinalLoss:R}");
        Assert.Equal(OdeReturnCode.Success, dense.Code);
        Assert.True(dense.Statistics.Crossings > 100, $"only {dense.Statistics.Crossings} crossings: the case does not exercise them");
        Assert.False(hermite.Final.Theta.SequenceEqual(dense.Final.Theta), "the option changed nothing");
        double diff = 0, norm = 0;
        for (int i = 0; i < init.Theta.Length; i++) { diff += Math.Pow(hermite.Final.Theta[i] - dense.Final.Theta[i], 2); norm += Math.Pow(hermite.Final.Theta[i], 2); }
        Assert.True(Math.Sqrt(diff / norm) < 1e-3, $"endpoints differ by {Math.Sqrt(diff / norm):G3} (relative)");
        Assert.True(dense.Statistics.MaxBalancednessDefect < 1e-6, $"balancedness defect {dense.Statistics.MaxBalancednessDefect:G3}");
    }

    [Theory]
    [InlineData(4, 6, 1UL)]
    [InlineData(5, 5, 2UL)]
    public void Orthogonal_inputs_are_interpolated(int n, int d, ulong seed)
    {
        var rng = new SeededRandom(seed);
        var x = new double[n * d];
        var y = new double[n];
        for (int k = 0; k < n; k++) { x[k * d + k] = 1.5; y[k] = rng.NextGaussian(); }
        var data = new Dataset(n, d, x, y);
        var init = Initialization.Create(InitKind.Balanced, 40, d, 1e-2, seed);
        var res = GradientFlow.Integrate(data, init, new FlowOptions { Horizon = 1e4, StationarityTolerance = 1e-10 });
        _out.WriteLine($"{res.Code}: loss {res.FinalLoss:G3} after rhs={res.Statistics.RhsEvaluations}");
        Assert.True(res.FinalLoss < 1e-10 * init.Loss(data), $"train loss {res.FinalLoss:G3} is not near zero (initial {init.Loss(data):G3})");
    }

    [Fact]
    public void Gradient_descent_converges_to_the_flow_endpoint_at_first_order()
    {
        var data = Linear(30, 2, 1.0, 3);
        var test = Linear(500, 2, 0.0, 4);
        var init = Initialization.Create(InitKind.Balanced, 6, 2, 1e-2, 5);
        double horizon = 40;
        var flow = GradientFlow.Integrate(data, init, new FlowOptions { Horizon = horizon, RelativeTolerance = 1e-11, AbsoluteTolerance = 1e-14, StationarityTolerance = 0 });
        var reference = Predictions(flow.Final, test);
        var errors = new List<double>();
        foreach (double lr in new[] { 1e-3, 5e-4, 2.5e-4 })
        {
            var gd = GradientDescent.Run(data, init, new DiscreteTrainingOptions { LearningRate = lr, Horizon = horizon });
            var p = Predictions(gd.Final, test);
            double num = 0, den = 0;
            for (int k = 0; k < p.Length; k++) { num += (p[k] - reference[k]) * (p[k] - reference[k]); den += reference[k] * reference[k]; }
            errors.Add(Math.Sqrt(num / den));
        }
        _out.WriteLine($"relative L2 of test predictions, lr 1e-3, 5e-4, 2.5e-4: {string.Join(", ", errors.Select(e => e.ToString("G3")))}; flow captures={flow.Statistics.Captures}");
        // First order: the error halves with the learning rate; the fitted slope of log error vs log lr is near 1.
        double slope = Math.Log(errors[0] / errors[2]) / Math.Log(4);
        _out.WriteLine($"fitted order {slope:F2}");
        Assert.InRange(slope, 0.8, 1.4);
        Assert.True(errors[0] > errors[1] && errors[1] > errors[2], "the error must decrease with the learning rate");
    }

    static double[] Predictions(NetworkParameters net, Dataset test)
    {
        var p = new double[test.N];
        for (int k = 0; k < test.N; k++) p[k] = net.Predict(test.Row(k));
        return p;
    }

    [Fact]
    public void Plain_generic_solver_agrees_with_the_Filippov_integrator_and_costs_more()
    {
        var data = Linear(40, 3, 1.0, 21);
        var init = Initialization.Create(InitKind.Balanced, 6, 3, 1e-2, 22);
        var options = new FlowOptions { Horizon = 30, RelativeTolerance = 1e-8, AbsoluteTolerance = 1e-12, StationarityTolerance = 0 };
        var filippov = GradientFlow.Integrate(data, init, options);
        var plain = GradientFlow.Integrate(data, init, options with { Mode = FlowMode.Plain });
        _out.WriteLine($"rhs: Filippov {filippov.Statistics.RhsEvaluations}, plain {plain.Statistics.RhsEvaluations}; loss {filippov.FinalLoss:R} vs {plain.FinalLoss:R}");
        Assert.Equal(OdeReturnCode.Success, plain.Code);
        Assert.Equal(filippov.FinalLoss, plain.FinalLoss, 5);
        Assert.True(plain.Statistics.RhsEvaluations > filippov.Statistics.RhsEvaluations);
    }

    [Fact]
    public void Gelu_runs_through_the_generic_solver_and_decreases_the_loss()
    {
        var data = Linear(40, 3, 1.0, 23);
        var init = Initialization.Create(InitKind.Balanced, 6, 3, 1e-1, 24);
        var res = GradientFlow.Integrate(data, init, new FlowOptions { Horizon = 50, Activation = Activation.Gelu });
        Assert.Equal(OdeReturnCode.Success, res.Code);
        for (int i = 1; i < res.Trajectory.Count; i++) Assert.True(res.Trajectory[i].Loss <= res.Trajectory[i - 1].Loss * (1 + 1e-12));
        Assert.True(res.FinalLoss < 0.9 * res.Trajectory[0].Loss);
    }

    [Fact]
    public void Stiff_switching_takes_chebyshev_steps_in_the_late_phase_and_lands_where_dormand_prince_does()
    {
        var (data, init, options) = StiffCase();
        var dp = GradientFlow.Integrate(data, init, options with { StiffSwitching = false });
        var rkc = GradientFlow.Integrate(data, init, options);
        _out.WriteLine($"Dormand-Prince: rhs {dp.Statistics.RhsEvaluations}, loss {dp.FinalLoss:R}, max rise {dp.Statistics.MaxLossIncrease:G3}; switching: rhs {rkc.Statistics.RhsEvaluations}, stiff steps {rkc.Statistics.StiffSteps}, switches {rkc.Statistics.StiffSwitches}, loss {rkc.FinalLoss:R}, max rise {rkc.Statistics.MaxLossIncrease:G3}");
        AssertStiffRunLandsWhere(dp, rkc);
    }

    /// <summary>
    /// A large start (lambda = 0.5) on a small problem: neurons are big from the outset, the Hessian's top eigenvalue
    /// holds Dormand-Prince at its stability boundary while the motion is slow.
    /// </summary>
    static (Dataset, NetworkParameters, FlowOptions) StiffCase() =>
        (Linear(60, 3, 0.5, 31), Initialization.Create(InitKind.Balanced, 8, 3, 0.5, 32), new FlowOptions { Horizon = 2000, StationarityTolerance = 0 });

    /// <summary>The stiff stepper was used, and the endpoint's loss and predictions are Dormand-Prince's.</summary>
    static void AssertStiffRunLandsWhere(FlowResult dp, FlowResult stiff)
    {
        Assert.True(stiff.Statistics.StiffSteps > 0, "the case must engage the stiff stepper");
        Assert.Equal(dp.FinalLoss, stiff.FinalLoss, 6);
        var test = Linear(500, 3, 0.0, 33);
        var a = Predictions(dp.Final, test);
        var b = Predictions(stiff.Final, test);
        double diff = 0, norm = 0;
        for (int k = 0; k < a.Length; k++) { diff += (a[k] - b[k]) * (a[k] - b[k]); norm += a[k] * a[k]; }
        Assert.True(Math.Sqrt(diff / norm) < 1e-4, $"endpoint predictions differ by {Math.Sqrt(diff / norm):G3} (relative L2)");
    }

    [Fact]
    public void Low_rank_rosenbrock_takes_its_steps_in_the_late_phase_and_lands_where_dormand_prince_does()
    {
        // The case of the test above: the Rosenbrock-W late phase must reach the same endpoint.
        var (data, init, options) = StiffCase();
        var dp = GradientFlow.Integrate(data, init, options with { StiffSwitching = false });
        var ros = GradientFlow.Integrate(data, init, options with { StiffMethod = StiffMethod.LowRankRosenbrock });
        _out.WriteLine($"Dormand-Prince: rhs {dp.Statistics.RhsEvaluations}, loss {dp.FinalLoss:R}; Rosenbrock-W: rhs {ros.Statistics.RhsEvaluations}, stiff steps {ros.Statistics.StiffSteps}, switches {ros.Statistics.StiffSwitches}, models {ros.Statistics.SpectralRadiusEstimates}, loss {ros.FinalLoss:R}, max rise {ros.Statistics.MaxLossIncrease:G3}");
        AssertStiffRunLandsWhere(dp, ros);
    }

    [Fact]
    public void Bad_options_are_rejected_naming_the_field()
    {
        var data = Linear(10, 2, 1.0, 1);
        var init = Initialization.Create(InitKind.Balanced, 3, 2, 1e-2, 1);
        var ex = Assert.Throws<ArgumentException>(() => GradientFlow.Integrate(data, init, new FlowOptions { RelativeTolerance = -1 }));
        Assert.Contains("RelativeTolerance", ex.Message);
        Assert.Contains("-1", ex.Message);
        ex = Assert.Throws<ArgumentException>(() => GradientFlow.Integrate(data, Initialization.Create(InitKind.Balanced, 3, 3, 1e-2, 1), new FlowOptions()));
        Assert.Contains("d = 3", ex.Message);
        ex = Assert.Throws<ArgumentException>(() => GradientFlow.Integrate(data, init, new FlowOptions { StiffMethod = (StiffMethod)7 }));
        Assert.Contains("StiffMethod", ex.Message);
        Assert.Contains("7", ex.Message);
    }

    [Fact]
    public void Same_input_gives_the_same_bits()
    {
        var data = Linear(50, 3, 1.0, 7);
        var init = Initialization.Create(InitKind.Balanced, 8, 3, 1e-2, 8);
        var a = GradientFlow.Integrate(data, init, new FlowOptions { Horizon = 100 });
        var b = GradientFlow.Integrate(data, init, new FlowOptions { Horizon = 100 });
        Assert.Equal(a.Final.Theta, b.Final.Theta);
        Assert.Equal(a.Statistics.RhsEvaluations, b.Statistics.RhsEvaluations);
    }
}
