namespace SimplicityBias.Dynamics.Network;

/// <summary>A training problem: the data, the initial parameters (not modified), the horizon in flow time and the nonlinearity.</summary>
public sealed record TrainingProblem(Dataset Train, NetworkParameters Initial, double Horizon, Activation Activation = Activation.Relu)
{
    /// <summary>Throws an ArgumentException naming the first invalid field.</summary>
    public void Validate()
    {
        ArgumentNullException.ThrowIfNull(Train);
        ArgumentNullException.ThrowIfNull(Initial);
        if (Initial.D != Train.D) throw new ArgumentException($"Initial has d = {Initial.D}, Train has d = {Train.D}", nameof(Initial));
        for (int i = 0; i < Initial.Theta.Length; i++)
            if (!double.IsFinite(Initial.Theta[i])) throw new ArgumentException($"Initial.Theta[{i}] is not finite ({Initial.Theta[i]})", nameof(Initial));
        OptionRanges.Horizon.Check(Horizon, nameof(Horizon));
        if (!Enum.IsDefined(Activation)) throw new ArgumentException($"Activation is not defined: {(int)Activation}", nameof(Activation));
    }
}

/// <summary>How a <see cref="TrainingProblem"/> is trained: one of the flows or discrete methods below.</summary>
public abstract record TrainingAlgorithm
{
    /// <summary>Short name.</summary>
    public abstract string Name { get; }
    /// <summary>Stop when the gradient norm falls below this (0: run to the horizon).</summary>
    public double StationarityTolerance { get; init; }

    internal abstract FlowResult Run(TrainingProblem problem, ObserverList observers, TrajectoryObserver trajectory, CancellationToken cancel);
}

/// <summary>
/// The exact gradient flow as a Filippov system (docs/THEORY.md sections 10-11): frozen patterns within a step,
/// crossings corrected, sliding pairs kept on their hyperplanes, RKC steps in the stiff late phase. GeLU is smooth and
/// goes to the generic solvers (AutoSwitch with the exact Hessian) instead.
/// </summary>
public sealed record FilippovFlowAlgorithm : TrainingAlgorithm
{
    /// <summary>Stops at |grad| &lt;= 1e-8 by default.</summary>
    public FilippovFlowAlgorithm() { StationarityTolerance = 1e-8; }
    /// <inheritdoc/>
    public override string Name => "Filippov flow";
    /// <summary>Relative tolerance of the adaptive steps.</summary>
    public double RelativeTolerance { get; init; } = 1e-6;
    /// <summary>Absolute tolerance of the adaptive steps.</summary>
    public double AbsoluteTolerance { get; init; } = 1e-10;
    /// <summary>Step budget.</summary>
    public long MaxSteps { get; init; } = 5_000_000;
    /// <summary>Largest step (default: none).</summary>
    public double MaxStepSize { get; init; } = double.PositiveInfinity;
    /// <summary>Switch to Runge-Kutta-Chebyshev steps where Dormand-Prince is held at its stability boundary.</summary>
    public bool StiffSwitching { get; init; } = true;
    /// <summary>Evaluation of the inner stages: automatic, direct kernel or block form.</summary>
    public FieldBackend FieldBackend { get; init; } = FieldBackend.Auto;
    /// <summary>Crossing times on Dormand-Prince's dense output rather than the cubic Hermite of the step's ends (<see cref="FlowOptions.DenseOutputCrossings"/>; default false).</summary>
    public bool DenseOutputCrossings { get; init; }
    /// <summary>What the stiff late phase steps with (<see cref="FlowOptions.StiffMethod"/>; default Runge-Kutta-Chebyshev).</summary>
    public StiffMethod StiffMethod { get; init; } = StiffMethod.Chebyshev;
    /// <summary>Restarts at fixed times with the state kept there, to resume a stopped run (null: none; ReLU only).</summary>
    public FlowCheckpoints? Checkpoints { get; init; }

    internal override FlowResult Run(TrainingProblem problem, ObserverList observers, TrajectoryObserver trajectory, CancellationToken cancel)
    {
        var options = new FlowOptions
        {
            Horizon = problem.Horizon, Activation = problem.Activation, StationarityTolerance = StationarityTolerance,
            RelativeTolerance = RelativeTolerance, AbsoluteTolerance = AbsoluteTolerance, MaxSteps = MaxSteps,
            MaxStepSize = MaxStepSize, StiffSwitching = StiffSwitching, FieldBackend = FieldBackend,
            DenseOutputCrossings = DenseOutputCrossings, StiffMethod = StiffMethod,
        };
        options.Validate();
        // GeLU is smooth: no switching, so the generic solvers are the right tool for it.
        if (problem.Activation != Activation.Relu)
        {
            if (Checkpoints is not null) throw new ArgumentException($"checkpoints are for the Filippov flow of a ReLU network, not {problem.Activation}", nameof(Checkpoints));
            return PlainFlow.Run(problem.Train, problem.Initial, options, observers, trajectory, cancel);
        }
        if (Checkpoints is { } plan) return FlowSegments.Run(problem.Train, problem.Initial, options, plan, observers.Items, observers, trajectory, cancel);
        return new FilippovIntegrator(problem.Train, problem.Initial, options, observers, trajectory).Run(cancel);
    }
}

/// <summary>
/// The plain right-hand side -grad L (relu'(0) = 0) handed to a generic ODE algorithm: the baseline that chatters on
/// sliding pairs. Default algorithm: Dormand-Prince 5(4) for ReLU, AutoSwitch(Dopri5, Rodas4) for GeLU.
/// </summary>
public sealed record PlainFlowAlgorithm : TrainingAlgorithm
{
    /// <summary>Stops at |grad|_inf &lt;= 1e-8 by default.</summary>
    public PlainFlowAlgorithm() { StationarityTolerance = 1e-8; }
    /// <inheritdoc/>
    public override string Name => $"plain flow ({Algorithm?.Name ?? "default"})";
    /// <summary>The ODE algorithm; null for the default.</summary>
    public Ode.OdeAlgorithm? Algorithm { get; init; }
    /// <summary>Relative tolerance.</summary>
    public double RelativeTolerance { get; init; } = 1e-6;
    /// <summary>Absolute tolerance.</summary>
    public double AbsoluteTolerance { get; init; } = 1e-10;
    /// <summary>Step budget.</summary>
    public long MaxSteps { get; init; } = 5_000_000;

    internal override FlowResult Run(TrainingProblem problem, ObserverList observers, TrajectoryObserver trajectory, CancellationToken cancel)
    {
        var options = new FlowOptions
        {
            Horizon = problem.Horizon, Activation = problem.Activation, Mode = FlowMode.Plain, PlainAlgorithm = Algorithm,
            StationarityTolerance = StationarityTolerance, RelativeTolerance = RelativeTolerance,
            AbsoluteTolerance = AbsoluteTolerance, MaxSteps = MaxSteps,
        };
        options.Validate();
        return PlainFlow.Run(problem.Train, problem.Initial, options, observers, trajectory, cancel);
    }
}

/// <summary>Full-batch gradient descent with a fixed learning rate (<see cref="GradientDescent"/>).</summary>
public sealed record GradientDescentAlgorithm : TrainingAlgorithm
{
    /// <inheritdoc/>
    public override string Name => "gradient descent";
    /// <summary>Learning rate eta; the run does ceil(Horizon / eta) steps at most.</summary>
    public double LearningRate { get; init; } = 0.01;

    internal override FlowResult Run(TrainingProblem problem, ObserverList observers, TrajectoryObserver trajectory, CancellationToken cancel)
        => GradientDescent.Trainer(LearningRate).Run(problem.Train, problem.Initial, Options(problem), observers, trajectory, cancel);

    internal DiscreteTrainingOptions Options(TrainingProblem problem) => new()
    {
        LearningRate = LearningRate, Horizon = problem.Horizon, Activation = problem.Activation, StationarityTolerance = StationarityTolerance,
    };
}

/// <summary>Full-batch Adam with PyTorch's semantics (<see cref="Adam"/>).</summary>
public sealed record AdamAlgorithm : TrainingAlgorithm
{
    /// <inheritdoc/>
    public override string Name => "Adam";
    /// <summary>Learning rate eta; flow time is steps * eta.</summary>
    public double LearningRate { get; init; } = 0.01;
    /// <summary>beta1.</summary>
    public double Beta1 { get; init; } = 0.9;
    /// <summary>beta2.</summary>
    public double Beta2 { get; init; } = 0.999;
    /// <summary>epsilon.</summary>
    public double Epsilon { get; init; } = 1e-8;

    internal override FlowResult Run(TrainingProblem problem, ObserverList observers, TrajectoryObserver trajectory, CancellationToken cancel)
    {
        var options = new DiscreteTrainingOptions
        {
            LearningRate = LearningRate, Horizon = problem.Horizon, Activation = problem.Activation, StationarityTolerance = StationarityTolerance,
            Beta1 = Beta1, Beta2 = Beta2, AdamEpsilon = Epsilon,
        };
        return Adam.Trainer(options, problem.Initial.Theta.Length).Run(problem.Train, problem.Initial, options, observers, trajectory, cancel);
    }
}

/// <summary>The one entry point of training: a problem, an algorithm, observers.</summary>
public static class Training
{
    /// <summary>
    /// Trains <paramref name="problem"/> with <paramref name="algorithm"/>, calling each observer at the start, after
    /// every accepted step and at the end. The result's trajectory is that of the first <see cref="TrajectoryObserver"/>
    /// among the observers (one with 8 points per decade is added when there is none). Solver failures end the run
    /// with a return code, never an exception; bad input throws an ArgumentException before anything runs.
    /// </summary>
    public static FlowResult Solve(TrainingProblem problem, TrainingAlgorithm algorithm,
        IEnumerable<TrainingObserver>? observers = null, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(problem);
        ArgumentNullException.ThrowIfNull(algorithm);
        problem.Validate();
        var list = observers?.ToList() ?? new List<TrainingObserver>();
        for (int i = 0; i < list.Count; i++)
            if (list[i] is null) throw new ArgumentException($"observers[{i}] is null", nameof(observers));
        var trajectory = list.OfType<TrajectoryObserver>().FirstOrDefault();
        if (trajectory is null) list.Insert(0, trajectory = new TrajectoryObserver());
        return algorithm.Run(problem, new ObserverList(list), trajectory, cancel);
    }

    /// <summary>
    /// The options-based entry points (<see cref="GradientFlow.Integrate"/>, <see cref="GradientDescent.Run"/>,
    /// <see cref="Adam.Run"/>): their trajectory, test set and early-phase options become observers.
    /// </summary>
    internal static FlowResult SolveWithOptions(TrainingProblem problem, TrainingAlgorithm algorithm, int pointsPerDecade,
        Dataset? test, double lambda, double earlyPhaseEps, Action<TrajectoryPoint>? progress, CancellationToken cancel)
    {
        var observers = new List<TrainingObserver> { new TrajectoryObserver(pointsPerDecade, test, progress) };
        // The early-phase end max_j |w_j| > lambda^(1 - eps) / sqrt(m) (SimplicityBias.Theory's EarlyPhase states it).
        FirstTimeObserver? early = double.IsNaN(lambda) ? null
            : FirstTimeObserver.MaxNeuronNormAbove(RoundedPow.Pow(lambda, 1 - earlyPhaseEps) / Math.Sqrt(problem.Initial.M));
        if (early is not null) observers.Add(early);
        return Solve(problem, algorithm, observers, cancel).WithEarlyPhase(early);
    }
}
