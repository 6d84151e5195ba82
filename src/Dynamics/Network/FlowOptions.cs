namespace SimplicityBias.Dynamics.Network;

/// <summary>How the gradient flow treats the kinks of relu.</summary>
public enum FlowMode
{
    /// <summary>Frozen activation pattern within a step, crossings counted, sliding pairs integrated with the Filippov selection.</summary>
    Filippov,
    /// <summary>The plain right-hand side (relu'(0) = 0) handed to a generic adaptive solver: the baseline that chatters.</summary>
    Plain,
}

/// <summary>
/// Options of the options-based entry point <see cref="GradientFlow.Integrate"/>, which turns them into a
/// <see cref="TrainingProblem"/>, an algorithm and observers for <see cref="Training.Solve"/>. Immutable; validated by
/// <see cref="Validate"/>.
/// </summary>
public sealed record FlowOptions
{
    /// <summary>Final time if stationarity is not reached first.</summary>
    public double Horizon { get; init; } = 1e5;
    /// <summary>Stop when the minimum-norm Clarke gradient has norm below this.</summary>
    public double StationarityTolerance { get; init; } = 1e-8;
    /// <summary>Relative tolerance of the adaptive steps.</summary>
    public double RelativeTolerance { get; init; } = 1e-6;
    /// <summary>Absolute tolerance of the adaptive steps.</summary>
    public double AbsoluteTolerance { get; init; } = 1e-10;
    /// <summary>Nonlinearity.</summary>
    public Activation Activation { get; init; } = Activation.Relu;
    /// <summary>Filippov-aware integration (default) or the plain generic baseline.</summary>
    public FlowMode Mode { get; init; } = FlowMode.Filippov;
    /// <summary>
    /// The generic solver for <see cref="FlowMode.Plain"/> and for GeLU. Null (default): Dormand-Prince 5(4) for the
    /// plain ReLU baseline (the method of SciPy's RK45), AutoSwitch (Dormand-Prince / Rodas4 with the exact Hessian
    /// as Jacobian) for GeLU, whose smooth flow is stiff late.
    /// </summary>
    public Ode.OdeAlgorithm? PlainAlgorithm { get; init; }
    /// <summary>Optional test set: its loss is recorded along the trajectory.</summary>
    public Dataset? TestSet { get; init; }
    /// <summary>Trajectory points per decade of t.</summary>
    public int PointsPerDecade { get; init; } = 8;
    /// <summary>Initialization scale lambda (used for the end of the early phase); NaN = do not detect it.</summary>
    public double Lambda { get; init; } = double.NaN;
    /// <summary>eps of the early-phase end: max_j |w_j| &gt; lambda^(1-eps)/sqrt(m).</summary>
    public double EarlyPhaseEps { get; init; } = 0.5;
    /// <summary>Step budget.</summary>
    public long MaxSteps { get; init; } = 5_000_000;
    /// <summary>Largest step of the Filippov integrator (default: none; for convergence studies and dense trajectories).</summary>
    public double MaxStepSize { get; init; } = double.PositiveInfinity;
    /// <summary>
    /// Let the Filippov integrator switch to Runge-Kutta-Chebyshev steps where Dormand-Prince is held at its
    /// stability boundary (the stiff late phase), and back (default); false keeps Dormand-Prince throughout.
    /// </summary>
    public bool StiffSwitching { get; init; } = true;
    /// <summary>
    /// What the stiff late phase steps with once the switch above has found it stiff: Runge-Kutta-Chebyshev (default) or
    /// a Rosenbrock-W method on a low-rank model of the stiff directions (bench/RESULTS.md has both measured).
    /// </summary>
    public StiffMethod StiffMethod { get; init; } = StiffMethod.Chebyshev;
    /// <summary>Field evaluations of the Filippov integrator's inner stages: automatic (default), direct kernel or block form.</summary>
    public FieldBackend FieldBackend { get; init; } = FieldBackend.Auto;
    /// <summary>
    /// Locate the Filippov integrator's crossings of Dormand-Prince steps on the stepper's dense output instead of the
    /// cubic Hermite of the step's ends (default false; docs/ARCHITECTURE.md, "What the Filippov integrator keeps", has
    /// the measurements that kept the Hermite).
    /// </summary>
    public bool DenseOutputCrossings { get; init; }

    /// <summary>Throws an ArgumentException naming the first invalid option.</summary>
    public void Validate()
    {
        // The ranges are the experiment's (OptionRanges), so a value a spec may hold is never refused here, nor the reverse.
        OptionRanges.Horizon.Check(Horizon, nameof(Horizon));
        OptionRanges.StationarityTol.Check(StationarityTolerance, nameof(StationarityTolerance));
        OptionRanges.Rtol.Check(RelativeTolerance, nameof(RelativeTolerance));
        OptionRanges.Atol.Check(AbsoluteTolerance, nameof(AbsoluteTolerance));
        OptionRanges.PointsPerDecade.Check(PointsPerDecade, nameof(PointsPerDecade));
        if (!double.IsNaN(Lambda)) OptionRanges.Lambda.Check(Lambda, nameof(Lambda)); // NaN: no early-phase detection
        OptionRanges.EarlyPhaseEps.Check(EarlyPhaseEps, nameof(EarlyPhaseEps));
        OptionRanges.MaxSteps.Check(MaxSteps, nameof(MaxSteps));
        if (!Enum.IsDefined(StiffMethod)) throw new ArgumentException($"StiffMethod must be Chebyshev or LowRankRosenbrock, got {StiffMethod}", nameof(StiffMethod));
        if (!Enum.IsDefined(FieldBackend)) throw new ArgumentException($"FieldBackend must be Auto, Direct, Block or Grouped, got {FieldBackend}", nameof(FieldBackend));
        if (!(MaxStepSize > 0)) throw new ArgumentException($"MaxStepSize must be > 0, got {MaxStepSize}", nameof(MaxStepSize));
    }
}

/// <summary>Options of the discrete baselines' options-based entry points (<see cref="GradientDescent.Run"/>, <see cref="Adam.Run"/>; <see cref="Training.Solve"/> is the general one).</summary>
public sealed record DiscreteTrainingOptions
{
    /// <summary>Learning rate eta.</summary>
    public double LearningRate { get; init; } = 0.01;
    /// <summary>Horizon in flow time; the run does ceil(Horizon / LearningRate) steps at most.</summary>
    public double Horizon { get; init; } = 100;
    /// <summary>Stop when |grad| (relu'(0) = 0) falls below this.</summary>
    public double StationarityTolerance { get; init; } = 0;
    /// <summary>Nonlinearity.</summary>
    public Activation Activation { get; init; } = Activation.Relu;
    /// <summary>Optional test set.</summary>
    public Dataset? TestSet { get; init; }
    /// <summary>Trajectory points per decade of t.</summary>
    public int PointsPerDecade { get; init; } = 8;
    /// <summary>Initialization scale (for the early-phase end), NaN = not detected.</summary>
    public double Lambda { get; init; } = double.NaN;
    /// <summary>eps of the early-phase end.</summary>
    public double EarlyPhaseEps { get; init; } = 0.5;
    /// <summary>Adam's beta1.</summary>
    public double Beta1 { get; init; } = 0.9;
    /// <summary>Adam's beta2.</summary>
    public double Beta2 { get; init; } = 0.999;
    /// <summary>Adam's epsilon.</summary>
    public double AdamEpsilon { get; init; } = 1e-8;

    /// <summary>Throws an ArgumentException naming the first invalid option.</summary>
    public void Validate()
    {
        OptionRanges.LearningRate.Check(LearningRate, nameof(LearningRate));
        OptionRanges.Horizon.Check(Horizon, nameof(Horizon));
        OptionRanges.StationarityTol.Check(StationarityTolerance, nameof(StationarityTolerance));
        OptionRanges.PointsPerDecade.Check(PointsPerDecade, nameof(PointsPerDecade));
        if (!double.IsNaN(Lambda)) OptionRanges.Lambda.Check(Lambda, nameof(Lambda));
        OptionRanges.EarlyPhaseEps.Check(EarlyPhaseEps, nameof(EarlyPhaseEps));
        if (!(Beta1 >= 0 && Beta1 < 1)) throw new ArgumentException($"Beta1 must be in [0, 1), got {Beta1}", nameof(Beta1));
        if (!(Beta2 >= 0 && Beta2 < 1)) throw new ArgumentException($"Beta2 must be in [0, 1), got {Beta2}", nameof(Beta2));
        if (!(AdamEpsilon > 0)) throw new ArgumentException($"AdamEpsilon must be > 0, got {AdamEpsilon}", nameof(AdamEpsilon));
    }
}
