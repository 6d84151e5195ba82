using SimplicityBias.Dynamics.Network;
using SimplicityBias.Verify.Specs;

namespace SimplicityBias.Verify.Running;

/// <summary>Trains a network from given initial parameters: the seam between the pipeline and the integrators (and a fake in tests).</summary>
public interface ITrainer
{
    /// <summary>Trains; must not throw on solver failure (return codes), and must honour <paramref name="cancel"/>.</summary>
    /// <param name="train">Training data.</param>
    /// <param name="initial">Initial parameters (not modified).</param>
    /// <param name="spec">The spec (solver, tolerances, horizon, lambda, ...).</param>
    /// <param name="test">Optional test set, recorded along the trajectory.</param>
    /// <param name="progress">Called with each recorded trajectory point (may be null).</param>
    /// <param name="cancel">Cancellation: the run ends with <see cref="FlowReturnCode.Cancelled"/>.</param>
    FlowResult Train(Dataset train, NetworkParameters initial, ExperimentSpec spec, Dataset? test,
        Action<TrajectoryPoint>? progress, CancellationToken cancel);
}

/// <summary>Chooses the trainer of a spec's solver.</summary>
public interface ITrainerFactory
{
    /// <summary>The trainer for <see cref="ExperimentSpec.Solver"/>.</summary>
    ITrainer For(ExperimentSpec spec);
}

/// <summary>The real trainers: the Filippov gradient flow (and its plain baseline), gradient descent and Adam.</summary>
public sealed class DefaultTrainerFactory : ITrainerFactory
{
    /// <summary>The shared instance.</summary>
    public static readonly DefaultTrainerFactory Instance = new();

    /// <inheritdoc/>
    public ITrainer For(ExperimentSpec spec) => spec.Solver switch
    {
        "flow" or "flow-plain" => FlowTrainer.Instance,
        "gd" or "adam" => DiscreteTrainer.Instance,
        _ => throw new ArgumentException($"solver: unknown value '{spec.Solver}'", nameof(spec)),
    };
}

/// <summary>Calls <see cref="GradientFlow.Integrate"/> with options taken from the spec.</summary>
public sealed class FlowTrainer : ITrainer
{
    /// <summary>The shared instance.</summary>
    public static readonly FlowTrainer Instance = new();

    /// <summary>The flow options of a spec.</summary>
    public static FlowOptions Options(ExperimentSpec spec, Dataset? test) => new()
    {
        Horizon = spec.Horizon,
        StationarityTolerance = spec.StationarityTol,
        RelativeTolerance = spec.Rtol,
        AbsoluteTolerance = spec.Atol,
        Activation = spec.Activation == "gelu" ? Activation.Gelu : Activation.Relu,
        Mode = spec.Solver == "flow-plain" ? FlowMode.Plain : FlowMode.Filippov,
        TestSet = test,
        PointsPerDecade = spec.PointsPerDecade,
        Lambda = spec.Lambda,
        EarlyPhaseEps = spec.EarlyPhaseEps,
        MaxSteps = spec.MaxSteps,
    };

    /// <inheritdoc/>
    public FlowResult Train(Dataset train, NetworkParameters initial, ExperimentSpec spec, Dataset? test,
        Action<TrajectoryPoint>? progress, CancellationToken cancel)
        => GradientFlow.Integrate(train, initial, Options(spec, test), progress, cancel);
}

/// <summary>Gradient descent and Adam (SimplicityBias.Dynamics.Network) with <see cref="DiscreteTrainingOptions"/> from the spec.</summary>
public sealed class DiscreteTrainer : ITrainer
{
    /// <summary>The shared instance.</summary>
    public static readonly DiscreteTrainer Instance = new();

    /// <summary>The discrete options of a spec.</summary>
    public static DiscreteTrainingOptions Options(ExperimentSpec spec, Dataset? test) => new()
    {
        LearningRate = spec.LearningRate,
        Horizon = spec.Horizon,
        StationarityTolerance = spec.StationarityTol,
        Activation = spec.Activation == "gelu" ? Activation.Gelu : Activation.Relu,
        TestSet = test,
        PointsPerDecade = spec.PointsPerDecade,
        Lambda = spec.Lambda,
        EarlyPhaseEps = spec.EarlyPhaseEps,
    };

    /// <inheritdoc/>
    public FlowResult Train(Dataset train, NetworkParameters initial, ExperimentSpec spec, Dataset? test,
        Action<TrajectoryPoint>? progress, CancellationToken cancel)
    {
        var options = Options(spec, test);
        return spec.Solver == "adam"
            ? Adam.Run(train, initial, options, progress, cancel)
            : GradientDescent.Run(train, initial, options, progress, cancel);
    }
}
