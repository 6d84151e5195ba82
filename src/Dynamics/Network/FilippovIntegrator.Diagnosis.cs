namespace SimplicityBias.Dynamics.Network;

/// <summary>Why a run that ends at the horizon is not stationary, in terms of the flow near its end.</summary>
internal sealed partial class FilippovIntegrator
{
    /// <summary>
    /// How |grad| fell over the second half of the run (from the last recorded point at or before t / 2): at the rate
    /// r = ln(g0 / g) / (t - t0) it keeps, reaching the stationarity tolerance would take about ln(g / tol) / r more.
    /// Then the curvature of the loss along the field, e = &lt;f, H f&gt; / |f|^2 (one Hessian-vector product at the end
    /// state): near a minimum |grad| decays like exp(-e t) along it, so a small e names a slow direction; e &lt;= 0 says
    /// the end state is not near a minimum along it (a saddle's escape, or the pattern still changing).
    /// </summary>
    string SlowDirection(double gradNorm)
    {
        double tol = _opt.StationarityTolerance;
        if (!(gradNorm > 0) || !(tol > 0)) return "";
        var text = new System.Text.StringBuilder();
        TrajectoryPoint? start = null;
        foreach (var q in _trajectory.Points) if (q.Time <= _t / 2) start = q;
        if (start is { } s0 && s0.GradNorm > 0 && _t > s0.Time)
        {
            double rate = RoundedLog.Log(s0.GradNorm / gradNorm) / (_t - s0.Time);
            text.Append(rate > 0
                ? FormattableString.Invariant($"; |grad| fell at rate {rate:G3} since t = {s0.Time:G3} (from {s0.GradNorm:G3}): at that rate |grad| <= {tol:G3} needs about t = {RoundedLog.Log(gradNorm / tol) / rate:G3} more")
                : FormattableString.Invariant($"; |grad| did not fall since t = {s0.Time:G3} (it was {s0.GradNorm:G3})"));
        }
        long p = (long)_m * (_d + 1);
        if (p * p > Array.MaxLength) return text.ToString();
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
