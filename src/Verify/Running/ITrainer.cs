using SimplicityBias.Dynamics.Network;
using SimplicityBias.Dynamics.Ode;
using SimplicityBias.Theory.Experiments;
using SimplicityBias.Theory.Extremal;
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
    /// <param name="cancel">Cancellation: the run ends with <see cref="OdeReturnCode.Cancelled"/>.</param>
    FlowResult Train(Dataset train, NetworkParameters initial, ExperimentSpec spec, Dataset? test,
        Action<TrajectoryPoint>? progress, CancellationToken cancel);

    /// <summary>
    /// Trains, keeping the checkpoints of a spec with checkpointsPerDecade in <paramref name="checkpoint"/> and
    /// continuing from the one found there (a trainer without checkpoints ignores it).
    /// </summary>
    FlowResult Train(Dataset train, NetworkParameters initial, ExperimentSpec spec, Dataset? test,
        Action<TrajectoryPoint>? progress, RunCheckpoint? checkpoint, CancellationToken cancel)
        => Train(train, initial, spec, test, progress, cancel);
}

/// <summary>Chooses the trainer of a spec's solver.</summary>
public interface ITrainerFactory
{
    /// <summary>The trainer for <see cref="Experiment.Solver"/>.</summary>
    ITrainer For(ExperimentSpec spec);
}

/// <summary>The real trainers: one, <see cref="SolveTrainer"/>, for every solver.</summary>
public sealed class DefaultTrainerFactory : ITrainerFactory
{
    /// <summary>The shared instance.</summary>
    public static readonly DefaultTrainerFactory Instance = new();

    /// <inheritdoc/>
    public ITrainer For(ExperimentSpec spec) => SolveTrainer.Instance;
}

/// <summary>
/// Trains through <see cref="Training.Solve"/>: the spec's solver becomes an algorithm, its trajectory settings, test
/// set and early-phase rule (<see cref="EarlyPhase"/>) become observers.
/// </summary>
public sealed class SolveTrainer : ITrainer
{
    /// <summary>The shared instance.</summary>
    public static readonly SolveTrainer Instance = new();

    /// <summary>The training problem of a spec.</summary>
    public static TrainingProblem Problem(Dataset train, NetworkParameters initial, ExperimentSpec spec)
        => new(train, initial, spec.Horizon, spec.Activation);

    /// <summary>The algorithm of a spec's solver (flow, flow-plain, gd, adam).</summary>
    public static TrainingAlgorithm Algorithm(ExperimentSpec spec) => spec.Solver switch
    {
        Solver.Flow => new FilippovFlowAlgorithm
        {
            StationarityTolerance = spec.StationarityTol, RelativeTolerance = spec.Rtol, AbsoluteTolerance = spec.Atol, MaxSteps = spec.MaxSteps,
            // The restarts happen whether or not their checkpoints are kept: they are part of the run.
            Checkpoints = spec.CheckpointsPerDecade > 0 ? new FlowCheckpoints { PerDecade = spec.CheckpointsPerDecade } : null,
        },
        Solver.FlowPlain => new PlainFlowAlgorithm
        {
            StationarityTolerance = spec.StationarityTol, RelativeTolerance = spec.Rtol, AbsoluteTolerance = spec.Atol, MaxSteps = spec.MaxSteps,
        },
        Solver.Gd => new GradientDescentAlgorithm { LearningRate = spec.LearningRate, StationarityTolerance = spec.StationarityTol },
        Solver.Adam => new AdamAlgorithm { LearningRate = spec.LearningRate, StationarityTolerance = spec.StationarityTol },
        _ => throw new ArgumentException($"solver: unknown value '{spec.Solver}'", nameof(spec)),
    };

    /// <inheritdoc/>
    public FlowResult Train(Dataset train, NetworkParameters initial, ExperimentSpec spec, Dataset? test,
        Action<TrajectoryPoint>? progress, CancellationToken cancel)
        => Solve(train, initial, spec, Algorithm(spec), test, progress, cancel);

    /// <inheritdoc/>
    /// <remarks>
    /// A checkpoint that cannot continue the run (damaged, of another build of the integrator, of another run) is not
    /// used: a note says why and the run starts at t = 0, which ends with the same bits, only later; the file is
    /// replaced at the run's first restart.
    /// </remarks>
    public FlowResult Train(Dataset train, NetworkParameters initial, ExperimentSpec spec, Dataset? test,
        Action<TrajectoryPoint>? progress, RunCheckpoint? checkpoint, CancellationToken cancel)
    {
        var algorithm = Algorithm(spec);
        if (checkpoint is not { Files: var files, Key: var key } || algorithm is not FilippovFlowAlgorithm { Checkpoints: { } plan } flow)
            return Solve(train, initial, spec, algorithm, test, progress, cancel);
        var path = files.PathOf(key);
        plan = plan with { RunKey = key, Save = (bytes, t) => Save(files, key, bytes, t) };
        if (files.Load(key) is { } bytes)
        {
            var resume = plan with { Resume = bytes, Resumed = t => files.Note?.Invoke(FormattableString.Invariant($"run {key[..Math.Min(12, key.Length)]}: resumed from its checkpoint at t = {t:G6} ({path})")) };
            try { return Solve(train, initial, spec, flow with { Checkpoints = resume }, test, progress, cancel); }
            catch (FlowCheckpointException e) { files.Note?.Invoke($"run {key[..Math.Min(12, key.Length)]}: checkpoint {path} not used, the run starts at t = 0: {e.Message}"); }
        }
        return Solve(train, initial, spec, flow with { Checkpoints = plan }, test, progress, cancel);
    }

    /// <summary>
    /// Writes a checkpoint; a write that fails (disk full, no permission) is noted and the run goes on: the checkpoint
    /// is a cache, and the run's result does not depend on it.
    /// </summary>
    static void Save(CheckpointFiles files, string key, byte[] bytes, double t)
    {
        try { files.Save(key, bytes); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            files.Note?.Invoke(FormattableString.Invariant($"run {key[..Math.Min(12, key.Length)]}: the checkpoint at t = {t:G6} could not be written ({e.Message}); the run goes on"));
        }
    }

    static FlowResult Solve(Dataset train, NetworkParameters initial, ExperimentSpec spec, TrainingAlgorithm algorithm, Dataset? test,
        Action<TrajectoryPoint>? progress, CancellationToken cancel)
    {
        var early = double.IsNaN(spec.Lambda) ? null : EarlyPhase.Observer(spec.Lambda, spec.EarlyPhaseEps, initial.M);
        var observers = new List<TrainingObserver> { new TrajectoryObserver(spec.PointsPerDecade, test, progress) };
        if (early is not null) observers.Add(early);
        return Training.Solve(Problem(train, initial, spec), algorithm, observers, cancel).WithEarlyPhase(early);
    }
}
