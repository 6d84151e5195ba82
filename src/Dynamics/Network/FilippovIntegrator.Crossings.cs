namespace SimplicityBias.Dynamics.Network;

/// <summary>
/// The correction of a step across crossings (docs/THEORY.md section 11). The frozen step used the old pattern after
/// each crossing; the jump of the field at pair (j, k) is the pair's term -c x_k (c = a_j r_k / n), switched
/// on or off, and it only moves w_j. Its effect is the integral of that velocity jump over the time left.
/// - The crossings of one neuron are taken in time order on the corrected path, not each on the frozen path: a
///   crossing early in the step changes w_j, and so the time at which its other pairs cross. Where a pair crosses
///   slowly (small dz/dt) that shift is of the size of the correction itself: crossing times from the frozen path
///   made most of the integrator's error on R1's early phase (one step of h = 0.02 at t = 4: the largest neuron
///   error was 70% of a correction, along the x_k of a slow crossing after a fast one).
/// - Crossing times are roots of the cubic Hermite interpolant of the frozen z (dz/dt from the field at both
///   ends) plus the jumps so far; each jump is integrated with c drifting at dc/dt. The correction is then second
///   order in the neuron's own terms, and tau^3/6 |d2c/dt2| |x_k| estimates what is left. The Hermite is RKC's dense
///   output; with FlowOptions.DenseOutputCrossings a Dormand-Prince step's crossings are found on that stepper's dense
///   output instead (z is linear in w_j, so it is w_j's dense output along x_k, which matches the Hermite's end values
///   and slopes: the Hermite plus a quartic bump C4 theta^2 (1 - theta)^2). Measured no better: docs/ARCHITECTURE.md.
/// - Pairs the correction carries across are added and the step swept again from its frozen end (FilippovIntegrator.cs).
/// - Not corrected: the jumps' effect on the other neurons through the residuals (J v, second order). It scales
///   with a_i a_j, so it is small while neurons are small; a version that added it (one more evaluation a step)
///   gave the same accuracy on R1 to t = 20 at 3.5x the work on R2.
/// </summary>
internal sealed partial class FilippovIntegrator
{
    // Per-neuron scratch of the crossing sweep: z = alpha + beta theta on the current segment (theta the fraction
    // of the step) plus the frozen path's curvature (chord change, end slopes, the dense output's quartic bump), the
    // old side, the velocity jump, how many times a pair crossed and whether it is still followed.
    double[] _czA = new double[16], _czB = new double[16], _cDz = new double[16], _cD0 = new double[16], _cD1 = new double[16];
    double[] _cBump = new double[16];
    double[] _cOld = new double[16], _cJump = new double[16];
    int[] _cCount = new int[16];
    bool[] _cFollowed = new bool[16];
    readonly List<int> _unflipped = new();
    readonly HashSet<int> _moved = new(); // the neurons corrected since the frozen end (their w_j moved)
    // The correction of w_j being built, the deviation A + B theta of the frozen-order sweep, and its order.
    double[] _dw = Array.Empty<double>(), _devA = Array.Empty<double>(), _devB = Array.Empty<double>(), _frozenRoot = new double[16];
    int[] _order = new int[16];
    const int ExactSweepLimit = 48;
    ResidualTable? _rEnd; // residuals at the frozen end (old pattern)

    /// <summary>
    /// Corrects _yNew (the frozen end, also in _yCorr) for this step's flips and writes the estimated error of the
    /// correction to _yStage (for the step-size control). Flips that the corrected path does not make (or makes
    /// twice) are undone in the mask and removed from _flips. <paramref name="again"/>: a second sweep from the
    /// frozen end after pairs were added that the first correction carried across; it reuses the first's residuals.
    /// </summary>
    void CorrectForCrossings(double h, bool again)
    {
        _rEnd ??= new ResidualTable(_data, _m);
        if (again) Array.Copy(_yCorr, _yNew, _p);
        else
        {
            _rEnd.CopyFrom(_field.Residuals); // the last evaluation was the frozen end's
            _moved.Clear();
        }
        Array.Clear(_yStage);
        _flips.Sort(); // grouped by neuron (index = j*n + k)
        _unflipped.Clear();
        for (int f = 0; f < _flips.Count;)
        {
            int j = _flips[f] / _n, g = f;
            while (g < _flips.Count && _flips[g] / _n == j) g++;
            CorrectNeuron(j, f, g - f, h);
            _moved.Add(j);
            f = g;
        }
        if (_unflipped.Count == 0) return;
        foreach (int idx in _unflipped) _field.Mask.Flip(idx);
        _unflipped.Sort();
        _flips.RemoveAll(idx => _unflipped.BinarySearch(idx) >= 0);
    }

    /// <summary>
    /// The sweep of one neuron's crossings in time order (the data of each pair, then the sweep itself).
    /// </summary>
    void CorrectNeuron(int j, int start, int q, double h)
    {
        int o = j * (_d + 1);
        var r = _rEnd!;
        if (_czA.Length < q)
        {
            int size = 2 * q;
            _czA = new double[size]; _czB = new double[size]; _cDz = new double[size]; _cD0 = new double[size]; _cD1 = new double[size];
            _cBump = new double[size];
            _cOld = new double[size]; _cJump = new double[size]; _cCount = new int[size]; _cFollowed = new bool[size];
        }
        double aj = _yCorr[o];
        if (_dw.Length != _d) { _dw = new double[_d]; _devA = new double[_d]; _devB = new double[_d]; }
        Array.Clear(_dw);
        for (int a = 0; a < q; a++)
        {
            int idx = _flips[start + a], k = idx % _n;
            var x = _data.Row(k);
            double z0 = SignPattern.PreActivation(W(_y, j), x), z1 = SignPattern.PreActivation(W(_yCorr, j), x);
            _czA[a] = z0; _czB[a] = z1 - z0;
            // The frozen path's z is curved: its cubic Hermite interpolant (dz/dt from the field at both ends)
            // refines each crossing time found on the chord.
            double zd0 = 0, zd1 = 0;
            for (int i = 0; i < _d; i++) { zd0 += _k1[o + 1 + i] * x[i]; zd1 += _k7[o + 1 + i] * x[i]; }
            _cDz[a] = z1 - z0; _cD0[a] = h * zd0; _cD1[a] = h * zd1;
            _cBump[a] = DenseOutputBump(o + 1, x);
            // The mask already holds the new side; the old side is the other one (on = +1).
            bool nowOn = _field.Mask[idx] != 0;
            _cOld[a] = nowOn ? -1.0 : 1.0;
            // Velocity jump of w_j from the old side to the new, per unit of theta: switched on adds -c x_k.
            _cJump[a] = (nowOn ? -1.0 : 1.0) * aj * r[k] / _n * h;
            _cCount[a] = 0; _cFollowed[a] = true;
            // z constant over the step (on the hyperplane throughout): a flip without a correction.
            if (_czB[a] == 0) { _cCount[a] = 1; _cFollowed[a] = false; }
        }
        if (q <= ExactSweepLimit) SweepExactly(j, start, q, h);
        else SweepInFrozenOrder(j, start, q, h);
        for (int i = 0; i < _d; i++) _yNew[o + 1 + i] += _dw[i];
        for (int a = 0; a < q; a++)
            if ((_cCount[a] & 1) == 0) _unflipped.Add(_flips[start + a]);
    }

    /// <summary>
    /// Every crossing moves the z of all the neuron's pairs: the next crossing is found among all pairs after each
    /// one (O(q^2 d) for q pairs), so crossings that the corrections reorder, undo or repeat are taken exactly.
    /// </summary>
    void SweepExactly(int j, int start, int q, double h)
    {
        double thetaNow = 0;
        for (int events = 0; events < 4 * q + 8; events++)
        {
            // The next crossing on the corrected path: the earliest root of a followed pair moving off its side.
            int next = -1;
            double best = 1.0;
            for (int a = 0; a < q; a++)
            {
                if (!_cFollowed[a] || _czB[a] == 0) continue;
                double side = (_cCount[a] & 1) == 0 ? _cOld[a] : -_cOld[a];
                if (side * _czB[a] >= 0) continue; // moving away from the hyperplane
                double root = -_czA[a] / _czB[a];
                if (root < thetaNow) root = thetaNow; // already at or past it (rounding): crosses now
                else if (root <= 1) root = RefineOnCurve(a, root, thetaNow);
                if (root <= best) { best = root; next = a; }
            }
            if (next < 0) break;
            thetaNow = best;
            int p = next;
            var xp = _data.Row(_flips[start + p] % _n);
            double jump = ApplyCrossing(j, start, p, thetaNow, h);
            // The jump moves every followed pair's z from now on.
            for (int a = 0; a < q; a++)
            {
                if (!_cFollowed[a]) continue;
                var xa = _data.Row(_flips[start + a] % _n);
                double dz = 0;
                for (int i = 0; i < _d; i++) dz += xp[i] * xa[i];
                dz *= jump;
                _czB[a] += dz;
                _czA[a] -= dz * thetaNow;
            }
            // A pair its own jump sends straight back slides (the field points to its hyperplane from both
            // sides): stop following it; the sliding update decides it (it is found again as a flip).
            double sideNow = (_cCount[p] & 1) == 0 ? _cOld[p] : -_cOld[p];
            if (sideNow * _czB[p] < 0) _cFollowed[p] = false;
        }
    }

    /// <summary>
    /// Many crossings (q &gt; <see cref="ExactSweepLimit"/>, the early phase at large n): the pairs are taken once each,
    /// in the order of their crossings on the frozen path, and each one's time is found on the path corrected by
    /// the crossings before it (the deviation of w_j is linear in time between crossings: A + B theta). O(q (d + log q));
    /// a pair the corrections would reorder crosses at once, and one they would carry back is not followed again.
    /// </summary>
    void SweepInFrozenOrder(int j, int start, int q, double h)
    {
        if (_order.Length < q) { _order = new int[2 * q]; _frozenRoot = new double[2 * q]; }
        int count = 0;
        for (int a = 0; a < q; a++)
        {
            if (!_cFollowed[a]) continue;
            double root = Math.Clamp(-_czA[a] / _czB[a], 0.0, 1.0);
            _frozenRoot[count] = RefineOnCurve(a, root, 0);
            _order[count++] = a;
        }
        Array.Sort(_frozenRoot, _order, 0, count);
        Array.Clear(_devA);
        Array.Clear(_devB);
        double thetaNow = 0;
        for (int c = 0; c < count; c++)
        {
            int a = _order[c];
            var xa = _data.Row(_flips[start + a] % _n);
            double da = 0, db = 0;
            for (int i = 0; i < _d; i++) { da += _devA[i] * xa[i]; db += _devB[i] * xa[i]; }
            _czA[a] += da; _czB[a] += db;
            if (_cOld[a] * _czB[a] >= 0) continue; // the corrections turned it away: no crossing
            double root = -_czA[a] / _czB[a];
            if (root > 1) continue; // pushed past the step's end: no crossing
            root = root < thetaNow ? thetaNow : RefineOnCurve(a, root, thetaNow);
            thetaNow = root;
            double jump = ApplyCrossing(j, start, a, thetaNow, h);
            for (int i = 0; i < _d; i++) { _devB[i] += jump * xa[i]; _devA[i] -= jump * thetaNow * xa[i]; }
        }
    }

    /// <summary>
    /// Pair p of neuron j crosses at theta: its velocity jump (removed if it crosses back) is integrated over the time
    /// left, with c varying at dc/dt; its third-order remainder tau^3/6 |d2c/dt2| |x_k| goes to the error estimate.
    /// Returns the jump's coefficient (per unit of theta) on x_k.
    /// </summary>
    double ApplyCrossing(int j, int start, int p, double theta, double h)
    {
        int o = j * (_d + 1), kp = _flips[start + p] % _n;
        var r = _rEnd!;
        var xp = _data.Row(kp);
        double aj = _yCorr[o], dadt = _k7[o], d2adt2 = (_k7[o] - _k1[o]) / h;
        // Crossing back to the old side removes the jump it added.
        double eps = (_cCount[p] & 1) == 0 ? 1.0 : -1.0, jump = eps * _cJump[p];
        _cCount[p]++;
        double tau = (1 - theta) * h, drdt = (r[kp] - _rOld[kp]) / h;
        double dcdt = (dadt * r[kp] + aj * drdt) / _n, d2cdt2 = (d2adt2 * r[kp] + 2 * dadt * drdt) / _n;
        // Integral of the jump over the time left: c at the end times tau, less dc/dt tau^2 / 2 (the jump's sign,
        // -1 switched on and +1 switched off, is _cOld).
        double integral = jump * (1 - theta) - eps * _cOld[p] * 0.5 * tau * tau * dcdt;
        double remainder = tau * tau * tau / 6 * Math.Abs(d2cdt2);
        for (int i = 0; i < _d; i++)
        {
            _dw[i] += integral * xp[i];
            _yStage[o + 1 + i] += remainder * Math.Abs(xp[i]);
        }
        return jump;
    }

    /// <summary>
    /// The quartic coefficient of the stepper's dense output of the frozen step along x (components from offset): what
    /// it adds to the cubic Hermite, times theta^2 (1 - theta)^2. Zero for RKC steps (their dense output is the Hermite
    /// itself) and without <see cref="FlowOptions.DenseOutputCrossings"/>.
    /// </summary>
    double DenseOutputBump(int offset, ReadOnlySpan<double> x)
        => _opt.DenseOutputCrossings && !StiffMode ? _dopri.InterpolateFunctional(offset, x).C4 : 0;

    /// <summary>Newton on alpha + beta theta + Q(theta) (Q: Hermite minus chord, plus the dense output's bump) from the chord's root; the chord's root if it leaves [from, 1].</summary>
    double RefineOnCurve(int a, double root, double from)
    {
        double t = root, dz = _cDz[a], d0 = _cD0[a], d1 = _cD1[a], bump = _cBump[a];
        for (int it = 0; it < 3; it++)
        {
            double t2 = t * t, t3 = t2 * t;
            double q = dz * (3 * t2 - 2 * t3 - t) + (t3 - 2 * t2 + t) * d0 + (t3 - t2) * d1;
            double dq = dz * (6 * t - 6 * t2 - 1) + (3 * t2 - 4 * t + 1) * d0 + (3 * t2 - 2 * t) * d1;
            if (bump != 0)
            {
                double s = 1 - t;
                q += bump * t2 * s * s;
                dq += bump * 2 * t * s * (1 - 2 * t);
            }
            double f = _czA[a] + _czB[a] * t + q, df = _czB[a] + dq;
            if (df == 0) return root;
            t -= f / df;
        }
        return t >= from && t <= 1 ? t : root;
    }
}
