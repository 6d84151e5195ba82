using SimplicityBias.Dynamics.Ode;

namespace SimplicityBias.Dynamics.Tests.Ode;

/// <summary>The step validator (a veto after the error test) and the step observers of the integrator.</summary>
public class StepHookTests
{
    // y' = -y from 1 to t = 5: y crosses 1/2 at t = ln 2.
    private static OdeProblem Decay() => new((t, y, dy) => dy[0] = -y[0], [1.0], 0, 5) { IsAutonomous = true };

    private const double Threshold = 0.5, Fine = 1e-3;

    // Vetoes every step longer than Fine that carries y across the threshold.
    private static bool NoLongStepAcross(double t, double h, ReadOnlySpan<double> y, ReadOnlySpan<double> yNew, out double shrink)
    {
        shrink = 0.5;
        return !((y[0] - Threshold) * (yNew[0] - Threshold) < 0 && h > Fine);
    }

    /// <summary>The accepted steps, as an observer sees them.</summary>
    private static (List<(double T0, double T1, double Y)> Steps, OdeSolution Solution) Run(OdeStepValidator? validator, string method = "Dopri5")
    {
        var steps = new List<(double, double, double)>();
        OdeAlgorithm algorithm = method == "Dopri5" ? new Dopri5() : new AutoSwitch();
        var options = new OdeOptions
        {
            RelativeTolerance = 1e-6, AbsoluteTolerance = 1e-9, StepValidator = validator, SaveEveryStep = true,
            Observers = [(t0, t1, y) => steps.Add((t0, t1, y[0]))],
        };
        return (steps, OdeSolver.Solve(Decay(), algorithm, options));
    }

    private static double CrossingStepLength(List<(double T0, double T1, double Y)> steps)
    {
        double yPrev = 1.0;
        foreach (var (t0, t1, y) in steps)
        {
            if ((yPrev - Threshold) * (y - Threshold) < 0) return t1 - t0;
            yPrev = y;
        }
        throw new InvalidOperationException("no step crossed the threshold");
    }

    [Theory]
    [InlineData("Dopri5")]
    [InlineData("AutoSwitch")]
    public void A_validator_vetoing_long_steps_across_a_threshold_makes_the_step_there_short(string method)
    {
        var (free, freeSolution) = Run(null, method);
        var (guarded, guardedSolution) = Run(NoLongStepAcross, method);
        Assert.True(CrossingStepLength(free) > 10 * Fine, $"without the validator the crossing step is {CrossingStepLength(free)}");
        Assert.True(CrossingStepLength(guarded) <= Fine, $"with the validator the crossing step is {CrossingStepLength(guarded)}");
        Assert.Equal(0, freeSolution.Statistics.VetoedSteps);
        Assert.True(guardedSolution.Statistics.VetoedSteps > 0);
        Assert.True(guardedSolution.Statistics.RejectedSteps >= guardedSolution.Statistics.VetoedSteps);
        Assert.Equal(OdeReturnCode.Success, guardedSolution.ReturnCode);
        Assert.True(Math.Abs(guardedSolution.Final[0] - Math.Exp(-5)) < 1e-6);
    }

    [Fact]
    public void An_observer_sees_every_accepted_step_in_order()
    {
        var (steps, solution) = Run(NoLongStepAcross);
        Assert.Equal(solution.Statistics.AcceptedSteps, steps.Count);
        Assert.Equal(0.0, steps[0].T0);
        for (int i = 1; i < steps.Count; i++) Assert.Equal(steps[i - 1].T1, steps[i].T0);
        Assert.Equal(5.0, steps[^1].T1);
        // The states it sees are those the solver saves at every step (the first saved one is the initial state).
        Assert.Equal(solution.SavedStates.Skip(1).Select(s => s[0]), steps.Select(s => s.Y));
    }

    [Fact]
    public void A_validator_needs_adaptive_steps_and_a_shrink_factor_below_one()
    {
        var fixedStep = new OdeOptions { FixedStep = 0.1, StepValidator = NoLongStepAcross };
        var e = Assert.Throws<ArgumentException>(() => OdeSolver.Solve(Decay(), new Dopri5(), fixedStep));
        Assert.Contains("StepValidator", e.Message);
        OdeStepValidator badShrink = (double t, double h, ReadOnlySpan<double> y, ReadOnlySpan<double> yNew, out double shrink) =>
        {
            shrink = 2.0;
            return false;
        };
        var bad = Assert.Throws<InvalidOperationException>(() => OdeSolver.Solve(Decay(), new Dopri5(), new OdeOptions { StepValidator = badShrink }));
        Assert.Contains("shrink=2", bad.Message);
        var nullObserver = new OdeOptions { Observers = [null!] };
        Assert.Contains("Observers[0]", Assert.Throws<ArgumentException>(() => OdeSolver.Solve(Decay(), new Dopri5(), nullObserver)).Message);
    }
}
