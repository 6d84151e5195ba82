using SimplicityBias.Dynamics.Network;
using SimplicityBias.Dynamics.Ode;
using Xunit.Abstractions;

namespace SimplicityBias.Dynamics.Tests.Network;

/// <summary>
/// Checkpoints of the Filippov flow (<see cref="FlowCheckpoints"/>): a run stopped and resumed from its last checkpoint
/// ends with the bits of the run that went on; a checkpoint that is damaged, of another run or of another problem is
/// refused before anything is touched.
/// </summary>
public class CheckpointTests(ITestOutputHelper output)
{
    /// <summary>
    /// Two small flows: one through the early alignment into sliding (lambda = 1e-3: crossings, captures, releases),
    /// one that starts large (lambda = 0.5) and spends its late phase in Chebyshev steps.
    /// </summary>
    static TrainingProblem Problem(string name) => name switch
    {
        "sliding" => new(GradientFlowTests.Linear(200, 3, 1.0, 3), Initialization.Create(InitKind.Balanced, 30, 3, 1e-3, 4), 1e3),
        _ => new(GradientFlowTests.Linear(60, 3, 0.5, 31), Initialization.Create(InitKind.Balanced, 8, 3, 0.5, 32), 2000),
    };

    static Dataset TestSet => GradientFlowTests.Linear(100, 3, 0.0, 9);

    /// <summary>The run's observers as a caller builds them: a trajectory with a test set and the early-phase end.</summary>
    static (TrajectoryObserver Trajectory, FirstTimeObserver Early) Observers() =>
        (new TrajectoryObserver(4, TestSet), FirstTimeObserver.MaxNeuronNormAbove(0.05));

    static FlowResult Solve(TrainingProblem p, FlowCheckpoints? plan, (TrajectoryObserver Trajectory, FirstTimeObserver Early) o, CancellationToken cancel = default)
        => Training.Solve(p, new FilippovFlowAlgorithm { Checkpoints = plan, StationarityTolerance = 0 }, [o.Trajectory, o.Early], cancel).WithEarlyPhase(o.Early);

    [Theory]
    [InlineData("sliding")]
    [InlineData("stiff")]
    public void A_run_stopped_after_a_checkpoint_and_resumed_ends_with_the_bits_of_the_run_that_went_on(string name)
    {
        var p = Problem(name);
        const string key = "test-run";
        var saved = new List<(byte[] Bytes, double T)>();
        var whole = Solve(p, new FlowCheckpoints { PerDecade = 2, RunKey = key, Save = (b, t) => saved.Add((b, t)) }, Observers());
        var s = whole.Statistics;
        output.WriteLine($"{whole.Code}: {saved.Count} checkpoints at t = {string.Join(", ", saved.Select(c => c.T.ToString("G3")))}; " +
            $"crossings {s.Crossings}, captures {s.Captures}, releases {s.Releases}, stiff steps {s.StiffSteps}, rhs {s.RhsEvaluations}");
        Assert.Equal(OdeReturnCode.Success, whole.Code);
        Assert.Equal(Math.Ceiling(2 * Math.Log10(p.Horizon)), saved.Count); // t = 1, 10^0.5, ..., below the horizon
        Assert.True(s.Crossings > 0, "the case must cross hyperplanes");
        Assert.True(name == "stiff" ? s.StiffSteps > 0 : s.Captures > 0 && s.Releases > 0, "the case must exercise its phase");

        // Stopped by its cancellation token right after the checkpoint at 10^1.5 was written, as a killed job would be.
        int stopAt = 3;
        using var cts = new CancellationTokenSource();
        byte[]? last = null;
        var stopped = Solve(p, new FlowCheckpoints { PerDecade = 2, RunKey = key, Save = (b, t) => { last = b; if (saved.FindIndex(c => c.T == t) == stopAt) cts.Cancel(); } },
            Observers(), cts.Token);
        Assert.Equal(OdeReturnCode.Cancelled, stopped.Code);
        Assert.NotNull(last);

        double resumedAt = double.NaN;
        var o = Observers();
        var resumed = Solve(p, new FlowCheckpoints { PerDecade = 2, RunKey = key, Resume = last, Resumed = t => resumedAt = t }, o);
        Assert.Equal(saved[stopAt].T, resumedAt);
        AssertSameBits(whole, resumed);
        Assert.Same(o.Trajectory.Points, resumed.Trajectory);
        // The counters add up over the segments: none falls from one restart to the next or to the end (each read by
        // resuming from its checkpoint with the run already cancelled), and the evaluations grow with the steps. A
        // counter taken from a per-integrator source that FilippovIntegrator.AddEarlierSegments does not add would
        // count one segment only.
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        var atRestarts = saved.Select(c => Solve(p, new FlowCheckpoints { PerDecade = 2, RunKey = key, Resume = c.Bytes }, Observers(), cancelled.Token).Statistics)
            .Append(s).ToList();
        for (int i = 1; i < atRestarts.Count; i++)
        {
            foreach (var prop in typeof(FlowStatistics).GetProperties().Where(q => q.PropertyType != typeof(FieldBackend)))
                Assert.True(Convert.ToDouble(prop.GetValue(atRestarts[i])) >= Convert.ToDouble(prop.GetValue(atRestarts[i - 1])),
                    $"{prop.Name}: {prop.GetValue(atRestarts[i - 1])} at restart {i - 1}, then {prop.GetValue(atRestarts[i])}");
            Assert.True(atRestarts[i].RhsEvaluations > atRestarts[i].AcceptedSteps, $"restart {i}: {atRestarts[i].RhsEvaluations} evaluations for {atRestarts[i].AcceptedSteps} steps");
        }
        // From any of the checkpoints, the first in the early phase and the last close to the horizon included.
        foreach (var (bytes, _) in saved)
            AssertSameBits(whole, Solve(p, new FlowCheckpoints { PerDecade = 2, RunKey = key, Resume = bytes }, Observers()));
    }

    /// <summary>The pace of the second half (part of the reason) is counted across the restarts inside it.</summary>
    [Fact]
    public void A_run_resumed_inside_the_second_half_of_its_horizon_reports_the_same_pace()
    {
        var p = Problem("sliding") with { Horizon = 50 };
        const string key = "pace-run";
        var saved = new List<(byte[] Bytes, double T)>();
        var whole = Solve(p, new FlowCheckpoints { PerDecade = 8, RunKey = key, Save = (b, t) => saved.Add((b, t)) }, Observers());
        Assert.Equal(OdeReturnCode.Success, whole.Code);
        Assert.Contains("steps had mean h", whole.Reason);
        var inside = saved.Where(c => c.T > p.Horizon / 2).ToList();
        Assert.True(inside.Count >= 2, $"restarts inside the second half: {inside.Count}");
        foreach (var (bytes, _) in inside)
            AssertSameBits(whole, Solve(p, new FlowCheckpoints { PerDecade = 8, RunKey = key, Resume = bytes }, Observers()));
    }

    static void AssertSameBits(FlowResult a, FlowResult b)
    {
        Assert.Equal(a.Code, b.Code);
        Assert.Equal(a.Reason, b.Reason);
        Assert.Equal(BitConverter.DoubleToInt64Bits(a.Time), BitConverter.DoubleToInt64Bits(b.Time));
        Assert.Equal(Bits(a.Final.Theta), Bits(b.Final.Theta));
        Assert.Equal(a.Trajectory, b.Trajectory); // record equality of doubles: NaN == NaN, and +0 vs -0 would differ in the theta bits above
        Assert.Equal(a.EarlyPhaseTime, b.EarlyPhaseTime);
        Assert.Equal(a.EarlyPhaseEnd is null, b.EarlyPhaseEnd is null);
        if (a.EarlyPhaseEnd is not null) Assert.Equal(Bits(a.EarlyPhaseEnd.Theta), Bits(b.EarlyPhaseEnd!.Theta));
        Assert.Equal(a.SlidingSets!.Select(x => string.Join(",", x)), b.SlidingSets!.Select(x => string.Join(",", x)));
        foreach (var prop in typeof(FlowStatistics).GetProperties().Where(q => q.Name != nameof(FlowStatistics.WallSeconds)))
            Assert.True(Equals(prop.GetValue(a.Statistics), prop.GetValue(b.Statistics)),
                $"{prop.Name}: {prop.GetValue(a.Statistics)} uninterrupted, {prop.GetValue(b.Statistics)} resumed");
    }

    static long[] Bits(double[] v) => v.Select(BitConverter.DoubleToInt64Bits).ToArray();

    /// <summary>
    /// Restarts re-evaluate the field and re-estimate the spectral radius, so a checkpointed run does not have the bits of
    /// the run without restarts, but it lands where that run does. (On this case, continued to t = 1e3, the run at rtol
    /// 1e-6 leaves the plateau at L = 0.4924 near t = 600 while the checkpointed run and the runs at rtol 1e-7 and 1e-8 are
    /// still on it: when a slow saddle is left depends on perturbations at rounding level, restarts' as tolerances'.)
    /// </summary>
    [Fact]
    public void A_checkpointed_run_lands_where_the_run_without_restarts_does()
    {
        var p = Problem("sliding") with { Horizon = 300 };
        var plain = Solve(p, null, Observers());
        var restarted = Solve(p, new FlowCheckpoints { PerDecade = 4 }, Observers());
        output.WriteLine($"final loss {plain.FinalLoss:R} without restarts, {restarted.FinalLoss:R} with 4 per decade");
        Assert.True(Math.Abs(plain.FinalLoss - restarted.FinalLoss) <= 1e-6 * plain.FinalLoss,
            $"final loss {plain.FinalLoss:R} without restarts, {restarted.FinalLoss:R} with them");
        Assert.True(restarted.Statistics.Captures > 0 && plain.Statistics.Captures > 0);
    }

    [Fact]
    public void Without_checkpoints_nothing_changes_and_with_a_horizon_below_the_first_restart_nothing_restarts()
    {
        var p = Problem("sliding") with { Horizon = 0.9 };
        var plain = Solve(p, null, Observers());
        int saves = 0;
        var planned = Solve(p, new FlowCheckpoints { PerDecade = 4, Save = (_, _) => saves++ }, Observers());
        Assert.Equal(0, saves);
        AssertSameBits(plain, planned);
    }

    [Fact]
    public void A_damaged_or_foreign_checkpoint_is_refused_before_anything_is_touched()
    {
        var p = Problem("sliding") with { Horizon = 20 };
        byte[]? bytes = null;
        Solve(p, new FlowCheckpoints { PerDecade = 1, RunKey = "k", Save = (b, _) => bytes ??= b }, Observers());
        Assert.NotNull(bytes);

        string Refusal(TrainingProblem problem, byte[] b, string key = "k", int perDecade = 1)
        {
            var o = Observers();
            var e = Assert.Throws<FlowCheckpointException>(() => Solve(problem, new FlowCheckpoints { PerDecade = perDecade, RunKey = key, Resume = b }, o));
            Assert.Empty(o.Trajectory.Points); // refused before the observers were restored or started
            Assert.True(double.IsNaN(o.Early.Time));
            output.WriteLine(e.Message);
            return e.Message;
        }

        var flipped = (byte[])bytes.Clone();
        flipped[flipped.Length / 2] ^= 1;
        Assert.Contains("SHA-256 does not match", Refusal(p, flipped));
        Assert.Contains("SHA-256 does not match", Refusal(p, bytes[..^10]));
        Assert.Contains("not a flow checkpoint", Refusal(p, "hello"u8.ToArray()));
        Assert.Contains("of another run", Refusal(p, bytes, key: "other"));
        Assert.Contains("of another problem", Refusal(p with { Train = GradientFlowTests.Linear(200, 3, 1.0, 99) }, bytes));
        Assert.Contains("of another problem", Refusal(p, bytes, perDecade: 2));
        Assert.Contains("of another problem", Refusal(p with { Horizon = 30 }, bytes));
    }

    [Fact]
    public void Checkpoints_are_refused_for_gelu_and_observers_that_cannot_keep_their_state()
    {
        var p = Problem("sliding") with { Horizon = 5 };
        var plan = new FlowCheckpoints();
        Assert.Throws<ArgumentException>(() => Training.Solve(p with { Activation = Activation.Gelu }, new FilippovFlowAlgorithm { Checkpoints = plan }));
        var e = Assert.Throws<ArgumentException>(() => Training.Solve(p, new FilippovFlowAlgorithm { Checkpoints = plan }, [new Plain()]));
        Assert.Contains("Plain", e.Message);
        Assert.Throws<ArgumentException>(() => Training.Solve(p, new FilippovFlowAlgorithm { Checkpoints = plan with { PerDecade = 0 } }));
    }

    sealed class Plain : TrainingObserver;
}
