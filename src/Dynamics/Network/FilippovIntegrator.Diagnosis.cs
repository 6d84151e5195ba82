namespace SimplicityBias.Dynamics.Network;

/// <summary>Why a run that ends at the horizon is not stationary, in terms of the flow near its end.</summary>
internal sealed partial class FilippovIntegrator
{
    StepPace _pace = new();
    double _runHorizon = double.NaN; // the run's horizon when this integrator runs one segment of it

    long LiveRhs => _field.Evaluations + (_earlier?.RhsEvaluations ?? 0);

    /// <summary>
    /// After an accepted step: opens the pace window once t reaches half the run's horizon (from then on the
    /// Dormand-Prince stepper keeps its error per component), and counts the steps in it.
    /// </summary>
    void CountPace(bool stiffStep)
    {
        double horizon = double.IsNaN(_runHorizon) ? _opt.Horizon : _runHorizon;
        if (!_pace.IsOpen)
        {
            if (_t < horizon / 2) return;
            _pace.Open(_t, LiveRhs, _stats);
            _dopri.KeepScaledError = true;
            return;
        }
        int slidingNeurons = 0;
        for (int j = 0; j < _m; j++) if (_field.Sliding[j].Count > 0) slidingNeurons++;
        double top = double.NaN, half = double.NaN;
        var scaled = _dopri.ScaledError;
        if (!stiffStep && scaled.Length == _p) (top, half) = ErrorConcentration(scaled);
        _pace.Step(_control.GrowthCapped, slidingNeurons, top, half, stiffStep ? double.NaN : _lastHRho);
    }

    readonly List<double> _neuronError = new();

    /// <summary>
    /// How concentrated a step's error estimate is: the share of its squares on the neuron with the largest, and how
    /// many neurons (largest first) make half of it. Few neurons bounding the step of all says where the cost is.
    /// </summary>
    (double Top, double Half) ErrorConcentration(ReadOnlySpan<double> scaled)
    {
        _neuronError.Clear();
        double all = 0;
        int stride = _d + 1;
        for (int j = 0; j < _m; j++)
        {
            double part = 0;
            for (int i = j * stride; i < (j + 1) * stride; i++) part += scaled[i] * scaled[i];
            _neuronError.Add(part);
            all += part;
        }
        if (!(all > 0)) return (double.NaN, double.NaN);
        _neuronError.Sort();
        double sum = 0;
        int count = 0;
        for (int a = _neuronError.Count - 1; a >= 0 && sum < all / 2; a--) { sum += _neuronError[a]; count++; }
        return (_neuronError[^1] / all, count);
    }

    /// <summary>
    /// How |grad| fell over the second half of the run (from the last recorded point at or before t / 2): at the rate
    /// r = ln(g0 / g) / (t - t0) it keeps, reaching the stationarity tolerance would take about ln(g / tol) / r more.
    /// Then the pace of the second half (<see cref="StepPace"/>), which prices that time in evaluations. Then the curvature of the loss along the field, e = &lt;f, H f&gt; / |f|^2 (one Hessian-vector product at the end
    /// state): near a minimum |grad| decays like exp(-e t) along it, so a small e names a slow direction; e &lt;= 0 says
    /// the end state is not near a minimum along it (a saddle's escape, or the pattern still changing).
    /// </summary>
    string SlowDirection(double gradNorm)
    {
        double tol = _opt.StationarityTolerance;
        bool stationarity = gradNorm > 0 && tol > 0; // a run asked never to be stationary gets the pace only
        var text = new System.Text.StringBuilder();
        TrajectoryPoint? start = null;
        foreach (var q in _trajectory.Points) if (q.Time <= _t / 2) start = q;
        double more = double.NaN;
        if (stationarity && start is { } s0 && s0.GradNorm > 0 && _t > s0.Time)
        {
            double rate = RoundedLog.Log(s0.GradNorm / gradNorm) / (_t - s0.Time);
            if (rate > 0) more = RoundedLog.Log(gradNorm / tol) / rate;
            text.Append(rate > 0
                ? FormattableString.Invariant($"; |grad| fell at rate {rate:G3} since t = {s0.Time:G3} (from {s0.GradNorm:G3}): at that rate |grad| <= {tol:G3} needs about t = {RoundedLog.Log(gradNorm / tol) / rate:G3} more")
                : FormattableString.Invariant($"; |grad| did not fall since t = {s0.Time:G3} (it was {s0.GradNorm:G3})"));
        }
        text.Append(_pace.Describe(_t, LiveRhs, _stats, more, _opt.StiffMethod == StiffMethod.LowRankRosenbrock ? "Rosenbrock-W" : "RKC"));
        long p = (long)_m * (_d + 1);
        if (!stationarity || p * p > Array.MaxLength) return text.ToString();
        var hf = new double[_p];
        new LossHessian(_data, _m).HessianVectorProduct(_y, _k1, hf);
        double fhf = 0;
        for (int i = 0; i < _p; i++) fhf += _k1[i] * hf[i];
        double e = fhf / (gradNorm * gradNorm);
        if (double.IsFinite(e))
            text.Append(FormattableString.Invariant($"; the curvature of the loss along the gradient is {e:G3}") + (e > 0 ? "" : " (not a minimum's along it)"));
        return text.ToString();
    }
}
