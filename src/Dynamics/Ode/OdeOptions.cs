namespace SimplicityBias.Dynamics.Ode;

/// <summary>
/// Options of one integration. Immutable record (use <c>with</c>); checked against the problem by
/// <see cref="Validate"/> before anything runs, which throws an <see cref="ArgumentException"/> naming the option and value.
/// </summary>
public sealed record OdeOptions
{
    /// <summary>Relative tolerance rtol (&gt;= 0).</summary>
    public double RelativeTolerance { get; init; } = 1e-6;
    /// <summary>Scalar absolute tolerance atol (&gt;= 0), used unless <see cref="AbsoluteTolerances"/> is set.</summary>
    public double AbsoluteTolerance { get; init; } = 1e-8;
    /// <summary>Per-component absolute tolerances (length n), overriding <see cref="AbsoluteTolerance"/>.</summary>
    public double[]? AbsoluteTolerances { get; init; }
    /// <summary>First step; 0 = automatic (Hairer's algorithm).</summary>
    public double InitialStep { get; init; }
    /// <summary>Smallest adaptive step; below it the run ends with StepSizeTooSmall.</summary>
    public double MinStep { get; init; }
    /// <summary>Largest step.</summary>
    public double MaxStep { get; init; } = double.PositiveInfinity;
    /// <summary>Budget of accepted steps.</summary>
    public long MaxSteps { get; init; } = 1_000_000;
    /// <summary>Fixed step size (no error control, every step accepted); 0 = adaptive.</summary>
    public double FixedStep { get; init; }
    /// <summary>Times (ascending, within [T0, T1]) at which the state is saved through the dense output.</summary>
    public double[]? SaveAt { get; init; }
    /// <summary>Save the state at the end of every accepted step (memory grows with the steps).</summary>
    public bool SaveEveryStep { get; init; }
    /// <summary>Event functions.</summary>
    public IReadOnlyList<OdeEvent>? Events { get; init; }
    /// <summary>Stop with SteadyState when max_i |f_i| &lt;= this at two consecutive accepted steps; 0 = off.</summary>
    public double SteadyStateTolerance { get; init; }
    /// <summary>Called after every accepted step; may change the state (then the solver restarts cleanly).</summary>
    public OdeStepCallback? StepCallback { get; init; }
    /// <summary>Judges every step that passed the error test and may veto it with a factor to shrink h (adaptive steps only).</summary>
    public OdeStepValidator? StepValidator { get; init; }
    /// <summary>Called with every accepted step, in order.</summary>
    public IReadOnlyList<OdeStepObserver>? Observers { get; init; }
    /// <summary>Step controller prototype (cloned per run); null = the algorithm's default.</summary>
    public PidController? Controller { get; init; }
    /// <summary>Checked before every step: once cancelled, the run ends with Cancelled at the last accepted state.</summary>
    public CancellationToken Cancellation { get; init; }

    /// <summary>Throws an ArgumentException naming the first option that is invalid for <paramref name="problem"/>.</summary>
    public void Validate(OdeProblem problem)
    {
        ArgumentNullException.ThrowIfNull(problem);
        int n = problem.Dimension;
        if (!(RelativeTolerance >= 0) || !double.IsFinite(RelativeTolerance))
            throw new ArgumentException($"RelativeTolerance must be >= 0 and finite, got {RelativeTolerance}", nameof(RelativeTolerance));
        if (!(AbsoluteTolerance >= 0) || !double.IsFinite(AbsoluteTolerance))
            throw new ArgumentException($"AbsoluteTolerance must be >= 0 and finite, got {AbsoluteTolerance}", nameof(AbsoluteTolerance));
        if (AbsoluteTolerances != null)
        {
            if (AbsoluteTolerances.Length != n)
                throw new ArgumentException($"AbsoluteTolerances must have length {n} (the problem dimension), got {AbsoluteTolerances.Length}", nameof(AbsoluteTolerances));
            for (int i = 0; i < n; i++)
            {
                double a = AbsoluteTolerances[i];
                if (!(a >= 0) || !double.IsFinite(a))
                    throw new ArgumentException($"AbsoluteTolerances[{i}] must be >= 0 and finite, got {a}", nameof(AbsoluteTolerances));
                if (a == 0 && RelativeTolerance == 0)
                    throw new ArgumentException($"AbsoluteTolerances[{i}] and RelativeTolerance are both 0: the error weight of component {i} would be infinite", nameof(AbsoluteTolerances));
            }
        }
        else if (AbsoluteTolerance == 0 && RelativeTolerance == 0)
        {
            throw new ArgumentException("RelativeTolerance and AbsoluteTolerance are both 0, got 0 and 0", nameof(RelativeTolerance));
        }
        if (RelativeTolerance > 0 && RelativeTolerance < 1e-15)
            throw new ArgumentException($"RelativeTolerance must be 0 or >= 1e-15 (below rounding), got {RelativeTolerance}", nameof(RelativeTolerance));
        if (!(InitialStep >= 0) || !double.IsFinite(InitialStep))
            throw new ArgumentException($"InitialStep must be >= 0 (0 = automatic) and finite, got {InitialStep}", nameof(InitialStep));
        if (!(MinStep >= 0) || !double.IsFinite(MinStep))
            throw new ArgumentException($"MinStep must be >= 0 and finite, got {MinStep}", nameof(MinStep));
        if (!(MaxStep > 0))
            throw new ArgumentException($"MaxStep must be > 0, got {MaxStep}", nameof(MaxStep));
        if (MinStep > MaxStep)
            throw new ArgumentException($"MinStep must be <= MaxStep, got MinStep={MinStep}, MaxStep={MaxStep}", nameof(MinStep));
        if (MaxSteps < 1)
            throw new ArgumentException($"MaxSteps must be >= 1, got {MaxSteps}", nameof(MaxSteps));
        if (!(FixedStep >= 0) || !double.IsFinite(FixedStep))
            throw new ArgumentException($"FixedStep must be >= 0 (0 = adaptive) and finite, got {FixedStep}", nameof(FixedStep));
        if (!(SteadyStateTolerance >= 0) || !double.IsFinite(SteadyStateTolerance))
            throw new ArgumentException($"SteadyStateTolerance must be >= 0 and finite, got {SteadyStateTolerance}", nameof(SteadyStateTolerance));
        if (SaveAt != null)
        {
            for (int i = 0; i < SaveAt.Length; i++)
            {
                double s = SaveAt[i];
                if (!double.IsFinite(s))
                    throw new ArgumentException($"SaveAt[{i}] must be finite, got {s}", nameof(SaveAt));
                if (s < problem.T0 || s > problem.T1)
                    throw new ArgumentException($"SaveAt[{i}] must lie in [T0, T1] = [{problem.T0}, {problem.T1}], got {s}", nameof(SaveAt));
                if (i > 0 && s < SaveAt[i - 1])
                    throw new ArgumentException($"SaveAt must be ascending, got SaveAt[{i - 1}]={SaveAt[i - 1]} > SaveAt[{i}]={s}", nameof(SaveAt));
            }
        }
        if (Events != null)
        {
            for (int i = 0; i < Events.Count; i++)
                if (Events[i] is null) throw new ArgumentException($"Events[{i}] must not be null, got null", nameof(Events));
        }
        if (StepValidator != null && FixedStep > 0)
            throw new ArgumentException($"StepValidator needs adaptive steps (FixedStep = 0), got FixedStep={FixedStep}", nameof(StepValidator));
        if (Observers != null)
        {
            for (int i = 0; i < Observers.Count; i++)
                if (Observers[i] is null) throw new ArgumentException($"Observers[{i}] must not be null, got null", nameof(Observers));
        }
        Controller?.Validate();
    }
}
