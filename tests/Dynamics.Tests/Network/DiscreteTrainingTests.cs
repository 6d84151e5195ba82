using SimplicityBias.Dynamics.Network;
using SimplicityBias.Dynamics.Ode;
using static SimplicityBias.Dynamics.Tests.Network.ReferenceNetwork;

namespace SimplicityBias.Dynamics.Tests.Network;

public class DiscreteTrainingTests
{
    static (Dataset train, Dataset test, NetworkParameters init) Problem(ulong seed = 1, int n = 200, int m = 20, int d = 4, double lambda = 0.3)
        => (RandomData(n, d, seed), RandomData(100, d, seed + 1), Initialization.Create(InitKind.Balanced, m, d, lambda, seed + 2));

    [Fact]
    public void Gradient_descent_decreases_the_loss_for_a_small_learning_rate()
    {
        var (train, test, init) = Problem();
        var r = GradientDescent.Run(train, init, new DiscreteTrainingOptions { LearningRate = 0.01, Horizon = 40, TestSet = test });
        Assert.Equal(OdeReturnCode.Success, r.Code);
        Assert.Equal(40, r.Time, 1e-9);
        Assert.Equal(4000, r.Statistics.AcceptedSteps);
        Assert.Equal(4001, r.Statistics.RhsEvaluations);
        var tr = r.Trajectory;
        Assert.True(tr.Count > 10);
        Assert.Equal(0, tr[0].Time);
        for (int i = 1; i < tr.Count; i++)
        {
            Assert.True(tr[i].Time > tr[i - 1].Time);
            Assert.True(tr[i].Loss <= tr[i - 1].Loss * (1 + 1e-12), $"loss rose at t = {tr[i].Time}: {tr[i - 1].Loss} -> {tr[i].Loss}");
            Assert.True(double.IsFinite(tr[i].TestLoss));
        }
        Assert.True(tr[^1].Loss < 0.7 * tr[0].Loss, $"loss {tr[0].Loss} -> {tr[^1].Loss}");
        Assert.Equal(init.Clone().Loss(train), tr[0].Loss, 1e-12);
        Assert.Equal(r.Final.Loss(train), r.FinalLoss, 1e-12);
        Assert.True(tr[^1].BalancednessDrift < 1e-2, $"drift {tr[^1].BalancednessDrift}");
        Assert.True(r.Statistics.Crossings > 0);
        Assert.Equal(r.Statistics.Crossings, tr[^1].Crossings);
        Assert.Equal(0, tr[^1].SlidingPairs);
    }

    [Fact]
    public void One_step_is_theta_minus_eta_grad()
    {
        var (train, _, init) = Problem(3);
        var g = new double[init.Theta.Length];
        new GradientKernel(train, init.M).Evaluate(init.Theta, g);
        var r = GradientDescent.Run(train, init, new DiscreteTrainingOptions { LearningRate = 0.5, Horizon = 0.5 });
        Assert.Equal(1, r.Statistics.AcceptedSteps);
        for (int i = 0; i < g.Length; i++) Assert.Equal(init.Theta[i] - 0.5 * g[i], r.Final.Theta[i], 1e-15);
    }

    [Fact]
    public void Adam_first_steps_follow_pytorch_formulas()
    {
        var (train, _, init) = Problem(4);
        var o = new DiscreteTrainingOptions { LearningRate = 1e-3, Horizon = 2e-3, Beta1 = 0.8, Beta2 = 0.99, AdamEpsilon = 1e-6 };
        var kernel = new GradientKernel(train, init.M);
        int p = init.Theta.Length;
        var th = (double[])init.Theta.Clone();
        var mm = new double[p]; var vv = new double[p]; var g = new double[p];
        for (int t = 1; t <= 2; t++)
        {
            kernel.Evaluate(th, g);
            for (int i = 0; i < p; i++)
            {
                mm[i] = o.Beta1 * mm[i] + (1 - o.Beta1) * g[i];
                vv[i] = o.Beta2 * vv[i] + (1 - o.Beta2) * g[i] * g[i];
                double mhat = mm[i] / (1 - Math.Pow(o.Beta1, t)), vhat = vv[i] / (1 - Math.Pow(o.Beta2, t));
                th[i] -= o.LearningRate * mhat / (Math.Sqrt(vhat) + o.AdamEpsilon);
            }
        }
        var r = Adam.Run(train, init, o);
        Assert.Equal(2, r.Statistics.AcceptedSteps);
        for (int i = 0; i < p; i++) Assert.Equal(th[i], r.Final.Theta[i], 1e-14);
    }

    [Fact]
    public void Adam_reduces_the_loss()
    {
        var (train, test, init) = Problem(5);
        var r = Adam.Run(train, init, new DiscreteTrainingOptions { LearningRate = 1e-3, Horizon = 2, TestSet = test });
        Assert.Equal(OdeReturnCode.Success, r.Code);
        Assert.True(r.FinalLoss < 0.6 * r.Trajectory[0].Loss, $"loss {r.Trajectory[0].Loss} -> {r.FinalLoss}");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Runs_are_deterministic_to_the_bit(bool adam)
    {
        var (train, test, init) = Problem(6);
        var o = new DiscreteTrainingOptions { LearningRate = adam ? 1e-3 : 0.02, Horizon = adam ? 0.5 : 5, TestSet = test, Activation = Activation.Relu };
        var a = adam ? Adam.Run(train, init, o) : GradientDescent.Run(train, init, o);
        var b = adam ? Adam.Run(train, init, o) : GradientDescent.Run(train, init, o);
        Assert.Equal(a.Final.Theta.Select(BitConverter.DoubleToInt64Bits), b.Final.Theta.Select(BitConverter.DoubleToInt64Bits));
        Assert.Equal(a.Trajectory, b.Trajectory);
        Assert.Equal(a.Statistics.Crossings, b.Statistics.Crossings);
    }

    [Fact]
    public void Gelu_training_runs_and_decreases_the_loss()
    {
        var (train, _, init) = Problem(7);
        var r = GradientDescent.Run(train, init, new DiscreteTrainingOptions { LearningRate = 0.01, Horizon = 20, Activation = Activation.Gelu });
        Assert.Equal(OdeReturnCode.Success, r.Code);
        Assert.True(r.FinalLoss < r.Trajectory[0].Loss);
        var g = new double[init.Theta.Length];
        Assert.Equal(new GradientKernel(train, init.M, Activation.Gelu).Evaluate(r.Final.Theta, g), r.FinalLoss, 1e-14);
    }

    [Fact]
    public void Huge_learning_rate_is_unstable_and_returns_the_last_finite_state()
    {
        var (train, _, init) = Problem(8, lambda: 3);
        var r = GradientDescent.Run(train, init, new DiscreteTrainingOptions { LearningRate = 1e3, Horizon = 1e6 });
        Assert.Equal(OdeReturnCode.Unstable, r.Code);
        Assert.All(r.Final.Theta, v => Assert.True(double.IsFinite(v)));
        Assert.True(double.IsFinite(r.FinalLoss));
        Assert.Equal(r.Statistics.AcceptedSteps * 1e3, r.Time);
        Assert.Contains("not finite", r.Reason);
    }

    [Fact]
    public void Zero_network_is_stationary_at_once()
    {
        var (train, _, init) = Problem(9);
        var zero = new NetworkParameters(init.M, init.D);
        var r = GradientDescent.Run(train, zero, new DiscreteTrainingOptions());
        Assert.Equal(OdeReturnCode.SteadyState, r.Code);
        Assert.Equal(0, r.Time);
        Assert.Single(r.Trajectory);
    }

    [Fact]
    public void Stationarity_tolerance_stops_the_run()
    {
        var (train, _, init) = Problem(10);
        var g = new double[init.Theta.Length];
        new GradientKernel(train, init.M, Activation.Gelu).Evaluate(init.Theta, g);
        double tol = 0.2 * Math.Sqrt(g.Sum(v => v * v));
        var r = GradientDescent.Run(train, init, new DiscreteTrainingOptions { LearningRate = 0.05, Horizon = 1e4, StationarityTolerance = tol, Activation = Activation.Gelu });
        Assert.Equal(OdeReturnCode.SteadyState, r.Code);
        Assert.True(r.FinalGradNorm <= tol);
        Assert.True(r.Trajectory[^2].GradNorm > tol);
        Assert.True(r.Time > 0 && r.Time < 1e4);
    }

    [Fact]
    public void Cancellation_returns_the_current_state()
    {
        var (train, _, init) = Problem(11);
        using var cts = new CancellationTokenSource();
        int calls = 0;
        var r = GradientDescent.Run(train, init, new DiscreteTrainingOptions { LearningRate = 0.01, Horizon = 1e3 },
            p => { if (++calls == 5) cts.Cancel(); }, cts.Token);
        Assert.Equal(OdeReturnCode.Cancelled, r.Code);
        Assert.True(r.Time < 1e3);
        Assert.Equal(r.Final.Loss(train), r.FinalLoss, 1e-12);
    }

    [Fact]
    public void Early_phase_end_is_the_first_time_the_largest_neuron_passes_the_threshold()
    {
        double lambda = 1e-2, eps = 0.5;
        var (train, _, init) = Problem(12, lambda: lambda);
        var r = GradientDescent.Run(train, init, new DiscreteTrainingOptions { LearningRate = 0.05, Horizon = 200, Lambda = lambda, EarlyPhaseEps = eps });
        double threshold = Math.Pow(lambda, 1 - eps) / Math.Sqrt(init.M);
        Assert.NotNull(r.EarlyPhaseEnd);
        Assert.True(r.EarlyPhaseTime > 0, $"early phase time {r.EarlyPhaseTime}, initial max norm {NetworkDiagnostics.MaxNeuronNorm(init.Theta, init.M, init.D)}, threshold {threshold}");
        Assert.True(NetworkDiagnostics.MaxNeuronNorm(r.EarlyPhaseEnd!.Theta, init.M, init.D) > threshold);
        // One step earlier it was below: rerun up to just before.
        var before = GradientDescent.Run(train, init, new DiscreteTrainingOptions { LearningRate = 0.05, Horizon = r.EarlyPhaseTime - 0.05 * 1.5 }); // ceil(k - 1.5) = k - 1 steps
        Assert.Equal(r.EarlyPhaseTime - 0.05, before.Time, 1e-9);
        Assert.True(NetworkDiagnostics.MaxNeuronNorm(before.Final.Theta, init.M, init.D) <= threshold);
        var none = GradientDescent.Run(train, init, new DiscreteTrainingOptions { LearningRate = 0.05, Horizon = 1 });
        Assert.Null(none.EarlyPhaseEnd);
        Assert.True(double.IsNaN(none.EarlyPhaseTime));
    }

    [Fact]
    public void Crossings_count_pattern_flips_between_consecutive_steps()
    {
        var (train, _, init) = Problem(13, n: 60, m: 6, d: 3, lambda: 1);
        const int steps = 30;
        var r = GradientDescent.Run(train, init, new DiscreteTrainingOptions { LearningRate = 0.1, Horizon = steps * 0.1 });
        // Replay the steps and compare patterns directly.
        var kernel = new GradientKernel(train, init.M);
        var th = (double[])init.Theta.Clone();
        var g = new double[th.Length];
        long flips = 0;
        var before = PatternMask(train, th, init.M);
        for (int s = 0; s < r.Statistics.AcceptedSteps; s++)
        {
            kernel.Evaluate(th, g);
            for (int i = 0; i < th.Length; i++) th[i] -= 0.1 * g[i];
            var after = PatternMask(train, th, init.M);
            for (int i = 0; i < after.Length; i++) if (after[i] != before[i]) flips++;
            before = after;
        }
        Assert.True(flips > 0);
        Assert.Equal(flips, r.Statistics.Crossings);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Steps_do_not_allocate(bool adam)
    {
        var (train, _, init) = Problem(16, n: 300, m: 10, d: 3);
        FlowResult Run(double horizon)
        {
            var o = new DiscreteTrainingOptions { LearningRate = 1e-3, Horizon = horizon, PointsPerDecade = 1 };
            return adam ? Adam.Run(train, init, o) : GradientDescent.Run(train, init, o);
        }
        // Warm up with the long run too, so that tiered compilation's promotions happen before the measurement.
        Run(0.05);
        Run(2.0);
        long a0 = GC.GetAllocatedBytesForCurrentThread();
        Run(0.1);
        long a1 = GC.GetAllocatedBytesForCurrentThread();
        Run(2.0); // 20x the steps, one more trajectory point
        long a2 = GC.GetAllocatedBytesForCurrentThread();
        // 1,900 more steps: an allocation per step (24 bytes or more) would add at least 45 KB; the slack allows for
        // the runtime's own bookkeeping under load (measured up to 7 KB on a loaded machine).
        Assert.True(a2 - a1 < (a1 - a0) + 16384, $"100 steps: {a1 - a0} bytes, 2000 steps: {a2 - a1} bytes");
    }

    [Fact]
    public void Bad_input_names_the_field()
    {
        var (train, _, init) = Problem(15);
        Assert.Contains("LearningRate", Assert.Throws<ArgumentException>(() => GradientDescent.Run(train, init, new DiscreteTrainingOptions { LearningRate = -1 })).Message);
        Assert.Contains("Horizon", Assert.Throws<ArgumentException>(() => Adam.Run(train, init, new DiscreteTrainingOptions { Horizon = 0 })).Message);
        Assert.Contains("Beta2", Assert.Throws<ArgumentException>(() => Adam.Run(train, init, new DiscreteTrainingOptions { Beta2 = 1 })).Message);
        var other = Initialization.Create(InitKind.Balanced, 3, init.D + 1, 1, 0);
        Assert.Equal("init", Assert.Throws<ArgumentException>(() => GradientDescent.Run(train, other, new DiscreteTrainingOptions())).ParamName);
        var badTest = RandomData(5, init.D + 1, 0);
        Assert.Contains("TestSet", Assert.Throws<ArgumentException>(() => GradientDescent.Run(train, init, new DiscreteTrainingOptions { TestSet = badTest })).Message);
        var nan = init.Clone(); nan.Theta[3] = double.NaN;
        Assert.Contains("Theta[3]", Assert.Throws<ArgumentException>(() => GradientDescent.Run(train, nan, new DiscreteTrainingOptions())).Message);
    }
}

/// <summary>Tests that flip the static switches of the kernel and the trainer (run alone).</summary>
[Collection("Kernel switches")]
public class DiscreteTrainingSwitchTests
{
    static (Dataset train, NetworkParameters init) Problem(ulong seed)
        => (RandomData(100, 3, seed), Initialization.Create(InitKind.Balanced, 10, 3, 1, seed + 2));

    [Fact]
    public void Crossings_between_recorded_points_do_not_exceed_every_step_count()
    {
        var (train, init) = Problem(14);
        var o = new DiscreteTrainingOptions { LearningRate = 0.05, Horizon = 30 };
        try
        {
            var byProduct = GradientDescent.Run(train, init, o);
            DiscreteTrainer.ForceCrossingsEveryStep = true;
            var every = GradientDescent.Run(train, init, o);
            DiscreteTrainer.ForceCrossingsEveryStep = false;
            var sparse = GradientDescent.Run(train, init, o);
            Assert.Equal(every.Final.Theta, sparse.Final.Theta);
            Assert.Equal(every.Statistics.Crossings, byProduct.Statistics.Crossings);
            Assert.True(sparse.Statistics.Crossings <= every.Statistics.Crossings);
            Assert.True(sparse.Statistics.Crossings > 0);
            Assert.Contains("recorded points only", sparse.Reason);
            Assert.Contains("every step", byProduct.Reason);
        }
        finally { DiscreteTrainer.ForceCrossingsEveryStep = null; }
    }
}
