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
        ObserverList observers, TrajectoryObserver trajectory, CancellationToken cancel)
    {
        var clock = Stopwatch.StartNew();
        int m = initial.M, d = initial.D;
        var kernel = new GradientKernel(train, m, options.Activation);
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
            MaxSteps = options.MaxSteps, SteadyStateTolerance = options.StationarityTolerance, Cancellation = cancel,
        };
        var view = new View(kernel, m, d, options.Activation, (double[])initial.Theta.Clone());
        observers.Start(view);
        OdeAlgorithm algorithm = options.PlainAlgorithm ?? (options.Activation == Activation.Relu ? new Dopri5() : new AutoSwitch());
        var stream = OdeSolver.Enumerate(problem, algorithm, odeOptions);
        foreach (var step in stream)
        {
            view.Set(step.T, step.Y);
            observers.Step(view);
        }
        var integrator = stream.Integrator!;
        observers.End(view);
        var s = integrator.Statistics;
        return new FlowResult
        {
            Final = view.CopyParameters(), Code = integrator.ReturnCode,
            Reason = $"{algorithm.Name}: {integrator.Reason}",
            Time = view.Time, Trajectory = trajectory.Points,
            Statistics = new FlowStatistics
            {
                RhsEvaluations = s.FunctionEvaluations, JacobianEvaluations = s.JacobianEvaluations,
                LuFactorizations = s.LuFactorizations, AcceptedSteps = s.AcceptedSteps, RejectedSteps = s.RejectedSteps,
                StiffSteps = s.StiffSteps, WallSeconds = clock.Elapsed.TotalSeconds,
            },
        };
    }

    /// <summary>The run as observers see it: the loss and gradient are evaluated only when an observer asks.</summary>
    sealed class View(GradientKernel kernel, int m, int d, Activation activation, double[] y) : TrainingView(m, d, activation)
    {
        readonly double[] _grad = new double[y.Length];
        double _t, _loss = double.NaN, _gradNorm = double.NaN;
        bool _evaluated;

        public void Set(double t, ReadOnlySpan<double> state)
        {
            _t = t;
            state.CopyTo(y);
            _evaluated = false;
        }

        public override double Time => _t;
        public override ReadOnlySpan<double> Theta => y;
        public override double Loss { get { Evaluate(); return _loss; } }
        public override double GradNorm { get { Evaluate(); return _gradNorm; } }
        public override long Crossings => 0;

        void Evaluate()
        {
            if (_evaluated) return;
            _loss = kernel.Evaluate(y, _grad);
            _gradNorm = FixedOrder.Norm(_grad);
            _evaluated = true;
        }
    }
}
