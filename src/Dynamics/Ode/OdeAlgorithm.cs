namespace SimplicityBias.Dynamics.Ode;

/// <summary>A solver choice: makes the stepper for a problem and names its default step controller.</summary>
public abstract class OdeAlgorithm
{
    /// <summary>Short name.</summary>
    public abstract string Name { get; }
    /// <summary>Creates a fresh stepper for <paramref name="problem"/> that counts into <paramref name="statistics"/>.</summary>
    public abstract OdeStepper CreateStepper(OdeProblem problem, OdeStatistics statistics);
    /// <summary>The controller used when the options give none.</summary>
    public virtual PidController DefaultController() => PidController.Integral();
    /// <inheritdoc/>
    public override string ToString() => Name;
}

/// <summary>Dormand-Prince 5(4) with FSAL and 4th-order dense output (Hairer's PI controller by default).</summary>
public sealed class Dopri5 : OdeAlgorithm
{
    /// <inheritdoc/>
    public override string Name => "Dopri5";
    /// <inheritdoc/>
    public override OdeStepper CreateStepper(OdeProblem problem, OdeStatistics statistics) => new Dopri5Stepper(problem.Rhs, problem.Dimension, statistics);
    /// <inheritdoc/>
    public override PidController DefaultController() => PidController.HairerPi();
}

/// <summary>Dormand-Prince 8(5,3) (DOP853) with 7th-order dense output.</summary>
public sealed class Dop853 : OdeAlgorithm
{
    /// <inheritdoc/>
    public override string Name => "Dop853";
    /// <inheritdoc/>
    public override OdeStepper CreateStepper(OdeProblem problem, OdeStatistics statistics) => new Dop853Stepper(problem.Rhs, problem.Dimension, statistics);
}

/// <summary>RODAS4, L-stable Rosenbrock method of order 4 for stiff problems (Jacobian from the problem or finite differences).</summary>
public sealed class Rodas4 : OdeAlgorithm
{
    /// <inheritdoc/>
    public override string Name => "Rodas4";
    /// <inheritdoc/>
    public override OdeStepper CreateStepper(OdeProblem problem, OdeStatistics statistics)
        => new RosenbrockStepper(problem.Rhs, problem.Dimension, problem.Jacobian, statistics)
        {
            TimeDerivative = problem.TimeDerivative,
            IsAutonomous = problem.IsAutonomous,
        };
}

/// <summary>Automatic switching between Dopri5 and Rodas4 on detected stiffness (see <see cref="AutoSwitchStepper"/>).</summary>
public sealed class AutoSwitch : OdeAlgorithm
{
    /// <summary>Fraction of the DP5 stability boundary above which |h lambda| counts as a stiff verdict.</summary>
    public double StiffFraction { get; init; } = 0.6;
    /// <summary>Stiff verdicts needed to switch to Rodas4.</summary>
    public int StiffSteps { get; init; } = 10;
    /// <summary>Consecutive stable Rodas4 steps needed to switch back.</summary>
    public int NonStiffSteps { get; init; } = 5;
    /// <summary>Fraction of the DP5 stability boundary h |J|_inf must stay below to switch back.</summary>
    public double NonStiffFraction { get; init; } = 0.5;

    /// <inheritdoc/>
    public override string Name => "AutoSwitch(Dopri5, Rodas4)";
    /// <inheritdoc/>
    public override OdeStepper CreateStepper(OdeProblem problem, OdeStatistics statistics)
    {
        if (StiffSteps < 1) throw new ArgumentException($"AutoSwitch.StiffSteps must be >= 1, got {StiffSteps}", nameof(StiffSteps));
        if (NonStiffSteps < 1) throw new ArgumentException($"AutoSwitch.NonStiffSteps must be >= 1, got {NonStiffSteps}", nameof(NonStiffSteps));
        if (!(StiffFraction > 0 && StiffFraction <= 1)) throw new ArgumentException($"AutoSwitch.StiffFraction must be in (0, 1], got {StiffFraction}", nameof(StiffFraction));
        if (!(NonStiffFraction > 0 && NonStiffFraction <= 1)) throw new ArgumentException($"AutoSwitch.NonStiffFraction must be in (0, 1], got {NonStiffFraction}", nameof(NonStiffFraction));
        return new AutoSwitchStepper(problem.Rhs, problem.Dimension, problem.Jacobian, statistics, problem.TimeDerivative, problem.IsAutonomous)
        {
            StiffSteps = StiffSteps,
            StiffFraction = StiffFraction,
            NonStiffSteps = NonStiffSteps,
            NonStiffFraction = NonStiffFraction,
        };
    }
}
