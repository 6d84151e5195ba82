using SimplicityBias.Dynamics.Ode;

namespace SimplicityBias.Dynamics.Network;

/// <summary>
/// Full-batch Adam with PyTorch's semantics (torch.optim.Adam, no weight decay, no amsgrad):
/// m &lt;- beta1 m + (1 - beta1) g, v &lt;- beta2 v + (1 - beta2) g^2, and
/// theta &lt;- theta - (eta / (1 - beta1^t)) m / (sqrt(v) / sqrt(1 - beta2^t) + epsilon), t the step number from 1.
/// relu'(0) = 0. Flow time is steps * eta (a bookkeeping convention: Adam does not follow the gradient flow).
/// </summary>
public static class Adam
{
    /// <summary>Runs Adam from <paramref name="init"/> (not modified) until the horizon, stationarity, divergence or cancellation.</summary>
    /// <param name="train">Training data.</param>
    /// <param name="init">Initial parameters.</param>
    /// <param name="options">Learning rate, Beta1, Beta2, AdamEpsilon, horizon, test set, recording (validated).</param>
    /// <param name="progress">Called with each recorded trajectory point (may be null).</param>
    /// <param name="cancel">Ends the run with <see cref="OdeReturnCode.Cancelled"/> and the current state.</param>
    /// <returns>As <see cref="GradientDescent.Run"/>.</returns>
    public static FlowResult Run(Dataset train, NetworkParameters init, DiscreteTrainingOptions options,
        Action<TrajectoryPoint>? progress = null, CancellationToken cancel = default)
    {
        DiscreteTrainer.Validate(train, init, options);
        var algorithm = new AdamAlgorithm
        {
            LearningRate = options.LearningRate, Beta1 = options.Beta1, Beta2 = options.Beta2, Epsilon = options.AdamEpsilon,
            StationarityTolerance = options.StationarityTolerance,
        };
        return Training.SolveWithOptions(new TrainingProblem(train, init, options.Horizon, options.Activation), algorithm,
            options.PointsPerDecade, options.TestSet, options.Lambda, options.EarlyPhaseEps, progress, cancel);
    }

    internal static DiscreteTrainer Trainer(DiscreteTrainingOptions options, int count) => new Method(options, count);

    sealed class Method(DiscreteTrainingOptions o, int count) : DiscreteTrainer
    {
        readonly double[] _m = new double[count], _v = new double[count];

        protected override string MethodName => "Adam";

        protected override void Step(Span<double> theta, ReadOnlySpan<double> grad, long step)
        {
            double b1 = o.Beta1, b2 = o.Beta2, eps = o.AdamEpsilon;
            double bc1 = 1 - RoundedPow.Pow(b1, step);
            double bc2Sqrt = Math.Sqrt(1 - RoundedPow.Pow(b2, step));
            double stepSize = o.LearningRate / bc1;
            for (int i = 0; i < theta.Length; i++)
            {
                double g = grad[i];
                double mi = _m[i] += (1 - b1) * (g - _m[i]); // PyTorch: exp_avg.lerp_(grad, 1 - beta1)
                double vi = _v[i] = b2 * _v[i] + (1 - b2) * g * g;
                theta[i] -= stepSize * mi / (Math.Sqrt(vi) / bc2Sqrt + eps);
            }
        }
    }
}
