using System.Numerics.Tensors;
using SimplicityBias.Dynamics.Ode;

namespace SimplicityBias.Dynamics.Network;

/// <summary>
/// Full-batch gradient descent theta &lt;- theta - eta grad L(theta) with a fixed learning rate eta and
/// PyTorch's relu'(0) = 0: the discrete baseline that approximates the gradient flow with an O(eta) error.
/// Flow time t = steps * eta. See <see cref="DiscreteTrainingOptions"/> for the options.
/// </summary>
public static class GradientDescent
{
    /// <summary>Runs gradient descent from <paramref name="init"/> (not modified) until the horizon, stationarity, divergence or cancellation.</summary>
    /// <param name="train">Training data.</param>
    /// <param name="init">Initial parameters.</param>
    /// <param name="options">Learning rate, horizon, test set, recording (validated).</param>
    /// <param name="progress">Called with each recorded trajectory point (may be null).</param>
    /// <param name="cancel">Ends the run with <see cref="OdeReturnCode.Cancelled"/> and the current state.</param>
    /// <returns>Final state, return code (<see cref="OdeReturnCode.Success"/>, <see cref="OdeReturnCode.SteadyState"/>,
    /// <see cref="OdeReturnCode.Unstable"/> with the last finite state, <see cref="OdeReturnCode.Cancelled"/>),
    /// trajectory and statistics (RhsEvaluations = gradient evaluations).</returns>
    public static FlowResult Run(Dataset train, NetworkParameters init, DiscreteTrainingOptions options,
        Action<TrajectoryPoint>? progress = null, CancellationToken cancel = default)
    {
        DiscreteTrainer.Validate(train, init, options);
        var algorithm = new GradientDescentAlgorithm { LearningRate = options.LearningRate, StationarityTolerance = options.StationarityTolerance };
        return Training.SolveWithOptions(new TrainingProblem(train, init, options.Horizon, options.Activation), algorithm,
            options.PointsPerDecade, options.TestSet, options.Lambda, options.EarlyPhaseEps, progress, cancel);
    }

    internal static DiscreteTrainer Trainer(double learningRate) => new Method(learningRate);

    sealed class Method(double learningRate) : DiscreteTrainer
    {
        protected override string MethodName => "gradient descent";

        protected override void Step(Span<double> theta, ReadOnlySpan<double> grad, long step)
            => TensorPrimitives.MultiplyAdd(grad, -learningRate, theta, theta);
    }
}
