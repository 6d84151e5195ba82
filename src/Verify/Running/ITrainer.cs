using SimplicityBias.Dynamics.Network;
using SimplicityBias.Theory.Experiments;
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
    /// <summary>The trainer for <see cref="Experiment.Solver"/>.</summary>
    ITrainer For(ExperimentSpec spec);
}

/// <summary>The real trainers: the Filippov gradient flow (and its plain baseline), gradient descent and Adam.</summary>
public sealed class DefaultTrainerFactory : ITrainerFactory
{
    /// <summary>The shared instance.</summary>
    public static readonly DefaultTrainerFactory Instance = new();

    /// <inheritdoc/>
    public ITrainer For(ExperimentSpec spec) => spec.IsFlow ? FlowTrainer.Instance : DiscreteTrainer.Instance;
}

/// <summary>Calls <see cref="GradientFlow.Integrate"/> with options taken from the spec.</summary>
public sealed class FlowTrainer : ITrainer
{
    /// <summary>The shared instance.</summary>
    public static readonly FlowTrainer Instance = new();

    /// <summary>The flow options of a spec.</summary>
    public static FlowOptions Options(ExperimentSpec spec, Dataset? test) => spec.FlowOptions(test);

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
    public static DiscreteTrainingOptions Options(ExperimentSpec spec, Dataset? test) => spec.DiscreteOptions(test);

    /// <inheritdoc/>
    public FlowResult Train(Dataset train, NetworkParameters initial, ExperimentSpec spec, Dataset? test,
        Action<TrajectoryPoint>? progress, CancellationToken cancel)
    {
        var options = Options(spec, test);
        return spec.Solver == Solver.Adam
            ? Adam.Run(train, initial, options, progress, cancel)
            : GradientDescent.Run(train, initial, options, progress, cancel);
    }
}
