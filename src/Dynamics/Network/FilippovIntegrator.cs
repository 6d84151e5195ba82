using System.Runtime.InteropServices;
using System.Diagnostics;
using static SimplicityBias.Dynamics.Ode.Dopri5Tableau;

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
    // PI step control (Hairer's DOPRI5 defaults).
    const double Safety = 0.9, FacMin = 0.2, FacMax = 10.0, Beta = 0.04, Alpha = 0.2 - 0.75 * Beta;

    readonly Dataset _data;
    readonly FlowOptions _opt;
    readonly int _m, _d, _n, _p;
    readonly FilippovField _field;
    readonly GradientKernel? _testKernel;
    readonly double[] _y, _yNew, _yStage, _k1, _k2, _k3, _k4, _k5, _k6, _k7, _fNew;
    readonly double[] _yCorr, _rOld;
    readonly SignPattern _signs; // signs of z_jk = <w_j, x_k> at the state last evaluated with signs (_yNew, then _y)
    readonly double[] _c0;
    readonly double _scale0;
    readonly List<int> _resync = new(), _flips = new(), _candidates = new(), _oldPoints = new(), _projected = new(), _netScratch = new();
    readonly HashSet<int> _released = new(); // pairs (j*n + k) released from their hyperplane by the last UpdateSliding
    readonly HashSet<int> _releasedLastStep = new(); // the pairs released by the last accepted step (for Recaptures)
    // The state before the step being accepted, to undo it (Run): parameters, field, pattern, sliding sets changed.
    readonly double[] _yBefore, _k1Before;
    readonly uint[] _maskBefore;
    readonly Dictionary<int, (int[] Points, int[] Basis, double[] Chol)> _slidingBefore = new();

    /// <summary>Keeps neuron j's sliding set as it was before this step's update (once per step).</summary>
    void SaveSliding(int j)
    {
        if (!_slidingBefore.ContainsKey(j)) _slidingBefore[j] = _field.Sliding[j].Save();
    }
    readonly double[] _gBuf;
    double[] _eta = new double[8], _qmat = new double[64], _bvec = new double[8];
    FlowStatistics _stats = new();
    readonly TrajectoryRecorder _recorder;

    public FilippovIntegrator(Dataset data, NetworkParameters initial, FlowOptions options)
    {
        _data = data; _opt = options;
        _m = initial.M; _d = data.D; _n = data.N; _p = initial.Theta.Length;
        _field = new FilippovField(data, _m, options.FieldBackend);
        _gBuf = new double[_d];
        if (options.TestSet is { } test) _testKernel = new GradientKernel(test, _m, Activation.Relu);
        _y = (double[])initial.Theta.Clone();
        _yNew = new double[_p]; _yStage = new double[_p];
        _k1 = new double[_p]; _k2 = new double[_p]; _k3 = new double[_p]; _k4 = new double[_p];
        _k5 = new double[_p]; _k6 = new double[_p]; _k7 = new double[_p]; _fNew = new double[_p];
        _signs = new SignPattern(_m, _n, _field.Kernel.PaddedNeurons);
        _yCorr = new double[_p];
        _yBefore = new double[_p];
        _k1Before = new double[_p];
        _maskBefore = new uint[_field.Mask.Bits.Length];
        _rOld = new double[_n];
        _c0 = NetworkDiagnostics.Balancedness(_y, _m, _d);
        _scale0 = NetworkDiagnostics.SquaredScale(_y, _m, _d);
        _recorder = new TrajectoryRecorder(options.PointsPerDecade);
    }

    /// <summary>f at theta: the Filippov field with the frozen pattern (ReLU only; GradientFlow sends the rest to PlainFlow).</summary>
    double Field(double[] theta, double[] f, bool withSigns = false) => _field.Evaluate(theta, f, withSigns ? _signs : null);

    double ErrorNorm(double[] err, double[] y0, double[] y1)
    {
        double rtol = _opt.RelativeTolerance, atol = _opt.AbsoluteTolerance, s = 0;
        for (int i = 0; i < _p; i++)
        {
            double sc = atol + rtol * Math.Max(Math.Abs(y0[i]), Math.Abs(y1[i]));
            double e = err[i] / sc;
            s += e * e;
        }
        return Math.Sqrt(s / _p);
    }

    static double Norm2(double[] v)
    {
        double s = 0;
        foreach (var x in v) s += x * x;
        return Math.Sqrt(s);
    }

    public FlowResult Run(Action<TrajectoryPoint>? progress, CancellationToken cancel)
    {
        var clock = Stopwatch.StartNew();
        double t = 0, horizon = _opt.Horizon;
        // Initial pattern: active where z > 0 (relu'(0) = 0 at exact zeros).
        _resync.Clear();
        for (int j = 0; j < _m; j++) _resync.Add(j);
        _signs.SetNeurons(CollectionsMarshal.AsSpan(_resync), _y, _data);
        _field.Mask.SetFromSigns(_signs);
        double loss = _field.Evaluate(_y, _k1, residuals: true);
        Array.Copy(_field.Kernel.Residuals, _rOld, _n);
        double earlyThreshold = double.IsNaN(_opt.Lambda) ? double.PositiveInfinity
            : RoundedPow.Pow(_opt.Lambda, 1 - _opt.EarlyPhaseEps) / Math.Sqrt(_m);
        NetworkParameters? early = null;
        double earlyTime = double.NaN;
        if (NetworkDiagnostics.MaxNeuronNorm(_y, _m, _d) > earlyThreshold) { early = Snapshot(); earlyTime = 0; }

        Record(t, loss, progress);
        double h = InitialStep(loss);
        double errOld = 1e-4;
        FlowReturnCode code;
        string reason;
        long steps = 0, rejectedAtAccept = 0;
        while (true)
        {
            double g = Norm2(_k1);
            if (g <= _opt.StationarityTolerance) { code = FlowReturnCode.Stationary; reason = $"stationary at t = {t:G6}: |grad| = {g:G3} <= {_opt.StationarityTolerance:G3}"; break; }
            if (t >= horizon) { code = FlowReturnCode.TimeLimit; reason = $"reached the horizon t = {horizon:G6} with |grad| = {g:G3}" + _recorder.LastDecade(t, loss); break; }
            if (steps >= _opt.MaxSteps) { code = FlowReturnCode.MaxSteps; reason = $"step budget {_opt.MaxSteps} exhausted at t = {t:G6}"; break; }
            if (cancel.IsCancellationRequested) { code = FlowReturnCode.Cancelled; reason = $"cancelled at t = {t:G6}"; break; }
            double hMin = 1e-14 * Math.Max(1.0, Math.Abs(t));
            // Negated so a NaN step (an overflowed error norm) stops here instead of being halved forever.
            if (!(h >= hMin)) { code = FlowReturnCode.StepSizeTooSmall; reason = $"step size {h:G3} below {hMin:G3} at t = {t:G6}"; break; }
            if (_stats.RejectedSteps - rejectedAtAccept >= MaxRejectionsInRow) { code = FlowReturnCode.StepSizeTooSmall; reason = $"{MaxRejectionsInRow} step attempts rejected in a row at t = {t:G6} (h = {h:G3})"; break; }
            if (_stiffMode)
            {
                if (double.IsNaN(_rho)) EstimateSpectralRadius(30);
                h = Math.Min(h, MaxRkcStep());
            }
            h = Math.Min(h, _opt.MaxStepSize);
            bool last = t + h >= horizon;
            if (last) h = horizon - t;

            double lossNew = _stiffMode ? TryStepRkc(h, out double err) : TryStep(h, out err);
            if (!double.IsFinite(err))
            {
                // Treat overflow as a rejection; a run that cannot recover ends as Unstable.
                _stats.RejectedSteps++;
                if (h <= 1e3 * hMin) { code = FlowReturnCode.Unstable; reason = $"non-finite field at t = {t:G6} (h = {h:G3})"; break; }
                h *= FacMin;
                continue;
            }
            // A gradient flow never raises the loss. The Chebyshev steps' error estimate (built from the end
            // points only) can miss an error the loss shows: a rise beyond the tolerance rejects the step.
            if (_stiffMode && err <= 1.0 && lossNew - loss > _opt.RelativeTolerance * loss) err = 2.0;
            if (err > 1.0)
            {
                _stats.RejectedSteps++;
                if (_stiffMode) _stepsSinceRho = RhoRefreshSteps; // the stiffness may have grown: re-estimate
                h *= Math.Max(FacMin, Safety * RoundedPow.Pow(err, _stiffMode ? -1.0 / 3 : -Alpha));
                continue;
            }
            // Crossings: flip the pattern where z changed sign, re-evaluate the field there, and measure the jump.
            _flips.Clear();
            FindFlips();
            double jumpGrowth = FacMax;
            if (_flips.Count > 0)
            {
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
                    if (!rejected) lossNew = _field.Evaluate(_yNew, _fNew, _signs);
                }
                if (rejected)
                {
                    ApplyFlips(); // flips are involutions: undo
                    Array.Copy(_yCorr, _yNew, _p);
                    _stats.RejectedSteps++;
                    _stats.CrossingRejections++;
                    // The error left is third order in h.
                    h *= Math.Max(FacMin, Safety * RoundedPow.Pow(errJump, -1.0 / 3));
                    continue;
                }
                // Let the next step grow only as far as its crossings' error allows, or it would be rejected for
                // them right away.
                jumpGrowth = Safety * RoundedPow.Pow(Math.Max(errJump, 1e-10), -1.0 / 3);
                if (lossNew - loss > _opt.RelativeTolerance * loss)
                {
                    // A long step over many crossings raised the loss (the corrections were not enough, though
                    // their error estimate passed): undo them all and halve the step.
                    ApplyFlips();
                    Array.Copy(_yCorr, _yNew, _p);
                    _stats.RejectedSteps++;
                    _stats.CrossingRejections++;
                    h *= 0.5;
                    continue;
                }
                _stats.Crossings += NetFlips();
            }
            else Array.Copy(_k7, _fNew, _p);
            // Accept, keeping what is needed to undo the step if its sliding update raises the loss.
            double lossBefore = loss, tBefore = t;
            Array.Copy(_y, _yBefore, _p);
            Array.Copy(_k1, _k1Before, _p);
            _field.Mask.CopyTo(_maskBefore); // with this step's flips applied
            var statsBefore = _stats.Clone();
            _slidingBefore.Clear();
            steps++;
            _stats.AcceptedSteps++;
            _stats.MaxBalancednessDefect = Math.Max(_stats.MaxBalancednessDefect, _pendingDefect);
            t = last ? horizon : t + h;
            Array.Copy(_yNew, _y, _p);
            Array.Copy(_fNew, _k1, _p);
            loss = lossNew;
            bool slidingChanged = UpdateSliding(h);
            if (SnapNeuronsToOrigin(h)) slidingChanged = true;
            if (slidingChanged)
            {
                loss = EvaluateAfterSlidingUpdate();
                if (RetainContradictedReleases(h)) loss = EvaluateAfterSlidingUpdate();
            }
            double relIncrease = (loss - lossBefore) / Math.Max(lossBefore, double.Epsilon);
            if (slidingChanged && relIncrease > _opt.RelativeTolerance && h > 1e3 * hMin)
            {
                // The update (captures projected onto their hyperplanes, neurons put at the origin) raised the loss
                // beyond the tolerance. Its jumps are first order in how far the step carried the pairs past
                // their hyperplanes: undo the step and halve it.
                Array.Copy(_yBefore, _y, _p);
                Array.Copy(_k1Before, _k1, _p);
                _field.Mask.CopyFrom(_maskBefore);
                ApplyFlips(); // flips are involutions: back to the pattern before the step
                foreach (var (j, state) in _slidingBefore) _field.Sliding[j].Restore(state);
                _field.RecountSliding();
                _stats = statsBefore;
                _stats.RejectedSteps++;
                _stats.CrossingRejections++;
                loss = lossBefore; t = tBefore; steps--;
                h *= 0.5;
                continue;
            }
            if (relIncrease > _stats.MaxLossIncrease) _stats.MaxLossIncrease = relIncrease;
            rejectedAtAccept = _stats.RejectedSteps;
            _releasedLastStep.Clear();
            _releasedLastStep.UnionWith(_released);
            Array.Copy(_field.Kernel.Residuals, _rOld, _n);

            if (_stiffMode) _stats.StiffSteps++;
            UpdateStiffnessMode(h);
            // PI control for Dormand-Prince (local error O(h^5)); plain I control with exponent 1/3 for RKC (O(h^3)).
            double grow = _stiffMode ? Safety * RoundedPow.Pow(Math.Max(err, 1e-10), -1.0 / 3)
                : Safety / (RoundedPow.Pow(Math.Max(err, 1e-10), Alpha) / RoundedPow.Pow(errOld, Beta));
            h *= Math.Min(Math.Clamp(grow, FacMin, FacMax), Math.Max(jumpGrowth, FacMin));
            errOld = Math.Max(err, 1e-4);

            if (early is null && NetworkDiagnostics.MaxNeuronNorm(_y, _m, _d) > earlyThreshold) { early = Snapshot(); earlyTime = t; }
            if (_recorder.IsDue(t)) Record(t, loss, progress);
        }
        _stats.WallSeconds = clock.Elapsed.TotalSeconds;
        _stats.RhsEvaluations = _field.Evaluations;
        _stats.FieldBackend = _field.Backend;
        _stats.FieldBackendSwitches = _field.BackendSwitches;
        _stats.BlockEvaluations = _field.BlockFormEvaluations;
        _stats.BlockPairUpdates = _field.BlockFormPairUpdates;
        _stats.BlockRebuilds = _field.BlockFormRebuilds;
        var final = MakePoint(t, loss);
        _recorder.AddFinal(final);
        return new FlowResult
        {
            Final = Snapshot(), Code = code, Reason = reason, Time = t, Trajectory = _recorder.Points,
            Statistics = _stats, EarlyPhaseEnd = early, EarlyPhaseTime = earlyTime,
            SlidingSets = _field.Sliding.Select(s => s.Points.Order().ToArray()).ToArray(),
        };
    }

    NetworkParameters Snapshot() => new(_m, _d, (double[])_y.Clone());

    /// <summary>One Dormand-Prince step of size h from (_y, _k1) into _yNew (with _k7 = f(_yNew)); returns the loss at _yNew.</summary>
    double TryStep(double h, out double err)
    {
        var y = _y; var s = _yStage;
        for (int i = 0; i < _p; i++) s[i] = y[i] + h * A21 * _k1[i];
        Field(s, _k2);
        for (int i = 0; i < _p; i++) s[i] = y[i] + h * (A31 * _k1[i] + A32 * _k2[i]);
        Field(s, _k3);
        for (int i = 0; i < _p; i++) s[i] = y[i] + h * (A41 * _k1[i] + A42 * _k2[i] + A43 * _k3[i]);
        Field(s, _k4);
        for (int i = 0; i < _p; i++) s[i] = y[i] + h * (A51 * _k1[i] + A52 * _k2[i] + A53 * _k3[i] + A54 * _k4[i]);
        Field(s, _k5);
        for (int i = 0; i < _p; i++) s[i] = y[i] + h * (A61 * _k1[i] + A62 * _k2[i] + A63 * _k3[i] + A64 * _k4[i] + A65 * _k5[i]);
        Field(s, _k6);
        for (int i = 0; i < _p; i++) _yNew[i] = y[i] + h * (B1 * _k1[i] + B3 * _k3[i] + B4 * _k4[i] + B5 * _k5[i] + B6 * _k6[i]);
        // Project onto the balancedness invariant before evaluating there, so the loss and field
        // recorded for the new state are those of the state actually kept.
        RestoreBalancedness(_yNew, record: true);
        double loss = Field(_yNew, _k7, withSigns: true);
        EstimateStiffness(h, s); // s still holds the sixth stage
        for (int i = 0; i < _p; i++) s[i] = h * (E1 * _k1[i] + E3 * _k3[i] + E4 * _k4[i] + E5 * _k5[i] + E6 * _k6[i] + E7 * _k7[i]);
        err = ErrorNorm(s, y, _yNew);
        if (!double.IsFinite(loss)) err = double.NaN;
        return loss;
    }

    double InitialStep(double loss)
    {
        // Hairer's starting step: h0 from |y|/|f|, refined by a second-derivative estimate.
        double d0 = ErrorNormOf(_y), d1 = ErrorNormOf(_k1);
        double h0 = d0 < 1e-5 || d1 < 1e-5 ? 1e-6 : 0.01 * d0 / d1;
        for (int i = 0; i < _p; i++) _yStage[i] = _y[i] + h0 * _k1[i];
        Field(_yStage, _k2);
        for (int i = 0; i < _p; i++) _k3[i] = (_k2[i] - _k1[i]) / h0;
        double d2 = ErrorNormOf(_k3);
        double h1 = Math.Max(d1, d2) <= 1e-15 ? Math.Max(1e-6, h0 * 1e-3) : RoundedPow.Pow(0.01 / Math.Max(d1, d2), 1.0 / 5);
        return Math.Min(100 * h0, h1);
    }

    double ErrorNormOf(double[] v) => ErrorNorm(v, _y, _y);

    const int MaxResweeps = 2;
    // Rejected attempts do not count toward MaxSteps; each shrinks h by a factor, so a finite h reaches hMin in a few
    // thousand, and this bound only ends a loop that stopped shrinking.
    const long MaxRejectionsInRow = 100_000;

    /// <summary>
    /// The signs at _yNew of the neurons a correction may have moved: those it corrected (_moved) and the sliding ones
    /// (put back on their hyperplanes). The others kept their w_j since the frozen end's evaluation, and so their signs.
    /// </summary>
    void ResyncMovedSigns()
    {
        _resync.Clear();
        for (int j = 0; j < _m; j++)
            if (_moved.Contains(j) || _field.Sliding[j].Count > 0) _resync.Add(j);
        _signs.SetNeurons(CollectionsMarshal.AsSpan(_resync), _yNew, _data);
    }

    /// <summary>Corrects the step for its flips (FilippovIntegrator.Crossings.cs), keeps sliding neurons on their hyperplanes and balancedness; returns the error estimate of the correction.</summary>
    double CorrectStep(double h, bool again)
    {
        CorrectForCrossings(h, again);
        // The corrections move w_j along x_k, which may leave its own sliding hyperplanes: put it back.
        if (_field.SlidingPairs > 0) ProjectAllSliding(_yNew);
        RestoreBalancedness(_yNew, record: false);
        return ErrorNorm(_yStage, _y, _yNew);
    }

    /// <summary>
    /// Whether the flips appended from <paramref name="primary"/> on hold a pair not in the list before (one to sweep
    /// again). If so, the appended pairs already in the list are removed and unflipped: pairs their own jump sent
    /// back, which the sliding update takes in twice, and which are found again after the sweep.
    /// </summary>
    bool DropRepeatedFlips(int primary)
    {
        _netScratch.Clear();
        for (int f = 0; f < primary; f++) _netScratch.Add(_flips[f]);
        _netScratch.Sort();
        bool fresh = false;
        for (int f = primary; f < _flips.Count && !fresh; f++) fresh = _netScratch.BinarySearch(_flips[f]) < 0;
        if (!fresh) return false; // keep the repeated pairs: the sliding update takes them in twice
        for (int f = _flips.Count - 1; f >= primary; f--)
        {
            int idx = _flips[f];
            if (_netScratch.BinarySearch(idx) < 0) continue;
            _field.Mask.Flip(idx);
            _flips.RemoveAt(f);
        }
        return true;
    }

    /// <summary>Pairs not sliding whose pre-activation sign disagrees with the frozen mask.</summary>
    void FindFlips(bool append = false)
    {
        int from = append ? _flips.Count : 0;
        // A flip is 1[z > 0] != mask (a masked pair at z = 0 flips off; an unmasked one stays): 32 pairs a word.
        var mask = _field.Mask;
        for (int j = 0; j < _m; j++)
            for (int k0 = 0; k0 < _n; k0 += 32)
            {
                uint diff = (_signs.PositiveWord(j, k0) ^ mask.Word(j, k0)) & TailBits(k0);
                for (; diff != 0; diff &= diff - 1) _flips.Add(j * _n + k0 + System.Numerics.BitOperations.TrailingZeroCount(diff));
            }
        if (_field.SlidingPairs == 0) return;
        // Sliding pairs are masked to 0 while their z stays 0; never count them as flips.
        for (int f = _flips.Count - 1; f >= from; f--) if (IsSliding(_flips[f])) _flips.RemoveAt(f);
    }

    /// <summary>
    /// Pairs of this step's flips whose side changed: a pair its own correction carried back across its
    /// hyperplane is in the list twice (flipped and flipped back, the way captures are found) and did not cross.
    /// </summary>
    int NetFlips()
    {
        _netScratch.Clear();
        _netScratch.AddRange(_flips);
        _netScratch.Sort();
        int net = 0;
        for (int a = 0; a < _netScratch.Count;)
        {
            int b = a;
            while (b < _netScratch.Count && _netScratch[b] == _netScratch[a]) b++;
            if (((b - a) & 1) == 1) net++;
            a = b;
        }
        return net;
    }

    /// <summary>
    /// Sets mask = 1[z &gt; 0] for every pair not sliding; returns how many changed. A pair at z = 0 exactly keeps its
    /// side, and so does a pair just released from its hyperplane while it is still on it to rounding: it sits at
    /// |z| ~ 1e-17 of either sign, and its side is the one the selection chose. Taking the rounding's sign instead
    /// overturned that choice for about half of all released pairs (on R1 to t = 1e4: 17,613 of 31,604 releases),
    /// and most of those were captured again at the next step (9,529 of the 13,829 captures within one step of a
    /// release): step-level chattering that made up most of the late phase's events.
    /// </summary>
    int SyncPatternToSigns()
    {
        var mask = _field.Mask;
        int changed = 0;
        for (int j = 0; j < _m; j++)
            for (int k0 = 0; k0 < _n; k0 += 32)
            {
                uint positive = _signs.PositiveWord(j, k0);
                uint diff = (positive ^ mask.Word(j, k0)) & TailBits(k0);
                for (; diff != 0; diff &= diff - 1)
                {
                    int k = k0 + System.Numerics.BitOperations.TrailingZeroCount(diff);
                    if (IsSliding(j * _n + k)) continue;
                    double z = SignPattern.PreActivation(W(_y, j), _data.Row(k));
                    if (mask.IsOn(j, k) && z == 0) continue;
                    if (_released.Contains(j * _n + k) && Math.Abs(z) <= RoundingBand(j, k)) continue;
                    mask.Set(j, k, (positive >> (k - k0) & 1u) != 0);
                    changed++;
                }
            }
        _stats.Crossings += changed;
        return changed;
    }

    /// <summary>
    /// The rounding of z_jk = &lt;w_j, x_k&gt; computed from a state on the hyperplane: 16 d eps |w_j| |x_k|, a few
    /// times the worst case of the d fused multiply-adds.
    /// </summary>
    double RoundingBand(int j, int k)
    {
        var w = W(_y, j);
        var x = _data.Row(k);
        double ww = 0, xx = 0;
        for (int i = 0; i < _d; i++) { ww += w[i] * w[i]; xx += x[i] * x[i]; }
        return 16 * _d * MachineEpsilon * Math.Sqrt(ww * xx);
    }

    /// <summary>The bits of the word starting at k0 that are samples (all 32 but in the last word).</summary>
    uint TailBits(int k0) => _n - k0 >= 32 ? uint.MaxValue : (1u << (_n - k0)) - 1;

    bool IsSliding(int index)
    {
        int j = index / _n, k = index % _n;
        var pts = _field.Sliding[j].Points;
        for (int a = 0; a < pts.Count; a++) if (pts[a] == k) return true;
        return false;
    }

    void ApplyFlips()
    {
        foreach (int i in _flips) _field.Mask.Flip(i);
    }

    /// <summary>
    /// The Filippov selection, neuron by neuron (docs/THEORY.md section 10): for each neuron that slides or had a
    /// crossing in this step, the candidate pairs C (its sliding pairs, the pairs that just crossed and those the
    /// field reaches within the step (FilippovIntegrator.Junctions.cs), with c_k = a_j r_k / n &gt; 0, the only ones
    /// whose term can push w_j back) get the eta in [0, 1]^C that
    /// minimises |g_j + sum_k eta_k c_k x_k| (the minimum-norm element of the Clarke subdifferential, g_j the
    /// w_j-gradient without the candidates). Complementarity then decides: eta strictly inside (0, 1) slides
    /// (zero normal speed), eta = 0 leaves to the inactive side, eta = 1 to the active side.
    /// h is the step just accepted: the reach of a junction. Returns whether the state or the pattern changed (the
    /// caller then re-evaluates the field).
    /// </summary>
    bool UpdateSliding(double h)
    {
        int stride = _d + 1;
        var r = _field.Kernel.Residuals;
        var raw = _field.RawGradient;
        bool changed = false;
        _flips.Sort(); // flips are grouped by neuron (index = j*n + k)
        ScanSelectedNeurons(h);
        _projected.Clear();
        _released.Clear();
        int f = 0;
        for (int j = 0; j < _m; j++)
        {
            _candidates.Clear();
            var set = _field.Sliding[j];
            for (int a = 0; a < set.Count; a++) _candidates.Add(set.Points[a]);
            double aj = _y[j * stride];
            for (; f < _flips.Count && _flips[f] / _n == j; f++)
            {
                int k = _flips[f] % _n;
                // A pair its own correction carried back across its hyperplane was flipped twice and enters twice:
                // the field points to its hyperplane from both sides, and its doubled column lets the selection use up to
                // twice its term, which captures such a pair instead of letting it chatter step after step.
                if (aj * r[k] > 0) _candidates.Add(k);
            }
            if (_candidates.Count == 0) continue;
            AddPairsWithinReach(j, aj, r);
            int q = _candidates.Count;
            // g_j without the candidates' terms (sliding pairs are masked already; active crossers are not).
            var g = _gBuf.AsSpan(0, _d);
            for (int i = 0; i < _d; i++) g[i] = raw[j * stride + 1 + i];
            for (int a = 0; a < q; a++)
            {
                int k = _candidates[a];
                double c = aj * r[k] / _n;
                if (_field.Mask[j * _n + k] != 0)
                {
                    var x = _data.Row(k);
                    for (int i = 0; i < _d; i++) g[i] -= c * x[i];
                }
            }
            MinimumNormSelection(j, aj, g, r);
            // Rebuild the sliding set from the interior etas; the others take the side their eta says.
            int before = set.Count;
            _oldPoints.Clear();
            for (int a = 0; a < set.Count; a++) _oldPoints.Add(set.Points[a]);
            SaveSliding(j);
            set.Clear();
            bool projectNeeded = false;
            for (int a = 0; a < q; a++)
            {
                int k = _candidates[a], idx = j * _n + k;
                double eta = _eta[a];
                bool interior = eta > EtaMargin && eta < 1 - EtaMargin;
                if (set.Points.Contains(k)) continue; // the second copy of a pair captured just above
                if (interior && set.TryAdd(k))
                {
                    if (_field.Mask[idx] != 0) changed = true;
                    _field.Mask[idx] = 0;
                    if (!_oldPoints.Contains(k))
                    {
                        _stats.Captures++;
                        projectNeeded = true;
                        if (_releasedLastStep.Contains(idx)) _stats.Recaptures++;
                    }
                    continue;
                }
                if (interior) _stats.RefusedCaptures++;
                // A pair that leaves (or was refused) keeps the side it is on: a sliding pair sits at z = 0 and
                // leaves to the side its eta says; a crossing pair stays where the step put it.
                bool onPlane = _oldPoints.Contains(k);
                double side = onPlane && !interior ? (eta >= 0.5 ? 1.0 : 0.0) : (_signs.IsPositive(j, k) ? 1.0 : 0.0);
                if (_field.Mask[idx] != side) { _field.Mask[idx] = side; changed = true; }
                if (_oldPoints.Contains(k)) { _stats.Releases++; _released.Add(idx); }
            }
            if (projectNeeded && !ProjectCaptures(j)) projectNeeded = false;
            if (projectNeeded) _projected.Add(j);
            if (set.Count != before || projectNeeded) changed = true;
        }
        if (changed) _field.RecountSliding();
        if (_field.SlidingPairs > _stats.MaxSlidingPairs) _stats.MaxSlidingPairs = _field.SlidingPairs;
        return changed;
    }

    /// <summary>
    /// After the sliding update moved neurons (_projected, _snapped): balancedness restored, then the field evaluated
    /// once with the pattern synced to the signs. Projections move w_j, and a pair that left a hyperplane may sit a
    /// rounding error on the other side of it: the pattern must match the signs of the state kept, or the loss and
    /// field reported would be those of another pattern. Only the neurons that moved get their signs recomputed.
    /// Returns the loss.
    /// </summary>
    double EvaluateAfterSlidingUpdate()
    {
        RestoreBalancedness(_y, record: false);
        _resync.Clear();
        _resync.AddRange(_projected);
        _resync.AddRange(_snapped);
        _signs.SetNeurons(CollectionsMarshal.AsSpan(_resync), _y, _data);
        SyncPatternToSigns();
        return _field.Evaluate(_y, _k1, _signs);
    }

    const double EtaMargin = 1e-9;
    const double MachineEpsilon = 2.220446049250313e-16; // 2^-52

    /// <summary>
    /// How far a capture may move w_j, in units of the new pairs' distances |z_k| / |x_k| to their own
    /// hyperplanes. Where the hyperplanes meet at small angles their intersection can lie far from w_j
    /// although w_j is close to each; projecting there would be a jump of the state, not a sliding motion.
    /// </summary>
    const double MaxCaptureAmplification = 10;

    /// <summary>
    /// Projects w_j onto its sliding hyperplanes after new captures. When the move exceeds
    /// <see cref="MaxCaptureAmplification"/> times the new pairs' own distances, the new captures are refused
    /// instead (w_j is put back; they keep the side their z is on). Returns whether the captures were kept.
    /// </summary>
    bool ProjectCaptures(int j)
    {
        var set = _field.Sliding[j];
        var w = _y.AsSpan(j * (_d + 1) + 1, _d);
        Span<double> w0 = stackalloc double[_d];
        w.CopyTo(w0);
        double allowed = 0;
        for (int a = 0; a < set.Count; a++)
        {
            int k = set.Points[a];
            if (_oldPoints.Contains(k)) continue;
            var x = _data.Row(k);
            double xx = 0;
            for (int i = 0; i < _d; i++) xx += x[i] * x[i];
            allowed += Math.Abs(SignPattern.PreActivation(w, x)) / Math.Sqrt(xx);
        }
        ProjectOntoHyperplanes(_y, j);
        double move = 0, norm = 0;
        for (int i = 0; i < _d; i++) { move += (w[i] - w0[i]) * (w[i] - w0[i]); norm += w0[i] * w0[i]; }
        if (Math.Sqrt(move) <= MaxCaptureAmplification * allowed + 1e-12 * Math.Sqrt(norm)) return true;
        w0.CopyTo(w);
        for (int a = set.Count - 1; a >= 0; a--)
        {
            int k = set.Points[a];
            if (_oldPoints.Contains(k)) continue;
            set.RemoveAt(a);
            _field.Mask.Set(j, k, _signs.IsPositive(j, k));
            _stats.Captures--;
            _stats.RefusedCaptures++;
        }
        return false;
    }

    /// <summary>
    /// eta in [0, 1]^C minimising |g + sum_a eta_a c_a x_a|: the tiny box-constrained quadratic, solved by
    /// <see cref="BoxQuadratic"/> from eta = 1/2; result in _eta.
    /// </summary>
    void MinimumNormSelection(int j, double aj, ReadOnlySpan<double> g, double[] r)
    {
        int q = _candidates.Count;
        if (_eta.Length < q) { _eta = new double[2 * q]; _qmat = new double[4 * q * q]; _bvec = new double[2 * q]; }
        for (int a = 0; a < q; a++)
        {
            var xa = _data.Row(_candidates[a]);
            double ca = aj * r[_candidates[a]] / _n;
            double b = 0;
            for (int i = 0; i < _d; i++) b += xa[i] * g[i];
            _bvec[a] = ca * b;
            for (int c2 = 0; c2 <= a; c2++)
            {
                var xc = _data.Row(_candidates[c2]);
                double cc = aj * r[_candidates[c2]] / _n, s = 0;
                for (int i = 0; i < _d; i++) s += xa[i] * xc[i];
                _qmat[a * q + c2] = _qmat[c2 * q + a] = ca * cc * s;
            }
            _eta[a] = 0.5;
        }
        BoxQuadratic.Solve(_qmat, _bvec, _eta, q);
    }

    /// <summary>The input weights w_j within a state laid out like theta.</summary>
    ReadOnlySpan<double> W(double[] theta, int j) => theta.AsSpan(j * (_d + 1) + 1, _d);

    /// <summary>Puts every sliding neuron of theta exactly on its hyperplanes.</summary>
    void ProjectAllSliding(double[] theta)
    {
        for (int j = 0; j < _m; j++) ProjectOntoHyperplanes(theta, j);
    }

    /// <summary>Puts w_j of theta exactly on its sliding hyperplanes (orthogonal projection).</summary>
    void ProjectOntoHyperplanes(double[] theta, int j)
    {
        var set = _field.Sliding[j];
        if (set.Count == 0) return;
        Span<double> lambda = stackalloc double[Math.Max(1, _d - 1)];
        set.Project(theta.AsSpan(j * (_d + 1) + 1, _d), lambda[..set.BasisCount]);
    }

    double _pendingDefect;

    /// <summary>Rescales a_j so that a_j^2 - |w_j|^2 keeps its initial value; records the defect removed.</summary>
    void RestoreBalancedness(double[] y, bool record)
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

    TrajectoryPoint MakePoint(double t, double loss)
    {
        double test = _testKernel is null ? double.NaN : _testKernel.Evaluate(_y, default);
        return new TrajectoryPoint(t, loss, Norm2(_k1), test, NetworkDiagnostics.MaxNeuronNorm(_y, _m, _d),
            _field.SlidingPairs, _stats.Crossings, NetworkDiagnostics.BalancednessDrift(_y, _m, _d, _c0, _scale0));
    }

    void Record(double t, double loss, Action<TrajectoryPoint>? progress)
    {
        var p = MakePoint(t, loss);
        _recorder.Add(p);
        progress?.Invoke(p);
    }
}
