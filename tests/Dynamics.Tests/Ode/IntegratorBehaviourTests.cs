using SimplicityBias.Dynamics.Ode;

namespace SimplicityBias.Dynamics.Tests.Ode;

/// <summary>Return codes, callbacks, saving, streaming and memory behaviour of the integrator.</summary>
public class IntegratorBehaviourTests
{
    private static OdeProblem Decay(double t1, double y0 = 1) => new((t, y, dy) => dy[0] = -y[0], [y0], 0, t1) { IsAutonomous = true };

    public static TheoryData<string> AllMethods => new() { "Dopri5", "Dop853", "Rodas4", "AutoSwitch" };

    private static OdeAlgorithm Make(string name) => name switch
    {
        "Dopri5" => new Dopri5(),
        "Dop853" => new Dop853(),
        "Rodas4" => new Rodas4(),
        _ => new AutoSwitch(),
    };

    [Theory]
    [MemberData(nameof(AllMethods))]
    public void Steady_state_ends_the_run_when_f_stays_small(string method)
    {
        var sol = OdeSolver.Solve(Decay(1e6), Make(method), new OdeOptions { SteadyStateTolerance = 1e-6 });
        Assert.Equal(OdeReturnCode.SteadyState, sol.ReturnCode);
        Assert.True(Math.Abs(sol.Final[0]) <= 1e-6);
        Assert.True(sol.Time < 1e3);
        Assert.Contains("SteadyStateTolerance", sol.Reason);
    }

    [Theory]
    [MemberData(nameof(AllMethods))]
    public void Nan_in_f_after_t_1_ends_with_unstable_and_last_good_state(string method)
    {
        var p = new OdeProblem((t, y, dy) => dy[0] = t > 1 ? double.NaN : -y[0], [1.0], 0, 5);
        var sol = OdeSolver.Solve(p, Make(method));
        Assert.Equal(OdeReturnCode.Unstable, sol.ReturnCode);
        Assert.True(sol.Time <= 1);
        Assert.True(double.IsFinite(sol.Final[0]));
        Assert.True(Math.Abs(sol.Final[0] - Math.Exp(-sol.Time)) < 1e-5);
    }

    [Theory]
    [MemberData(nameof(AllMethods))]
    public void Infinity_from_the_state_ends_with_unstable_inside_an_enumeration(string method)
    {
        // f becomes infinite once y > 2 (y = e^t): reached at t = ln 2 ~ 0.69.
        var p = new OdeProblem((t, y, dy) => dy[0] = y[0] > 2 ? double.PositiveInfinity : y[0], [1.0], 0, 5);
        var stream = OdeSolver.Enumerate(p, Make(method));
        int steps = 0;
        foreach (OdeStep s in stream) steps++; // must not throw
        Assert.True(steps > 0);
        Assert.Equal(OdeReturnCode.Unstable, stream.ReturnCode);
        // The last good state is the last accepted one: at most one step past y = 2 (Rodas4 never evaluates f there).
        Assert.True(stream.Integrator!.T < 1);
        Assert.True(double.IsFinite(stream.Integrator.Y[0]));
    }

    [Fact]
    public void Nan_at_the_initial_point_is_unstable_at_t0()
    {
        var sol = OdeSolver.Solve(new OdeProblem((t, y, dy) => dy[0] = double.NaN, [1.0], 0, 1), new Dopri5());
        Assert.Equal(OdeReturnCode.Unstable, sol.ReturnCode);
        Assert.Equal(0, sol.Time);
        Assert.Equal([1.0], sol.Final);
    }

    [Fact]
    public void Exhausted_step_budget_is_max_steps()
    {
        var sol = OdeSolver.Solve(TestProblems.Harmonic(100), new Dopri5(), new OdeOptions { MaxSteps = 10 });
        Assert.Equal(OdeReturnCode.MaxSteps, sol.ReturnCode);
        Assert.Equal(10, sol.Statistics.AcceptedSteps);
        Assert.True(sol.Time < 100);
        Assert.Contains("MaxSteps=10", sol.Reason);
    }

    [Fact]
    public void Cancellation_ends_with_cancelled_at_the_last_accepted_state()
    {
        using var cancel = new CancellationTokenSource();
        var options = new OdeOptions { Cancellation = cancel.Token, StepCallback = (t, y) => { if (t >= 1) cancel.Cancel(); return false; } };
        var integrator = new OdeIntegrator(TestProblems.Harmonic(100), new Dopri5(), options);
        var sol = integrator.Run();
        Assert.Equal(OdeReturnCode.Cancelled, sol.ReturnCode);
        Assert.False(sol.ReturnCode.IsSuccessful());
        Assert.True(sol.Time >= 1 && sol.Time < 100, $"{sol.Time}");
        Assert.Contains("cancelled", sol.Reason);
    }

    [Theory]
    [MemberData(nameof(AllMethods))]
    public void Blow_up_ends_with_step_size_too_small(string method)
    {
        // y' = y^2, y(0) = 1 blows up at t = 1.
        var p = new OdeProblem((t, y, dy) => dy[0] = y[0] * y[0], [1.0], 0, 2, (t, y, j) => j[0] = 2 * y[0]) { IsAutonomous = true };
        var sol = OdeSolver.Solve(p, Make(method), new OdeOptions { MinStep = 1e-9 });
        Assert.Equal(OdeReturnCode.StepSizeTooSmall, sol.ReturnCode);
        Assert.True(sol.Time < 1.001 && sol.Time > 0.99, $"{sol.Time}");
        Assert.True(double.IsFinite(sol.Final[0]) && sol.Final[0] > 100);
    }

    [Theory]
    [MemberData(nameof(AllMethods))]
    public void Step_callback_that_changes_the_rhs_restarts_cleanly(string method)
    {
        // y' = -k y with k read from outside; the callback switches k from 1 to 3 at the first step end past t = 1.
        double k = 1, tSwitch = double.NaN;
        var p = new OdeProblem((t, y, dy) => dy[0] = -k * y[0], [1.0], 0, 3, (t, y, j) => j[0] = -k) { IsAutonomous = true };
        OdeStepCallback cb = (t, y) =>
        {
            if (k == 1 && t >= 1) { k = 3; tSwitch = t; return true; }
            return false;
        };
        var sol = OdeSolver.Solve(p, Make(method), new OdeOptions { RelativeTolerance = 1e-10, AbsoluteTolerance = 1e-12, StepCallback = cb });
        Assert.Equal(OdeReturnCode.Success, sol.ReturnCode);
        Assert.Equal(1, sol.Statistics.Restarts);
        double exact = Math.Exp(-tSwitch) * Math.Exp(-3 * (3 - tSwitch));
        Assert.True(Math.Abs(sol.Final[0] - exact) < 1e-9 * Math.Max(exact, 1e-3), $"{sol.Final[0]:R} vs {exact:R}");
    }

    [Theory]
    [MemberData(nameof(AllMethods))]
    public void Step_callback_that_changes_the_state_restarts_cleanly(string method)
    {
        double tKick = double.NaN;
        OdeStepCallback cb = (t, y) =>
        {
            if (double.IsNaN(tKick) && t >= 0.5) { tKick = t; y[0] += 1; return true; }
            return false;
        };
        var sol = OdeSolver.Solve(Decay(2), Make(method), new OdeOptions { RelativeTolerance = 1e-10, AbsoluteTolerance = 1e-12, StepCallback = cb });
        double exact = (Math.Exp(-tKick) + 1) * Math.Exp(-(2 - tKick));
        Assert.True(Math.Abs(sol.Final[0] - exact) < 1e-9, $"{sol.Final[0]:R} vs {exact:R}");
    }

    [Theory]
    [MemberData(nameof(AllMethods))]
    public void Save_at_times_use_the_dense_output(string method)
    {
        double[] times = Enumerable.Range(0, 21).Select(i => 0.5 * i).ToArray();
        var sol = OdeSolver.Solve(TestProblems.Harmonic(10), Make(method), new OdeOptions { RelativeTolerance = 1e-9, AbsoluteTolerance = 1e-11, SaveAt = times });
        Assert.Equal(times, sol.SavedTimes);
        for (int k = 0; k < times.Length; k++)
        {
            double[] ex = TestProblems.HarmonicExact(times[k]);
            Assert.True(Math.Abs(sol.SavedStates[k][0] - ex[0]) < 1e-6 && Math.Abs(sol.SavedStates[k][1] - ex[1]) < 1e-6, $"t={times[k]}");
        }
        // Saving does not cost steps: the step count equals that of a run without saving (except Dop853's dense stages).
        var plain = OdeSolver.Solve(TestProblems.Harmonic(10), Make(method), new OdeOptions { RelativeTolerance = 1e-9, AbsoluteTolerance = 1e-11 });
        Assert.Equal(plain.Statistics.AcceptedSteps, sol.Statistics.AcceptedSteps);
    }

    [Fact]
    public void Save_every_step_records_start_and_each_step()
    {
        var sol = OdeSolver.Solve(Decay(1), new Dopri5(), new OdeOptions { SaveEveryStep = true });
        Assert.Equal(sol.Statistics.AcceptedSteps + 1, sol.SavedTimes.Count);
        Assert.Equal(0, sol.SavedTimes[0]);
        Assert.Equal(1, sol.SavedTimes[^1]);
        Assert.Equal(sol.Final, sol.SavedStates[^1]);
    }

    [Fact]
    public void Stream_is_lazy_repeatable_and_interpolates_inside_each_step()
    {
        var stream = OdeSolver.Enumerate(TestProblems.Harmonic(10), new Dop853(), new OdeOptions { RelativeTolerance = 1e-10, AbsoluteTolerance = 1e-12 });
        Assert.Null(stream.Integrator);
        var first = stream.Take(5).Select(s => (s.TPrevious, s.T, Y0: s.Y[0])).ToList();
        Assert.False(stream.Integrator!.IsFinished);
        Assert.Equal(5, stream.Integrator.StepCount);
        for (int i = 1; i < first.Count; i++) Assert.Equal(first[i - 1].T, first[i].TPrevious);
        var again = stream.Take(5).Select(s => (s.TPrevious, s.T, Y0: s.Y[0])).ToList();
        Assert.Equal(first, again);
        var buf = new double[2];
        int n = 0;
        foreach (OdeStep s in stream)
        {
            double tm = 0.5 * (s.TPrevious + s.T);
            s.Interpolate(tm, buf);
            Assert.True(Math.Abs(buf[0] - Math.Cos(tm)) < 1e-8);
            n++;
        }
        Assert.Equal(OdeReturnCode.Success, stream.ReturnCode);
        Assert.Equal(n, stream.Statistics!.AcceptedSteps);
    }

    [Fact]
    public void Memory_does_not_grow_with_the_number_of_steps()
    {
        static long Allocated(double t1)
        {
            var p = Decay(t1);
            var o = new OdeOptions { FixedStep = 0.01, MaxSteps = 10_000_000 };
            OdeSolver.Solve(Decay(0.1), new Dopri5(), o); // warm up
            long before = GC.GetAllocatedBytesForCurrentThread();
            var sol = OdeSolver.Solve(p, new Dopri5(), o);
            long after = GC.GetAllocatedBytesForCurrentThread();
            Assert.Equal(OdeReturnCode.Success, sol.ReturnCode);
            return after - before;
        }
        long small = Allocated(100);     // 1e4 steps
        long large = Allocated(10_000);  // 1e6 steps
        Assert.True(large - small < 16_000, $"1e4 steps: {small} B, 1e6 steps: {large} B");
    }

    [Fact]
    public void Nonterminal_events_in_both_directions_are_recorded_in_order()
    {
        // cos t changes sign at pi/2 (falling), 3pi/2 (rising), 5pi/2 (falling) in [0, 10].
        var zero = new OdeEvent((t, y) => y[0]);
        var onlyRising = new OdeEvent((t, y) => y[0], EventDirection.Rising);
        var sol = OdeSolver.Solve(TestProblems.Harmonic(10), new Dopri5(), new OdeOptions { RelativeTolerance = 1e-10, AbsoluteTolerance = 1e-12, Events = [zero, onlyRising] });
        Assert.Equal(OdeReturnCode.Success, sol.ReturnCode);
        var both = sol.Events.Where(e => e.EventIndex == 0).ToList();
        Assert.Equal(3, both.Count);
        for (int k = 0; k < 3; k++) Assert.True(Math.Abs(both[k].Time - (k + 0.5) * Math.PI) < 1e-8);
        Assert.Equal([false, true, false], both.Select(e => e.Rising));
        var rising = sol.Events.Where(e => e.EventIndex == 1).ToList();
        Assert.Single(rising);
        Assert.True(Math.Abs(rising[0].Time - 1.5 * Math.PI) < 1e-8);
        Assert.True(sol.Events.Zip(sol.Events.Skip(1)).All(p => p.First.Time <= p.Second.Time));
    }

    [Fact]
    public void Zero_length_span_returns_the_initial_state()
    {
        var sol = OdeSolver.Solve(Decay(0), new Dopri5(), new OdeOptions { SaveAt = [0.0] });
        Assert.Equal(OdeReturnCode.Success, sol.ReturnCode);
        Assert.Equal([1.0], sol.Final);
        Assert.Single(sol.SavedStates);
    }

    [Fact]
    public void Per_component_absolute_tolerance_controls_a_tiny_component()
    {
        // A slow decay of scale 1 and a fast one of scale 1e-12: with a scalar atol of 1e-8 the fast tiny component
        // does not enter the error norm and the slow one sets long steps; with atol 1e-26 on it (below its final size 4.5e-17), it is resolved.
        var p = new OdeProblem((t, y, dy) => { dy[0] = -0.1 * y[0]; dy[1] = -5 * y[1]; }, [1.0, 1e-12], 0, 2);
        var loose = OdeSolver.Solve(p, new Dopri5(), new OdeOptions { RelativeTolerance = 1e-8, AbsoluteTolerance = 1e-8, InitialStep = 0.5 });
        var tight = OdeSolver.Solve(p, new Dopri5(), new OdeOptions { RelativeTolerance = 1e-8, AbsoluteTolerances = [1e-8, 1e-26], InitialStep = 0.5 });
        double exact = 1e-12 * Math.Exp(-10);
        double relTight = Math.Abs(tight.Final[1] - exact) / exact, relLoose = Math.Abs(loose.Final[1] - exact) / exact;
        Assert.True(relTight < 1e-6, $"tight {relTight:G3} (loose {relLoose:G3})");
        Assert.True(relLoose > 10 * relTight, $"loose {relLoose:G3} vs tight {relTight:G3}");
    }
}
