using System.Diagnostics;
using SimplicityBias.Dynamics.Ode;

namespace SimplicityBias.Dynamics.Network;

/// <summary>
/// The baseline the Filippov integrator is measured against: the plain right-hand side -grad L with
/// relu'(0) = 0 (the pattern re-read at every evaluation) handed to a generic solver of the ODE library,
/// exactly as one would hand it to SciPy's solve_ivp. It chatters on sliding pairs; that is the point.
/// </summary>
internal static class PlainFlow
{
    public static FlowResult Run(Dataset train, NetworkParameters initial, FlowOptions options,
        Action<TrajectoryPoint>? progress, CancellationToken cancel)
    {
        var clock = Stopwatch.StartNew();
        int m = initial.M, d = initial.D, p = initial.Theta.Length;
        var kernel = new GradientKernel(train, m, options.Activation);
        var testKernel = options.TestSet is { } test ? new GradientKernel(test, m, options.Activation) : null;
        var hessian = new Lazy<LossHessian>(() => new LossHessian(train, m, options.Activation));
        OdeRhs rhs = (t, y, f) =>
        {
            kernel.Evaluate(y, f);
            for (int i = 0; i < f.Length; i++) f[i] = -f[i];
        };
        OdeJacobian jac = (t, y, j) =>
        {
            hessian.Value.Evaluate(y, j);
            for (int i = 0; i < j.Length; i++) j[i] = -j[i];
        };
        var problem = new OdeProblem(rhs, initial.Theta, 0, options.Horizon, jac) { IsAutonomous = true };
        var odeOptions = new OdeOptions
        {
            RelativeTolerance = options.RelativeTolerance, AbsoluteTolerance = options.AbsoluteTolerance,
            MaxSteps = options.MaxSteps, SteadyStateTolerance = options.StationarityTolerance,
        };
        var c0 = NetworkDiagnostics.Balancedness(initial.Theta, m, d);
        double scale0 = NetworkDiagnostics.SquaredScale(initial.Theta, m, d);
        var recorder = new TrajectoryRecorder(options.PointsPerDecade);
        var grad = new double[p];
        TrajectoryPoint Point(double t, ReadOnlySpan<double> y)
        {
            double loss = kernel.Evaluate(y, grad);
            double g = FixedOrder.Norm(grad);
            double testLoss = testKernel is null ? double.NaN : testKernel.Evaluate(y, default);
            return new TrajectoryPoint(t, loss, g, testLoss, NetworkDiagnostics.MaxNeuronNorm(y, m, d), 0, 0,
                NetworkDiagnostics.BalancednessDrift(y, m, d, c0, scale0));
        }
        void Add(TrajectoryPoint pt) { recorder.Add(pt); progress?.Invoke(pt); }

        Add(Point(0, initial.Theta));
        double earlyThreshold = double.IsNaN(options.Lambda) ? double.PositiveInfinity
            : RoundedPow.Pow(options.Lambda, 1 - options.EarlyPhaseEps) / Math.Sqrt(m);
        NetworkParameters? early = null;
        double earlyTime = double.NaN;
        OdeAlgorithm algorithm = options.PlainAlgorithm ?? (options.Activation == Activation.Relu ? new Dopri5() : new AutoSwitch());
        var stream = OdeSolver.Enumerate(problem, algorithm, odeOptions);
        bool cancelled = false;
        double tLast = 0;
        double[] yLast = (double[])initial.Theta.Clone();
        foreach (var step in stream)
        {
            tLast = step.T;
            step.Y.CopyTo(yLast);
            if (early is null && NetworkDiagnostics.MaxNeuronNorm(yLast, m, d) > earlyThreshold) { early = new NetworkParameters(m, d, (double[])yLast.Clone()); earlyTime = tLast; }
            if (recorder.IsDue(tLast)) Add(Point(tLast, yLast));
            if (cancel.IsCancellationRequested) { cancelled = true; break; }
        }
        var integrator = stream.Integrator!;
        var final = Point(tLast, yLast);
        recorder.AddFinal(final);
        var s = integrator.Statistics;
        var code = cancelled ? FlowReturnCode.Cancelled : integrator.ReturnCode switch
        {
            OdeReturnCode.Success => FlowReturnCode.TimeLimit,
            OdeReturnCode.SteadyState => FlowReturnCode.Stationary,
            OdeReturnCode.MaxSteps => FlowReturnCode.MaxSteps,
            OdeReturnCode.StepSizeTooSmall => FlowReturnCode.StepSizeTooSmall,
            OdeReturnCode.Unstable => FlowReturnCode.Unstable,
            _ => FlowReturnCode.TimeLimit,
        };
        return new FlowResult
        {
            Final = new NetworkParameters(m, d, yLast), Code = code,
            Reason = cancelled ? $"cancelled at t = {tLast:G6}" : $"{algorithm.Name}: {integrator.Reason}",
            Time = tLast, Trajectory = recorder.Points, EarlyPhaseEnd = early, EarlyPhaseTime = earlyTime,
            Statistics = new FlowStatistics
            {
                RhsEvaluations = s.FunctionEvaluations, JacobianEvaluations = s.JacobianEvaluations,
                LuFactorizations = s.LuFactorizations, AcceptedSteps = s.AcceptedSteps, RejectedSteps = s.RejectedSteps,
                StiffSteps = s.StiffSteps, WallSeconds = clock.Elapsed.TotalSeconds,
            },
        };
    }
}
