namespace SimplicityBias.Dynamics.Ode;

/// <summary>
/// The integration driver: advances one accepted step per <see cref="Step"/> call with step control, events
/// (located on the dense output), save-at times, the per-step callback, steady-state detection and the step
/// budget, the step validator and the step observers. Failures end the run with a <see cref="OdeReturnCode"/> and the
/// last good state; once the constructor (which validates everything) has returned, nothing is thrown but what the
/// caller's callbacks throw and a validator's shrink factor outside (0, 1). Allocation-free per step unless states are
/// saved or events happen.
/// </summary>
public sealed partial class OdeIntegrator
{
    private const int MaxNonFiniteRejections = 12;
    private readonly OdeProblem _problem;
    private readonly OdeOptions _options;
    private readonly OdeStepper _stepper;
    private readonly PidController _controller;
    private readonly double _rtol;
    private readonly double[] _atol;
    private readonly double[] _y;
    private readonly double[] _work1, _work2;
    private readonly OdeEvent[] _events;
    private readonly OdeStepObserver[] _observers;
    private readonly double[] _gPrev, _gNew, _roots;
    private readonly bool[] _pending;
    private readonly bool[] _probe; // g starts on its zero set: take its sign a little way into the next step
    private readonly double[] _saveAt;
    private readonly List<double> _savedTimes = new();
    private readonly List<double[]> _savedStates = new();
    private readonly List<OdeEventRecord> _eventRecords = new();
    private double _t, _tPrev, _h;
    private bool _started, _finished, _restartPending, _hasStep;
    private int _saveIndex, _steadyCount, _nonFiniteRejections, _lastEvent = -1;
    private long _lastNonFiniteStep = long.MinValue / 2; // step count at the last rejection for a NaN/Inf
    private double _lastNonFiniteTime = double.NaN;
    private long _steps;

    /// <summary>Validates everything (throws <see cref="ArgumentException"/> naming the option and value) and prepares the run.</summary>
    public OdeIntegrator(OdeProblem problem, OdeAlgorithm algorithm, OdeOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(problem);
        ArgumentNullException.ThrowIfNull(algorithm);
        options ??= new OdeOptions();
        options.Validate(problem);
        _problem = problem;
        _options = options;
        Statistics = new OdeStatistics();
        _stepper = algorithm.CreateStepper(problem, Statistics);
        _controller = (options.Controller ?? algorithm.DefaultController()).Clone();
        _controller.Validate();
        int n = problem.Dimension;
        _rtol = options.RelativeTolerance;
        _atol = options.AbsoluteTolerances != null ? (double[])options.AbsoluteTolerances.Clone() : [options.AbsoluteTolerance];
        _y = problem.InitialState.ToArray();
        _work1 = new double[n];
        _work2 = new double[n];
        _events = options.Events?.ToArray() ?? [];
        _observers = options.Observers?.ToArray() ?? [];
        _gPrev = new double[_events.Length];
        _gNew = new double[_events.Length];
        _roots = new double[_events.Length];
        _pending = new bool[_events.Length];
        _probe = new bool[_events.Length];
        _saveAt = options.SaveAt != null ? (double[])options.SaveAt.Clone() : [];
        _t = problem.T0;
        _tPrev = problem.T0;
        Algorithm = algorithm;
        ReturnCode = OdeReturnCode.Success;
        Reason = "not finished";
    }

    /// <summary>The algorithm.</summary>
    public OdeAlgorithm Algorithm { get; }
    /// <summary>The stepper doing the work (for inspection).</summary>
    public OdeStepper Stepper => _stepper;
    /// <summary>The problem.</summary>
    public OdeProblem Problem => _problem;
    /// <summary>Counters, updated as the run goes.</summary>
    public OdeStatistics Statistics { get; }
    /// <summary>Current time (end of the last step, or the event time it was cut at).</summary>
    public double T => _t;
    /// <summary>Start of the last step.</summary>
    public double TPrevious => _tPrev;
    /// <summary>Current state, after any event affect or step callback (valid until the next <see cref="Step"/>).</summary>
    public ReadOnlySpan<double> Y => _y;
    /// <summary>Accepted steps so far.</summary>
    public long StepCount => _steps;
    /// <summary>The step size the controller proposes next.</summary>
    public double NextStepSize => _h;
    /// <summary>True once the run has ended; <see cref="ReturnCode"/> and <see cref="Reason"/> say why.</summary>
    public bool IsFinished => _finished;
    /// <summary>Why the run ended (meaningful once <see cref="IsFinished"/>).</summary>
    public OdeReturnCode ReturnCode { get; private set; }
    /// <summary>A sentence with numbers saying why the run ended.</summary>
    public string Reason { get; private set; }
    /// <summary>Index of the event that cut the last step (affect or terminal), or -1.</summary>
    public int LastEventIndex => _lastEvent;
    /// <summary>Save-at (and every-step) times recorded so far.</summary>
    public IReadOnlyList<double> SavedTimes => _savedTimes;
    /// <summary>States matching <see cref="SavedTimes"/>.</summary>
    public IReadOnlyList<double[]> SavedStates => _savedStates;
    /// <summary>Events that happened so far.</summary>
    public IReadOnlyList<OdeEventRecord> Events => _eventRecords;

    /// <summary>
    /// Dense output inside the last step [<see cref="TPrevious"/>, <see cref="T"/>] (before any affect or callback
    /// change at its end). Valid until the next <see cref="Step"/>.
    /// </summary>
    public void Interpolate(double t, Span<double> y)
    {
        if (!_hasStep) throw new InvalidOperationException("No step to interpolate yet.");
        double slack = 1e-9 * Math.Abs(_t - _tPrev);
        if (!(t >= _tPrev - slack && t <= _t + slack))
            throw new ArgumentOutOfRangeException(nameof(t), t, $"t must lie in the last step [{_tPrev}, {_t}]");
        _stepper.Interpolate(t, y);
    }

    /// <summary>Runs until the end and returns the solution.</summary>
    public OdeSolution Run()
    {
        while (Step()) { }
        return ToSolution();
    }

    /// <summary>The solution as it stands (final state = current state).</summary>
    public OdeSolution ToSolution() => new()
    {
        Final = _y.ToArray(),
        Time = _t,
        ReturnCode = ReturnCode,
        Reason = Reason,
        Statistics = Statistics.Clone(),
        SavedTimes = _savedTimes.ToArray(),
        SavedStates = _savedStates.ToArray(),
        Events = _eventRecords.ToArray(),
        Algorithm = Algorithm.Name,
    };

    /// <summary>
    /// Advances by one accepted step. Returns true when a step was taken (the run may have finished with it:
    /// see <see cref="IsFinished"/>), false when no further step is possible.
    /// </summary>
    public bool Step()
    {
        if (_finished) return false;
        if (!_started && !Start()) return false;
        if (_restartPending && !Restart()) return false;
        if (_options.Cancellation.IsCancellationRequested) return Finish(OdeReturnCode.Cancelled, $"cancelled at t={_t:R}");
        _lastEvent = -1;
        double t1 = _problem.T1;
        bool fixedStep = _options.FixedStep > 0;
        while (true)
        {
            if (_steps >= _options.MaxSteps)
                return Finish(OdeReturnCode.MaxSteps, $"step budget MaxSteps={_options.MaxSteps} used up at t={_t:R} before T1={t1:R}");
            double h = fixedStep ? _options.FixedStep : Math.Min(_h, _options.MaxStep);
            bool last = false;
            // Stretch the last step a little rather than leave a sliver (Hairer's 1.01 rule).
            if (_t + h * (fixedStep ? 1 + 1e-9 : 1.01) >= t1)
            {
                h = t1 - _t;
                last = true;
            }
            if (!fixedStep && !last && h < _options.MinStep)
                return StepTooSmall($"step size h={h:R} below MinStep={_options.MinStep:R} at t={_t:R}");
            if (!(_t + h > _t))
                return StepTooSmall($"step size h={h:R} no longer advances t={_t:R}");

            double err = _stepper.Attempt(h, _rtol, _atol);
            if (double.IsNaN(err))
                return Finish(OdeReturnCode.Unstable, $"f(t, y) or its Jacobian is not finite at t={_stepper.T:R}; last good state kept");
            bool accepted;
            double hNext;
            if (fixedStep)
            {
                if (double.IsPositiveInfinity(err))
                    return Finish(OdeReturnCode.Unstable, $"non-finite value in a fixed step of h={h:R} from t={_t:R}; last good state kept");
                accepted = true;
                hNext = _options.FixedStep;
            }
            else if (PidController.IsAcceptable(err) && _options.StepValidator is { } validator
                     && !validator(_t, h, _y, _stepper.TrialState, out double shrink))
            {
                if (!(shrink > 0 && shrink < 1))
                    throw new InvalidOperationException($"StepValidator vetoed the step of h={h:R} from t={_t:R} with shrink={shrink:R}; it must be in (0, 1)");
                Statistics.VetoedSteps++;
                _controller.RecordRejection();
                accepted = false;
                hNext = h * shrink;
            }
            else
            {
                hNext = _controller.Propose(h, err, _stepper.ErrorOrder, out accepted);
            }
            if (!accepted)
            {
                Statistics.RejectedSteps++;
                if (double.IsPositiveInfinity(err))
                {
                    _lastNonFiniteStep = _steps;
                    _lastNonFiniteTime = _t + h;
                    if (++_nonFiniteRejections >= MaxNonFiniteRejections)
                        return Finish(OdeReturnCode.Unstable, $"f returned NaN/Inf in {MaxNonFiniteRejections} consecutive trial steps from t={_t:R} (last h={h:R}); last good state kept");
                }
                _h = hNext;
                if (_h < _options.MinStep)
                    return StepTooSmall($"step size h={_h:R} fell below MinStep={_options.MinStep:R} at t={_t:R} after a rejection (error norm {err:G3})");
                continue;
            }
            _nonFiniteRejections = 0;
            _stepper.Accept();
            Statistics.AcceptedSteps++;
            _steps++;
            _h = hNext;
            _tPrev = _t;
            _t = last ? t1 : _stepper.T;
            _stepper.Y.CopyTo(_y);
            _hasStep = true;
            return AfterStep(last);
        }
    }

    private bool AfterStep(bool reachedEnd)
    {
        int cut = _events.Length > 0 ? HandleEvents() : -1;
        SaveUpTo(_t);
        if (_options.SaveEveryStep)
        {
            _savedTimes.Add(_t);
            _savedStates.Add(_y.ToArray());
        }
        foreach (OdeStepObserver observe in _observers) observe(_tPrev, _t, _y);
        if (cut >= 0)
        {
            _lastEvent = cut;
            OdeEvent ev = _events[cut];
            ev.Affect?.Invoke(_t, _y);
            if (ev.Terminal)
            {
                Finish(OdeReturnCode.Terminated, $"terminal event {cut}{(ev.Name != null ? " (" + ev.Name + ")" : "")} at t={_t:R}");
                return true;
            }
            _restartPending = true;
        }
        if (_options.StepCallback != null && _options.StepCallback(_t, _y))
            _restartPending = true;
        if (_restartPending)
        {
            Statistics.Restarts++;
            if (!AllFinite(_y))
            {
                Finish(OdeReturnCode.Unstable, $"an event affect or the step callback left a non-finite state at t={_t:R}");
                return true;
            }
        }
        if (_options.SteadyStateTolerance > 0 && !_restartPending)
        {
            ReadOnlySpan<double> f = _stepper.Derivative;
            double max = 0;
            for (int i = 0; i < f.Length; i++) max = Math.Max(max, Math.Abs(f[i]));
            if (max <= _options.SteadyStateTolerance)
            {
                if (++_steadyCount >= 2)
                {
                    Finish(OdeReturnCode.SteadyState, $"max|f|={max:G3} <= SteadyStateTolerance={_options.SteadyStateTolerance:G3} at two consecutive steps, t={_t:R}");
                    return true;
                }
            }
            else
            {
                _steadyCount = 0;
            }
        }
        if (reachedEnd && cut < 0)
            Finish(OdeReturnCode.Success, $"reached T1={_t:R}");
        return true;
    }

    private bool Start()
    {
        _started = true;
        _stepper.Reset(_problem.T0, _y);
        if (!AllFinite(_stepper.Derivative))
            return Finish(OdeReturnCode.Unstable, $"f(T0, y0) is not finite at T0={_problem.T0:R}");
        InitEventValues(-1);
        SaveUpTo(_t);
        if (_options.SaveEveryStep)
        {
            _savedTimes.Add(_t);
            _savedStates.Add(_y.ToArray());
        }
        double span = _problem.T1 - _problem.T0;
        if (span == 0) return Finish(OdeReturnCode.Success, $"T1 = T0 = {_t:R}: nothing to integrate");
        if (_options.FixedStep > 0) _h = _options.FixedStep;
        else if (_options.InitialStep > 0) _h = _options.InitialStep;
        else
            _h = InitialStep.Select(_problem.Rhs, _t, _y, _stepper.Derivative, _stepper.ErrorOrder, _rtol, _atol,
                Math.Min(_options.MaxStep, span), _work1, _work2, Statistics);
        if (!(_h > 0) || !double.IsFinite(_h)) _h = Math.Min(1e-6 * span, _options.MaxStep);
        return true;
    }

    private bool Restart()
    {
        _restartPending = false;
        _hasStep = false;
        _stepper.Reset(_t, _y);
        if (!AllFinite(_stepper.Derivative))
            return Finish(OdeReturnCode.Unstable, $"f is not finite after the state change at t={_t:R}");
        InitEventValues(_lastEvent);
        return true;
    }

    // A step size that collapses right after f returned NaN/Inf is the NaN's fault: report Unstable.
    private bool StepTooSmall(string reason)
    {
        if (_steps - _lastNonFiniteStep <= 50)
            return Finish(OdeReturnCode.Unstable, $"f returned NaN/Inf near t={_lastNonFiniteTime:R} and the step size collapsed ({reason}); last good state kept");
        return Finish(OdeReturnCode.StepSizeTooSmall, reason);
    }

    private bool Finish(OdeReturnCode code, string reason)
    {
        _finished = true;
        ReturnCode = code;
        Reason = reason;
        return false;
    }

    private void SaveUpTo(double tEnd)
    {
        while (_saveIndex < _saveAt.Length && _saveAt[_saveIndex] <= tEnd)
        {
            double ts = _saveAt[_saveIndex++];
            var state = new double[_y.Length];
            if (ts == tEnd || !_hasStep) _y.CopyTo(state);
            else _stepper.Interpolate(Math.Max(ts, _tPrev), state);
            _savedTimes.Add(ts);
            _savedStates.Add(state);
        }
    }

    private static bool AllFinite(ReadOnlySpan<double> v)
    {
        for (int i = 0; i < v.Length; i++)
            if (!double.IsFinite(v[i])) return false;
        return true;
    }
}
