using SimplicityBias.Dynamics.Ode;

namespace SimplicityBias.Dynamics.Network;

/// <summary>
/// The options-based entry point of the gradient flow (<see cref="Training.Solve"/> is the general one) d(theta)/dt = -grad L(theta) of the two-layer network,
/// integrated as a Filippov system (docs/THEORY.md section 10).
/// </summary>
public static class GradientFlow
{
    /// <summary>Integrates from <paramref name="initial"/> until stationarity or the horizon.</summary>
    /// <param name="train">Training data.</param>
    /// <param name="initial">Initial parameters (not modified).</param>
    /// <param name="options">Options (validated).</param>
    /// <param name="progress">Called with each recorded trajectory point (may be null).</param>
    /// <param name="cancel">Cancellation: ends the run with <see cref="OdeReturnCode.Cancelled"/> and the last good state.</param>
    public static FlowResult Integrate(Dataset train, NetworkParameters initial, FlowOptions options,
        Action<TrajectoryPoint>? progress = null, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(initial);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (initial.D != train.D) throw new ArgumentException($"initial has d = {initial.D}, train has d = {train.D}", nameof(initial));
        if (options.TestSet is { } test && test.D != train.D) throw new ArgumentException($"TestSet has d = {test.D}, train has d = {train.D}", nameof(options));
        foreach (var v in initial.Theta)
            if (!double.IsFinite(v)) throw new ArgumentException($"initial parameters contain {v}", nameof(initial));
        // GeLU is smooth: no switching, so the generic solvers are the right tool for it too.
        TrainingAlgorithm algorithm = options.Mode == FlowMode.Plain || options.Activation != Activation.Relu
            ? new PlainFlowAlgorithm
            {
                Algorithm = options.PlainAlgorithm, StationarityTolerance = options.StationarityTolerance, RelativeTolerance = options.RelativeTolerance,
                AbsoluteTolerance = options.AbsoluteTolerance, MaxSteps = options.MaxSteps,
            }
            : new FilippovFlowAlgorithm
            {
                StationarityTolerance = options.StationarityTolerance, RelativeTolerance = options.RelativeTolerance,
                AbsoluteTolerance = options.AbsoluteTolerance, MaxSteps = options.MaxSteps, MaxStepSize = options.MaxStepSize,
                StiffSwitching = options.StiffSwitching, FieldBackend = options.FieldBackend,
                DenseOutputCrossings = options.DenseOutputCrossings, StiffMethod = options.StiffMethod,
            };
        return Training.SolveWithOptions(new TrainingProblem(train, initial, options.Horizon, options.Activation), algorithm,
            options.PointsPerDecade, options.TestSet, options.Lambda, options.EarlyPhaseEps, progress, cancel);
    }
}
