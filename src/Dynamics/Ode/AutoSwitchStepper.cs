namespace SimplicityBias.Dynamics.Ode;

/// <summary>
/// Switches between <see cref="Dopri5Stepper"/> and <see cref="RosenbrockStepper"/> (like DifferentialEquations.jl's
/// AutoTsit5(Rosenbrock23())). Non-stiff to stiff: Hairer's test, |h lambda| estimated from the last two DP5
/// stages exceeds <see cref="StiffFraction"/> times the stability boundary 3.25 on <see cref="StiffSteps"/>
/// accepted steps without <see cref="ResetSteps"/> non-stiff ones in between. (Hairer's DOPRI5 uses the full
/// boundary; a PI-controlled step limited by stability settles a little below it, e.g. at 2.5-3.2 on Robertson's
/// problem for thousands of steps, hence the fraction.) Stiff to non-stiff: h * |J|_inf (an upper bound of
/// |h lambda|) stays below <see cref="NonStiffFraction"/> * 3.25 for <see cref="NonStiffSteps"/> accepted steps,
/// i.e. the Rosenbrock step would be stable for DP5. A switch takes effect at the next attempt, so the dense
/// output of the last step stays valid; it reuses the state and f(T, Y), no stale stage.
/// </summary>
public sealed class AutoSwitchStepper : OdeStepper
{
    private const double StabilityBoundary = 3.25;
    private readonly Dopri5Stepper _explicit;
    private readonly RosenbrockStepper _stiff;
    private OdeStepper _current;
    private OdeStepper _lastStepper;
    private int _stiffCount, _nonStiffCount;
    private bool _switchPending;

    /// <summary>Creates both steppers (they share the statistics).</summary>
    public AutoSwitchStepper(OdeRhs rhs, int dimension, OdeJacobian? jacobian = null, OdeStatistics? statistics = null,
        OdeRhs? timeDerivative = null, bool isAutonomous = false)
        : base(rhs, dimension, statistics)
    {
        _explicit = new Dopri5Stepper(rhs, dimension, Statistics) { TrackStiffness = true };
        _stiff = new RosenbrockStepper(rhs, dimension, jacobian, Statistics) { TimeDerivative = timeDerivative, IsAutonomous = isAutonomous };
        _current = _explicit;
        _lastStepper = _explicit;
    }

    /// <summary>Fraction of the stability boundary above which |h lambda| counts as a stiff verdict.</summary>
    public double StiffFraction { get; init; } = 0.6;
    /// <summary>Stiff verdicts needed to switch to the stiff method (Hairer uses 15).</summary>
    public int StiffSteps { get; init; } = 10;
    /// <summary>Consecutive non-stiff verdicts that clear the stiff count.</summary>
    public int ResetSteps { get; init; } = 6;
    /// <summary>Consecutive stable Rosenbrock steps needed to switch back.</summary>
    public int NonStiffSteps { get; init; } = 5;
    /// <summary>Fraction of the stability boundary h |J|_inf must stay below to switch back.</summary>
    public double NonStiffFraction { get; init; } = 0.5;
    /// <summary>True while the stiff method is in use (after a pending switch is applied).</summary>
    public bool UsingStiffMethod => _current == _stiff;
    /// <summary>The method that will take the next step.</summary>
    public OdeStepper Current => _current;

    /// <inheritdoc/>
    public override int Order => _current.Order;
    /// <inheritdoc/>
    public override int ErrorOrder => _current.ErrorOrder;
    /// <inheritdoc/>
    public override string Name => "AutoSwitch(Dopri5, Rodas4)";
    /// <inheritdoc/>
    public override bool IsStiff => _current.IsStiff;
    /// <inheritdoc/>
    public override ReadOnlySpan<double> Derivative => _lastStepper.Derivative;

    /// <inheritdoc/>
    public override void Reset(double t, ReadOnlySpan<double> y)
    {
        ApplyPendingSwitchTarget();
        _current.Reset(t, y);
        Sync();
    }

    /// <inheritdoc/>
    public override void Reset(double t, ReadOnlySpan<double> y, ReadOnlySpan<double> dydt)
    {
        ApplyPendingSwitchTarget();
        _current.Reset(t, y, dydt);
        Sync();
    }

    private void ApplyPendingSwitchTarget()
    {
        if (!_switchPending) return;
        _switchPending = false;
        _current = _current == _explicit ? _stiff : _explicit;
        Statistics.MethodSwitches++;
        _stiffCount = 0;
        _nonStiffCount = 0;
    }

    private void Sync()
    {
        _lastStepper = _current;
        T = _current.T;
        TPrevious = _current.TPrevious;
        HasStep = _current.HasStep;
    }

    /// <inheritdoc/>
    public override double Attempt(double h, double rtol, ReadOnlySpan<double> atol)
    {
        if (_switchPending)
        {
            OdeStepper from = _current;
            ApplyPendingSwitchTarget();
            _current.Reset(from.T, from.Y, from.Derivative);
        }
        _lastStepper = _current;
        HasStep = false;
        return _current.Attempt(h, rtol, atol);
    }

    /// <inheritdoc/>
    public override void Accept()
    {
        _current.Accept();
        Sync();
        double hAccepted = T - TPrevious;
        if (_current == _explicit)
        {
            if (_explicit.StiffnessEstimate > StiffFraction * StabilityBoundary)
            {
                _nonStiffCount = 0;
                if (++_stiffCount >= StiffSteps) _switchPending = true;
            }
            else if (++_nonStiffCount >= ResetSteps)
            {
                _stiffCount = 0;
            }
        }
        else
        {
            if (hAccepted * _stiff.JacobianNormInf < NonStiffFraction * StabilityBoundary)
            {
                if (++_nonStiffCount >= NonStiffSteps) _switchPending = true;
            }
            else
            {
                _nonStiffCount = 0;
            }
        }
    }

    /// <inheritdoc/>
    public override void Interpolate(double t, Span<double> y) => _lastStepper.Interpolate(t, y);

    /// <inheritdoc/>
    public override DensePolynomial InterpolateFunctional(int offset, ReadOnlySpan<double> v) => _lastStepper.InterpolateFunctional(offset, v);

    /// <summary>The state of the active method (the wrapper's own base arrays are unused).</summary>
    public override ReadOnlySpan<double> Y => _lastStepper.Y;

    /// <summary>The trial state of the method that made the last attempt.</summary>
    public override ReadOnlySpan<double> TrialState => _lastStepper.TrialState;
}
