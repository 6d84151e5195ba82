using System.Runtime.InteropServices;
using System.Diagnostics;
using SimplicityBias.Dynamics.Ode;

namespace SimplicityBias.Dynamics.Network;

/// <summary>
/// Adaptive integration of the Filippov gradient flow (docs/THEORY.md sections 10-11) with Dormand-Prince 5(4):
/// - the activation pattern is frozen within a step (the field is then a polynomial in theta);
/// - after a step, pairs whose pre-activation changed sign are crossings: the pattern flips and the step is
///   corrected for the time spent with the wrong pattern, neuron by neuron with the crossings in time order on
///   the corrected path, to second order (FilippovIntegrator.Crossings.cs); the estimated third-order error of
///   that correction enters the step-size control;
/// - for each neuron that slides or just crossed, the minimum-norm element of the Clarke subdifferential
///   decides which pairs slide (eta strictly inside (0, 1); the neuron is projected onto their hyperplanes)
///   and which leave, and to which side;
/// - balancedness a_j^2 - |w_j|^2 is restored by rescaling a_j before every evaluation that defines a kept
///   state, and after a sliding update the pattern is re-synchronised with the signs of that state;
/// - where Dormand-Prince is held at its stability boundary (the late phase), Runge-Kutta-Chebyshev steps take
///   over (FilippovIntegrator.Stiff.cs); the crossing and sliding logic is the same for both.
/// </summary>
internal sealed partial class FilippovIntegrator
{
    // Step control: Hairer's PI controller of DOPRI5 in his code's arithmetic, its history starting from 1e-4, growing
    // right after a rejection (holding the step there more than doubles R1's evaluations to t = 1e4: 25,106 against
    // 11,187); the I term alone with RKC's order 3 while the steps are Chebyshev ones; the crossings' error caps growth.
    static Ode.PidController NewController() => new()
    {
        Beta1 = 0.85, Beta2 = 0.2, Arithmetic = Ode.PidArithmetic.Dopri5Code, ErrorFloor = 1e-10, InitialError = 1e-4,
        GrowAfterRejection = true,
    };
    const int Dopri5ErrorOrder = 5, RkcErrorOrder = 3, CrossingErrorOrder = 3;
    readonly Ode.PidController _control = NewController();

    readonly Dataset _data;
    readonly FlowOptions _opt;
    readonly int _m, _d, _n, _p;
    readonly FilippovField _field;
    readonly Ode.OdeRhs _frozenRhs; // the field with the frozen pattern, for the library's RKC pieces
    readonly Ode.Dopri5Stepper _dopri;
    readonly double[] _atol;
    double _endLoss; // the loss at the last attempt's end point
    readonly double[] _y, _yNew, _yStage, _k1, _k2, _k3, _k4, _k5, _k7, _fNew;
    readonly double[] _yCorr;
    readonly ResidualTable _rOld; // the residuals at the start of the step
    readonly List<int> _allNeurons;
    readonly MarginSigns _margins; // which pairs can have changed sign since each neuron's last full pass
    readonly SignPattern _signs; // signs of z_jk = <w_j, x_k> at the state last evaluated with signs (_yNew, then _y)
    readonly double[] _c0;
    readonly double _scale0;
    readonly List<int> _resync = new(), _flips = new(), _candidates = new(), _oldPoints = new(), _projected = new(), _netScratch = new();
    readonly HashSet<int> _released = new(); // pairs (j*n + k) released from their hyperplane by the last UpdateSliding
    readonly HashSet<int> _releasedLastStep = new(); // the pairs released by the last accepted step (for Recaptures)
    readonly FlowSnapshot _before; // the state before the step being accepted, to undo it

    /// <summary>Keeps neuron j's sliding set as it was before this step's update (once per step).</summary>
    void SaveSliding(int j) => _before.KeepSliding(j, _field.Sliding[j]);

    // The run: time, loss at _y, accepted steps, the step size to attempt next, the smallest step at _t,
    // the rejection count at the last accept.
    double _t, _loss, _h, _hMin;
    long _steps, _rejectedAtAccept;
    readonly double[] _gBuf;
    double[] _eta = new double[8], _qmat = new double[64], _bvec = new double[8];
    FlowStatistics _stats = new();
    readonly ObserverList _observers;
    readonly TrajectoryObserver _trajectory;
    readonly View _view;

    public FilippovIntegrator(Dataset data, NetworkParameters initial, FlowOptions options, ObserverList observers, TrajectoryObserver trajectory)
    {
        _data = data; _opt = options;
        _m = initial.M; _d = data.D; _n = data.N; _p = initial.Theta.Length;
        _field = new FilippovField(data, _m, options.FieldBackend);
        _frozenRhs = (_, theta, f) => _field.Evaluate(theta, f);
        _dopri = CreateDopri5();
        _switch = NewSwitch(options.StiffMethod);
        _atol = [options.AbsoluteTolerance];
        _gBuf = new double[_d];
        _y = (double[])initial.Theta.Clone();
        _yNew = new double[_p]; _yStage = new double[_p];
        _k1 = new double[_p]; _k2 = new double[_p]; _k3 = new double[_p]; _k4 = new double[_p];
        _k5 = new double[_p]; _k7 = new double[_p]; _fNew = new double[_p];
        _signs = new SignPattern(_m, _n, _field.Kernel.PaddedNeurons);
        _margins = new MarginSigns(data, _m);
        _allNeurons = Enumerable.Range(0, _m).ToList();
        _yCorr = new double[_p];
        _before = new FlowSnapshot(_p, _field.Mask.Bits.Length);
        _rOld = new ResidualTable(data, _m);
        _c0 = NetworkDiagnostics.Balancedness(_y, _m, _d);
        _scale0 = NetworkDiagnostics.SquaredScale(_y, _m, _d);
        _observers = observers;
        _trajectory = trajectory;
        _view = new View(this);
    }

    /// <summary>f at theta: the Filippov field with the frozen pattern (ReLU only; GradientFlow sends the rest to PlainFlow).</summary>
    double Field(double[] theta, double[] f, bool withSigns = false) => withSigns ? EvaluateWithSigns(theta, f) : _field.Evaluate(theta, f);

    /// <summary>The field at theta with the signs of all pairs there (their near lists told of it).</summary>
    double EvaluateWithSigns(ReadOnlySpan<double> theta, Span<double> f)
    {
        double loss = _field.Evaluate(theta, f, _signs);
        if (_field.SignsWritten) _margins.Written(theta);
        else _margins.Update(_allNeurons, theta, _signs);
        return loss;
    }

    static double Norm2(double[] v)
    {
        double s = 0;
        foreach (var x in v) s += x * x;
        return Math.Sqrt(s);
    }

    // Rejected attempts do not count toward MaxSteps; each shrinks h by a factor, so a finite h reaches hMin in a few
    // thousand, and this bound only ends a loop that stopped shrinking.
    const long MaxRejectionsInRow = 100_000;

    /// <summary>The order of the error estimate of the current method (err ~ h^k).</summary>
    int ErrorOrder => StiffMode ? RkcErrorOrder : Dopri5ErrorOrder;

    /// <summary>What became of one step attempt.</summary>
    enum Outcome { Accepted, Rejected, Unstable }

    /// <summary>
    /// The driver: from the initial pattern, attempt a step, correct it across its crossings, accept it with its
    /// sliding update, control the next step size; until stationarity, the horizon, the step budget, cancellation or
    /// a failure. Each rejection shrinks the step (its factor says why) and tries again from the same state.
    /// </summary>
    public FlowResult Run(CancellationToken cancel)
    {
        var clock = Stopwatch.StartNew();
        if (!StartFromState())
        {
            Start();
            _observers.Start(_view);
            _h = InitialStep();
        }
        OdeReturnCode code;
        string reason;
        while (!Stopped(cancel, out code, out reason))
        {
            bool last = LimitStep();
            var outcome = Attempt(last);
            if (outcome == Outcome.Unstable) { code = OdeReturnCode.Unstable; reason = $"non-finite field at t = {_t:G6} (h = {_h:G3})"; break; }
            if (outcome == Outcome.Rejected) continue;
            _observers.Step(_view);
        }
        return Finish(code, reason, clock);
    }

    /// <summary>The initial pattern (active where z &gt; 0: relu'(0) = 0 at exact zeros) and the field there.</summary>
    void Start()
    {
        _resync.Clear();
        for (int j = 0; j < _m; j++) _resync.Add(j);
        _signs.SetNeurons(CollectionsMarshal.AsSpan(_resync), _y, _data);
        if (_startFrom is null) _field.Mask.SetFromSigns(_signs);
        else RestoreCarriedPattern();
        _loss = _field.Evaluate(_y, _k1, residuals: true);
        _rOld.CopyFrom(_field.Residuals);
    }

    /// <summary>Whether the run ends before the next attempt, and why.</summary>
    bool Stopped(CancellationToken cancel, out OdeReturnCode code, out string reason)
    {
        double g = Norm2(_k1), t = _t;
        (code, reason) = (OdeReturnCode.Success, "");
        if (g <= _opt.StationarityTolerance) { (code, reason) = (OdeReturnCode.SteadyState, $"stationary at t = {t:G6}: |grad| = {g:G3} <= {_opt.StationarityTolerance:G3}"); return true; }
        if (t >= _opt.Horizon) { reason = $"reached the horizon t = {_opt.Horizon:G6} with |grad| = {g:G3}" + _trajectory.LastDecade(t, _loss) + SlowDirection(g); return true; }
        if (_steps >= _opt.MaxSteps) { (code, reason) = (OdeReturnCode.MaxSteps, $"step budget {_opt.MaxSteps} exhausted at t = {t:G6}"); return true; }
        if (cancel.IsCancellationRequested) { (code, reason) = (OdeReturnCode.Cancelled, $"cancelled at t = {t:G6}"); return true; }
        _hMin = 1e-14 * Math.Max(1.0, Math.Abs(t));
        // Negated so a NaN step (an overflowed error norm) stops here instead of being halved forever.
        if (!(_h >= _hMin)) { (code, reason) = (OdeReturnCode.StepSizeTooSmall, $"step size {_h:G3} below {_hMin:G3} at t = {t:G6}"); return true; }
        if (_stats.RejectedSteps - _rejectedAtAccept >= MaxRejectionsInRow) { (code, reason) = (OdeReturnCode.StepSizeTooSmall, $"{MaxRejectionsInRow} step attempts rejected in a row at t = {t:G6} (h = {_h:G3})"); return true; }
        return false;
    }

    /// <summary>Caps the step (the RKC stage limit, the largest step, the horizon); returns whether it is the last.</summary>
    bool LimitStep()
    {
        if (RosenbrockMode) _h = Math.Min(_h, MaxRosenbrockStep());
        else if (StiffMode)
        {
            if (double.IsNaN(_rho)) EstimateSpectralRadius(30);
            _h = Math.Min(_h, MaxRkcStep());
        }
        _h = Math.Min(_h, _opt.MaxStepSize);
        bool last = _t + _h >= _opt.Horizon;
        if (last) _h = _opt.Horizon - _t;
        return last;
    }

    /// <summary>One attempt of a step of size _h from the current state; on a rejection _h is the size to retry with.</summary>
    Outcome Attempt(bool last)
    {
        double h = _h;
        double lossNew = RosenbrockMode ? TryStepRosenbrock(h, out double err) : StiffMode ? TryStepRkc(h, out err) : TryStep(h, out err);
        if (!double.IsFinite(err))
        {
            // Treat overflow as a rejection; a run that cannot recover ends as Unstable.
            _stats.RejectedSteps++;
            if (h <= 1e3 * _hMin) return Outcome.Unstable;
            _h = _control.Propose(h, err, ErrorOrder, out _);
            return Outcome.Rejected;
        }
        // A gradient flow never raises the loss. The Chebyshev steps' error estimate (built from the end
        // points only) can miss an error the loss shows: a rise beyond the tolerance rejects the step.
        if (StiffMode && err <= 1.0 && lossNew - _loss > _opt.RelativeTolerance * _loss) err = 2.0;
        if (!Ode.PidController.IsAcceptable(err))
        {
            _stats.RejectedSteps++;
            if (StiffMode) _stepsSinceRho = RhoRefreshSteps; // the stiffness may have grown: re-estimate
            _h = _control.Propose(h, err, ErrorOrder, out _, integralOnly: StiffMode);
            return Outcome.Rejected;
        }
        if (!ResolveCrossings(h, ref lossNew, out double jumpGrowth)) return Outcome.Rejected;
        if (!Accept(h, last, lossNew)) return Outcome.Rejected;
        bool stiffStep = StiffMode;
        UpdateStiffnessMode(h);
        // PI control for Dormand-Prince (local error O(h^5)); plain I control for RKC (O(h^3)), whose estimate from
        // the end points is too crude for the history term. The mode is the next step's, as it was just updated.
        _h = _control.Propose(h, err, ErrorOrder, out _, growthCap: jumpGrowth, integralOnly: StiffMode);
        CountPace(stiffStep);
        return Outcome.Accepted;
    }

    /// <summary>
    /// Crossings: flips the pattern where z changed sign, corrects the step for them, re-evaluates the field at the
    /// corrected end (lossNew, _fNew) and measures the jump. Returns false when the correction rejects the step
    /// (_h is then the size to retry with); <paramref name="jumpGrowth"/> bounds the next step's growth.
    /// </summary>
    bool ResolveCrossings(double h, ref double lossNew, out double jumpGrowth)
    {
        _flips.Clear();
        FindFlips();
        jumpGrowth = double.PositiveInfinity;
        if (_flips.Count == 0) { Array.Copy(_k7, _fNew, _p); return true; }
        ApplyFlips();
        Array.Copy(_yNew, _yCorr, _p);
        double errJump = CorrectStep(h, again: false);
        bool rejected = errJump > 1.0;
        if (!rejected)
        {
            // The corrections move w_j and may carry other pairs of the neuron across their hyperplanes:
            // sweep again with those (up to twice), then flip any left so the pattern matches the signs.
            // That needs the signs of the neurons the corrections moved, not the field: the field is
            // evaluated once, at the corrected end (an evaluation per sweep was 12% of R1's work).
            for (int pass = 0; ; pass++)
            {
                ResyncMovedSigns();
                int primary = _flips.Count;
                FindFlips(append: true);
                if (_flips.Count == primary) break;
                for (int f = primary; f < _flips.Count; f++) _field.Mask.Flip(_flips[f]);
                if (pass == MaxResweeps || !DropRepeatedFlips(primary)) break;
                _stats.Resweeps++;
                errJump = Math.Max(errJump, CorrectStep(h, again: true));
                if (errJump > 1.0) { rejected = true; break; }
            }
            if (!rejected) lossNew = EvaluateWithSigns(_yNew, _fNew);
        }
        if (rejected)
        {
            UndoCrossings();
            // The error left is third order in h.
            _h = _control.Propose(h, errJump, CrossingErrorOrder, out _, integralOnly: true);
            return false;
        }
        // Let the next step grow only as far as its crossings' error allows, or it would be rejected for
        // them right away.
        jumpGrowth = _control.IntegralFactor(errJump, CrossingErrorOrder);
        if (lossNew - _loss > _opt.RelativeTolerance * _loss)
        {
            // A long step over many crossings raised the loss (the corrections were not enough, though
            // their error estimate passed): undo them all and halve the step.
            UndoCrossings();
            _h *= 0.5;
            return false;
        }
        _stats.Crossings += NetFlips();
        return true;
    }

    /// <summary>Puts the pattern and the frozen end back as they were before the crossings, and counts the rejection.</summary>
    void UndoCrossings()
    {
        ApplyFlips(); // flips are involutions: undo
        Array.Copy(_yCorr, _yNew, _p);
        _stats.RejectedSteps++;
        _stats.CrossingRejections++;
    }

    /// <summary>
    /// Accepts the corrected step (_yNew, _fNew) and makes its sliding update. When the update (captures projected
    /// onto their hyperplanes, neurons put at the origin) raises the loss beyond the tolerance, the step is undone from
    /// the snapshot and halved (its jumps are first order in how far the step carried the pairs past their
    /// hyperplanes); returns false then.
    /// </summary>
    bool Accept(double h, bool last, double lossNew)
    {
        _before.Take(_t, _steps, _loss, _y, _k1, _field.Mask, _stats);
        _steps++;
        _stats.AcceptedSteps++;
        _stats.MaxBalancednessDefect = Math.Max(_stats.MaxBalancednessDefect, _pendingDefect);
        _t = last ? _opt.Horizon : _t + h;
        Array.Copy(_yNew, _y, _p);
        Array.Copy(_fNew, _k1, _p);
        _loss = lossNew;
        bool slidingChanged = UpdateSliding(h);
        if (SnapNeuronsToOrigin(h)) slidingChanged = true;
        if (slidingChanged)
        {
            _loss = EvaluateAfterSlidingUpdate();
            if (RetainContradictedReleases(h)) _loss = EvaluateAfterSlidingUpdate();
        }
        double relIncrease = (_loss - _before.Loss) / Math.Max(_before.Loss, double.Epsilon);
        if (slidingChanged && relIncrease > _opt.RelativeTolerance && h > 1e3 * _hMin)
        {
            _stats = _before.Restore(_y, _k1, _field, _flips);
            _stats.RejectedSteps++;
            _stats.CrossingRejections++;
            (_t, _steps, _loss) = (_before.T, _before.Steps, _before.Loss);
            _h *= 0.5;
            return false;
        }
        if (relIncrease > _stats.MaxLossIncrease) _stats.MaxLossIncrease = relIncrease;
        _rejectedAtAccept = _stats.RejectedSteps;
        _releasedLastStep.Clear();
        _releasedLastStep.UnionWith(_released);
        _rOld.CopyFrom(_field.Residuals);
        if (StiffMode) _stats.StiffSteps++;
        return true;
    }

    /// <summary>The result: counters completed, the final point recorded.</summary>
    FlowResult Finish(OdeReturnCode code, string reason, Stopwatch clock)
    {
        _stats.WallSeconds = clock.Elapsed.TotalSeconds;
        _stats.RhsEvaluations = _field.Evaluations;
        _stats.FieldBackend = _field.Backend;
        _stats.FieldBackendSwitches = _field.BackendSwitches;
        _stats.BlockEvaluations = _field.BlockFormEvaluations;
        _stats.BlockPairUpdates = _field.BlockFormPairUpdates;
        _stats.BlockRebuilds = _field.BlockFormRebuilds;
        _stats.NearListUpdates = _margins.NearUpdates;
        _stats.NearListBuilds = _margins.Builds;
        _stats.ResidualsOnDemand = _field.Residuals.Computed + _rOld.Computed + (_rEnd?.Computed ?? 0);
        AddEarlierSegments();
        if (!EndsSegment(code)) _observers.End(_view);
        return new FlowResult
        {
            Final = Snapshot(), Code = code, Reason = reason, Time = _t, Trajectory = _trajectory.Points, Statistics = _stats,
            SlidingSets = _field.Sliding.Select(s => s.Points.Order().ToArray()).ToArray(),
        };
    }

    NetworkParameters Snapshot() => new(_m, _d, (double[])_y.Clone());


    double _pendingDefect;

    /// <summary>Rescales a_j so that a_j^2 - |w_j|^2 keeps its initial value; records the defect removed.</summary>
    void RestoreBalancedness(Span<double> y, bool record)
    {
        int stride = _d + 1;
        double worst = 0;
        for (int j = 0; j < _m; j++)
        {
            int o = j * stride;
            double ww = 0;
            for (int i = 1; i <= _d; i++) ww += y[o + i] * y[o + i];
            double target = _c0[j] + ww;
            double a = y[o];
            worst = Math.Max(worst, Math.Abs(a * a - target));
            // Only where the sign of a_j is well defined (always so under domination, |a| >= |w|).
            if (target > 0 && a != 0) y[o] = Math.CopySign(Math.Sqrt(target), a);
        }
        if (!record) return;
        worst /= Math.Max(_scale0, NetworkDiagnostics.SquaredScale(y, _m, _d));
        _pendingDefect = worst; // counted only if the step is accepted
    }

    /// <summary>The run as observers see it.</summary>
    sealed class View(FilippovIntegrator f) : TrainingView(f._m, f._d, Activation.Relu)
    {
        public override double Time => f._t;
        public override ReadOnlySpan<double> Theta => f._y;
        public override double Loss => f._loss;
        public override double GradNorm => Norm2(f._k1);
        public override int SlidingPairs => f._field.SlidingPairs;
        public override long Crossings => f._stats.Crossings;
    }
}
