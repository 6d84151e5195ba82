using System.Diagnostics;
using System.Numerics.Tensors;
using SimplicityBias.Dynamics.Ode;

namespace SimplicityBias.Dynamics.Network;

/// <summary>
/// The loop shared by the discrete baselines (<see cref="GradientDescent"/>, <see cref="Adam"/>): full-batch
/// gradient steps with the PyTorch convention relu'(0) = 0, flow time t = steps * learning rate, trajectory
/// points at log-spaced times, return codes instead of exceptions, no allocation per step.
/// </summary>
/// <remarks>
/// Crossings: the pattern 1[z_jk &gt; 0] is compared between consecutive steps. With the AVX-512 kernel the
/// comparison is a by-product of the forward pass (a few percent of a step). Without it the pre-activations
/// are written out and compared, which costs up to about as much as the gradient itself at small d; that is
/// done at every step when m*n is at most <see cref="CrossingsEveryStepLimit"/>, and for larger problems between
/// consecutive recorded points only, which undercounts pairs that cross and cross back in between. The
/// reason string of the result says which.
/// For GeLU the same sign changes of z are counted (there is no switching, it is only a measure of motion).
/// </remarks>
internal abstract class DiscreteTrainer
{
    /// <summary>Largest m*n for which crossings are counted at every step (4 MB of pre-activations).</summary>
    internal const int CrossingsEveryStepLimit = 1 << 19;

    /// <summary>Tests and benchmarks may force counting at every step by comparing pre-activations (true), or at recorded points only (false).</summary>
    internal static bool? ForceCrossingsEveryStep { get; set; }

    protected abstract string MethodName { get; }

    /// <summary>Moves <paramref name="theta"/> by one step given the gradient there; <paramref name="step"/> counts from 1.</summary>
    protected abstract void Step(Span<double> theta, ReadOnlySpan<double> grad, long step);

    /// <summary>Throws an ArgumentException naming the first invalid input (the options-based entry points check first).</summary>
    internal static void Validate(Dataset train, NetworkParameters init, DiscreteTrainingOptions options)
    {
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(init);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (train.D != init.D) throw new ArgumentException($"init has d = {init.D}, train has d = {train.D}", nameof(init));
        if (options.TestSet is { } test && test.D != init.D)
            throw new ArgumentException($"TestSet has d = {test.D}, init has d = {init.D}", nameof(options));
        if (!Enum.IsDefined(options.Activation))
            throw new ArgumentException($"Activation is not defined: {(int)options.Activation}", nameof(options));
        for (int i = 0; i < init.Theta.Length; i++)
            if (!double.IsFinite(init.Theta[i])) throw new ArgumentException($"init.Theta[{i}] is not finite ({init.Theta[i]})", nameof(init));
    }

    public FlowResult Run(Dataset train, NetworkParameters init, DiscreteTrainingOptions options,
        ObserverList observers, TrajectoryObserver trajectory, CancellationToken cancel)
    {
        Validate(train, init, options);
        double lr = options.LearningRate;
        double stepsD = Math.Ceiling(options.Horizon / lr);
        if (stepsD > 1e15) throw new ArgumentException($"Horizon / LearningRate = {stepsD:G3} steps is too many", nameof(options));
        long maxSteps = (long)stepsD;

        var sw = Stopwatch.StartNew();
        int m = init.M, d = init.D, n = train.N, pCount = init.Theta.Length;
        var kernel = new GradientKernel(train, m, options.Activation);
        var theta = (double[])init.Theta.Clone();
        var prev = new double[pCount];
        var grad = new double[pCount];
        long pairs = (long)m * n;
        bool byProduct = kernel.CountsFlips && ForceCrossingsEveryStep is null;
        bool everyStep = byProduct || (ForceCrossingsEveryStep ?? pairs <= CrossingsEveryStepLimit);
        if (!byProduct && pairs > Array.MaxLength) throw new ArgumentException($"m*n = {pairs} pre-activations do not fit an array", nameof(train));
        var z = byProduct ? Array.Empty<double>() : new double[pairs];
        var signs = new ActivationSigns(byProduct ? 0 : (int)pairs);
        var pattern = byProduct ? new uint[kernel.PatternWords] : Array.Empty<uint>();
        long flips = 0;
        var view = new View(m, d, options.Activation);
        var stats = new FlowStatistics();

        long step = 0, crossings = 0;
        double prevLoss = double.NaN, prevGradNorm = double.NaN;
        OdeReturnCode code;
        string reason;
        double finalTime;
        double[] final = theta;
        while (true)
        {
            double t = step * lr;
            bool due = trajectory.IsDue(t);
            bool wantZ = !byProduct && (everyStep || due || step == maxSteps);
            double loss = byProduct
                ? kernel.EvaluateCountingFlips(theta, grad, pattern, out flips)
                : kernel.Evaluate(theta, grad, default, wantZ ? z : default);
            stats.RhsEvaluations++;
            double gradNorm = FixedOrder.Norm(grad);
            if (!double.IsFinite(loss) || !double.IsFinite(gradNorm))
            {
                code = OdeReturnCode.Unstable;
                if (step == 0)
                {
                    finalTime = 0;
                    reason = $"{MethodName}: loss {loss} or gradient norm {gradNorm} is not finite at the initial point";
                    view.Set(0, theta, loss, gradNorm, crossings);
                    observers.Start(view);
                }
                else
                {
                    final = prev;
                    finalTime = (step - 1) * lr;
                    reason = $"{MethodName}: loss {loss} or gradient norm {gradNorm} is not finite at step {step} (t = {t:G6}); " +
                             $"returning the state of step {step - 1} (learning rate {lr:G6} too large?)";
                    view.Set(finalTime, prev, prevLoss, prevGradNorm, crossings);
                }
                observers.End(view);
                break;
            }
            if (byProduct) { if (step > 0) crossings += flips; }
            else if (wantZ) crossings += signs.Update(z);
            view.Set(t, theta, loss, gradNorm, crossings);
            if (step == 0) observers.Start(view); else observers.Step(view);
            bool stationary = gradNorm <= options.StationarityTolerance;
            bool last = step >= maxSteps;
            bool cancelled = cancel.IsCancellationRequested;
            bool stop = stationary || last || cancelled;
            if (stop)
            {
                observers.End(view);
                finalTime = t;
                if (stationary)
                {
                    code = OdeReturnCode.SteadyState;
                    reason = $"{MethodName}: |grad L| = {gradNorm:G3} <= {options.StationarityTolerance:G3} at t = {t:G6} (step {step})";
                }
                else if (last)
                {
                    code = OdeReturnCode.Success;
                    reason = $"{MethodName}: horizon t = {t:G6} reached after {step} steps of learning rate {lr:G6}";
                }
                else
                {
                    code = OdeReturnCode.Cancelled;
                    reason = $"{MethodName}: cancelled at t = {t:G6} (step {step})";
                }
                break;
            }
            theta.AsSpan().CopyTo(prev);
            prevLoss = loss;
            prevGradNorm = gradNorm;
            Step(theta, grad, step + 1);
            step++;
        }

        stats.AcceptedSteps = code == OdeReturnCode.Unstable ? Math.Max(0, step - 1) : step;
        stats.Crossings = crossings;
        stats.WallSeconds = sw.Elapsed.TotalSeconds;
        reason += everyStep ? $"; {crossings} crossings counted at every step" : $"; {crossings} crossings counted between recorded points only (m*n = {pairs} > {CrossingsEveryStepLimit})";
        return new FlowResult
        {
            Final = new NetworkParameters(m, d, (double[])final.Clone()),
            Code = code,
            Reason = reason,
            Time = finalTime,
            Trajectory = trajectory.Points,
            Statistics = stats,
        };
    }

    /// <summary>The run as observers see it.</summary>
    sealed class View(int m, int d, Activation activation) : TrainingView(m, d, activation)
    {
        double[] _theta = [];
        double _t, _loss, _gradNorm;
        long _crossings;

        public void Set(double t, double[] theta, double loss, double gradNorm, long crossings)
            => (_t, _theta, _loss, _gradNorm, _crossings) = (t, theta, loss, gradNorm, crossings);

        public override double Time => _t;
        public override ReadOnlySpan<double> Theta => _theta;
        public override double Loss => _loss;
        public override double GradNorm => _gradNorm;
        public override long Crossings => _crossings;
    }
}
