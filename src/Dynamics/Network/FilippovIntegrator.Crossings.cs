namespace SimplicityBias.Dynamics.Network;

/// <summary>
/// The correction of a step across crossings (THEORY.md section 7). The frozen step used the old pattern after
/// each crossing; the jump of the field at pair (j, k) is the pair's term -c x_k (c = a_j r_k / n), switched
/// on or off, and it only moves w_j. Its effect is that velocity jump times the time left in the step.
///
/// The crossings of one neuron are taken in time order on the corrected path, not each on the frozen path:
/// a crossing early in the step changes w_j, and so the time at which its other pairs cross. Where a pair
/// crosses slowly (small dz/dt) that shift is of the size of the correction itself: taking crossing times from
/// the frozen path made most of the integrator's error on R1's early phase (one step of h = 0.02 at t = 4: the
/// largest neuron error was 70% of a correction, along the x_k of a slow crossing after a fast one).
/// Between two crossings z_jk is linear in time (linear interpolation of the frozen path plus the velocity
/// jumps so far), so the next crossing is a root of a linear function.
/// </summary>
internal sealed partial class FilippovIntegrator
{
    // Per-neuron scratch of the crossing sweep: z = alpha + beta theta on the current segment (theta the fraction
    // of the step) plus the frozen path's curvature (chord change, end slopes), the old side, the velocity jump,
    // how many times a pair crossed and whether it is still followed.
    double[] _czA = new double[16], _czB = new double[16], _cDz = new double[16], _cD0 = new double[16], _cD1 = new double[16];
    double[] _cOld = new double[16], _cJump = new double[16];
    int[] _cCount = new int[16];
    bool[] _cFollowed = new bool[16];
    readonly List<int> _unflipped = new();
    // Residuals at the frozen end (old pattern); v and J v of the coupling correction; the third-order remainder
    // terms that J multiplies.
    double[] _rEnd = Array.Empty<double>(), _v = Array.Empty<double>(), _jv = Array.Empty<double>();
    double[] _yShift = Array.Empty<double>(), _remainderJ = Array.Empty<double>();
    double _rhoV;

    /// <summary>
    /// Corrects _yNew (the frozen end, also in _yCorr) for this step's flips and writes the estimated error of the
    /// correction to _yStage (for the step-size control). Flips that the corrected path does not make (or makes
    /// twice) are undone in the mask and removed from _flips. <paramref name="again"/>: a second sweep from the
    /// frozen end after pairs were added that the first correction carried across; it reuses the residuals and
    /// the J v of the first.
    /// </summary>
    void CorrectForCrossings(double h, bool again)
    {
        if (_rEnd.Length != _n) _rEnd = new double[_n];
        if (_v.Length != _p) { _v = new double[_p]; _jv = new double[_p]; _yShift = new double[_p]; _remainderJ = new double[_p]; }
        if (again) Array.Copy(_yCorr, _yNew, _p);
        else Array.Copy(_field.Kernel.Residuals, _rEnd, _n); // the last evaluation was the frozen end's
        Array.Clear(_yStage);
        Array.Clear(_v);
        Array.Clear(_remainderJ);
        _flips.Sort(); // grouped by neuron (index = j*n + k)
        _unflipped.Clear();
        for (int f = 0; f < _flips.Count;)
        {
            int j = _flips[f] / _n, g = f;
            while (g < _flips.Count && _flips[g] / _n == j) g++;
            CorrectNeuron(j, f, g - f, h);
            f = g;
        }
        AddCouplingCorrection(h, again);
        if (_unflipped.Count == 0) return;
        foreach (int idx in _unflipped) _field.Mask[idx] = _field.Mask[idx] != 0 ? 0.0 : 1.0;
        _unflipped.Sort();
        _flips.RemoveAll(idx => _unflipped.BinarySearch(idx) >= 0);
    }

    /// <summary>
    /// The sweep of one neuron's crossings in time order. Each crossing adds to w_j the integral of its velocity
    /// jump over the time left, with c varying at dc/dt (second order); its error estimate is the third-order
    /// term tau^3/6 |d2c/dt2| |x_k|, and tau^3/3 |dc/dt| |x_k| is kept for the coupling's third-order term.
    /// </summary>
    void CorrectNeuron(int j, int start, int q, double h)
    {
        int o = j * (_d + 1);
        var r = _rEnd;
        if (_czA.Length < q)
        {
            int size = 2 * q;
            _czA = new double[size]; _czB = new double[size]; _cDz = new double[size]; _cD0 = new double[size]; _cD1 = new double[size];
            _cOld = new double[size]; _cJump = new double[size]; _cCount = new int[size]; _cFollowed = new bool[size];
        }
        double aj = _yCorr[o];
        double dadt = _k7[o], d2adt2 = (_k7[o] - _k1[o]) / h;
        Span<double> dw = stackalloc double[_d];
        dw.Clear();
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
            // The mask already holds the new side; the old side is the other one (on = +1).
            bool nowOn = _field.Mask[idx] != 0;
            _cOld[a] = nowOn ? -1.0 : 1.0;
            // Velocity jump of w_j from the old side to the new, per unit of theta: switched on adds -c x_k.
            _cJump[a] = (nowOn ? -1.0 : 1.0) * aj * r[k] / _n * h;
            _cCount[a] = 0; _cFollowed[a] = true;
            // z constant over the step (on the hyperplane throughout): a flip without a correction.
            if (_czB[a] == 0) { _cCount[a] = 1; _cFollowed[a] = false; }
        }
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
            int p = next, kp = _flips[start + p] % _n;
            var xp = _data.Row(kp);
            // Crossing back to the old side removes the jump it added.
            double eps = (_cCount[p] & 1) == 0 ? 1.0 : -1.0, jump = eps * _cJump[p];
            _cCount[p]++;
            double tau = (1 - thetaNow) * h, drdt = (r[kp] - _rOld[kp]) / h;
            double dcdt = (dadt * r[kp] + aj * drdt) / _n, d2cdt2 = (d2adt2 * r[kp] + 2 * dadt * drdt) / _n;
            // Integral of the jump over the time left: c at the end times tau, less dc/dt tau^2 / 2.
            double jumpSign = Math.Sign(_cJump[p]) * Math.Sign(aj * r[kp]);
            double integral = jump * (1 - thetaNow) - eps * jumpSign * 0.5 * tau * tau * dcdt;
            double remainder = tau * tau * tau / 6 * Math.Abs(d2cdt2), coupled = tau * tau * tau / 3 * Math.Abs(dcdt);
            for (int i = 0; i < _d; i++)
            {
                dw[i] += integral * xp[i];
                _v[o + 1 + i] += jump / h * 0.5 * tau * tau * xp[i];
                _yStage[o + 1 + i] += remainder * Math.Abs(xp[i]);
                _remainderJ[o + 1 + i] += coupled * Math.Abs(xp[i]);
            }
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
        for (int i = 0; i < _d; i++) _yNew[o + 1 + i] += dw[i];
        for (int a = 0; a < q; a++)
            if ((_cCount[a] & 1) == 0) _unflipped.Add(_flips[start + a]);
    }

    /// <summary>Newton on alpha + beta theta + Q(theta) (Q: Hermite minus chord) from the chord's root; the chord's root if it leaves [from, 1].</summary>
    double RefineOnCurve(int a, double root, double from)
    {
        double t = root, dz = _cDz[a], d0 = _cD0[a], d1 = _cD1[a];
        for (int it = 0; it < 3; it++)
        {
            double t2 = t * t, t3 = t2 * t;
            double q = dz * (3 * t2 - 2 * t3 - t) + (t3 - 2 * t2 + t) * d0 + (t3 - t2) * d1;
            double dq = dz * (6 * t - 6 * t2 - 1) + (3 * t2 - 4 * t + 1) * d0 + (3 * t2 - 2 * t) * d1;
            double f = _czA[a] + _czB[a] * t + q, df = _czB[a] + dq;
            if (df == 0) return root;
            t -= f / df;
        }
        return t >= from && t <= 1 ? t : root;
    }

    /// <summary>
    /// The corrected path deviates from the frozen one by sum_p V_p (t - t_p)_+ (V_p the velocity jumps), and that
    /// deviation changes the field of every neuron through the residuals: over the step it adds J v,
    /// v = sum_p V_p tau_p^2 / 2 (second order). J v is a difference of the field at the frozen end (old pattern)
    /// along v: one evaluation. The terms left are third order: J on the dc/dt part and J on J v, estimated with
    /// the rate rho_v = |J v| / |v| that J shows along v.
    /// </summary>
    void AddCouplingCorrection(double h, bool reuse)
    {
        if (!reuse)
        {
            double vv = 0, yy = 0;
            for (int i = 0; i < _p; i++) { vv += _v[i] * _v[i]; yy += _yCorr[i] * _yCorr[i]; }
            _rhoV = 0;
            Array.Clear(_jv);
            if (vv > 0)
            {
                // The field is a polynomial within the pattern: a relative step of 1e-7 keeps J v to ~1e-7.
                double delta = 1e-7 * Math.Sqrt(Math.Max(yy, double.Epsilon) / vv);
                for (int i = 0; i < _p; i++) _yShift[i] = _yCorr[i] + delta * _v[i];
                ApplyFlips(); // the old pattern, the frozen step's
                _field.Evaluate(_yShift, _jv);
                ApplyFlips();
                double jj = 0;
                for (int i = 0; i < _p; i++) { _jv[i] = (_jv[i] - _k7[i]) / delta; jj += _jv[i] * _jv[i]; }
                _rhoV = Math.Sqrt(jj / vv);
            }
        }
        // Where J is stiff along v (rho_v h > 1, the late phase under Runge-Kutta-Chebyshev) its Taylor terms do
        // not converge: the stiff part of the deviation relaxes within the step instead of growing as J v says.
        // There the correction is left out and the estimate counts J at the rate 1/h, as for the non-stiff part.
        bool taylor = _rhoV * h <= 1;
        double rate = Math.Min(_rhoV, 1 / h);
        for (int i = 0; i < _p; i++)
        {
            if (taylor) _yNew[i] += _jv[i];
            _yStage[i] += rate * (_remainderJ[i] + h / 3 * Math.Abs(_jv[i]) * (taylor ? 1 : 0));
        }
    }
}
