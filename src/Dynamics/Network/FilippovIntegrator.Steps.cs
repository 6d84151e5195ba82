namespace SimplicityBias.Dynamics.Network;

/// <summary>
/// The Dormand-Prince attempt (the library's stepper on the frozen-pattern field, projected onto the balancedness
/// invariant before its end point is evaluated), the first step, and the error norm of the step-size control.
/// </summary>
internal sealed partial class FilippovIntegrator
{
    /// <summary>The weighted RMS norm of a step's error estimate (the ODE library's).</summary>
    double StepError(double[] err, double[] y0, double[] y1) => Ode.ErrorNorm.Rms(err, y0, y1, _opt.RelativeTolerance, _opt.AbsoluteTolerance);

    /// <summary>
    /// One Dormand-Prince step of size h from (_y, _k1) into _yNew (with _k7 = f(_yNew)) by the library's stepper;
    /// returns the loss at _yNew. Its trial state is projected onto the balancedness invariant before it is evaluated,
    /// so the loss and field recorded for the new state are those of the state actually kept.
    /// </summary>
    double TryStep(double h, out double err)
    {
        _dopri.Reset(_t, _y, _k1);
        err = _dopri.Attempt(h, _opt.RelativeTolerance, _atol);
        _dopri.TrialState.CopyTo(_yNew);
        _dopri.TrialDerivative.CopyTo(_k7);
        _lastHRho = _dopri.StiffnessEstimate;
        if (!double.IsFinite(_endLoss)) err = double.NaN;
        return _endLoss;
    }

    /// <summary>
    /// The Dormand-Prince stepper on the frozen-pattern field. The end point's evaluation (right after the projection)
    /// also takes the signs and the loss there; the stages need neither.
    /// </summary>
    Ode.Dopri5Stepper CreateDopri5()
    {
        bool endpoint = false;
        Ode.OdeRhs rhs = (_, theta, f) =>
        {
            if (!endpoint) { _field.Evaluate(theta, f); return; }
            endpoint = false;
            _endLoss = EvaluateWithSigns(theta, f);
        };
        return new Ode.Dopri5Stepper(rhs, _p)
        {
            TrackStiffness = true,
            ProjectTrial = (_, y) => { RestoreBalancedness(y, record: true); endpoint = true; },
        };
    }

    /// <summary>
    /// Hairer's starting step: h0 from |y|/|f|, refined by a second-derivative estimate. The library's
    /// InitialStep.Select computes the same, but divides by h0 after the norm instead of before it: a difference in
    /// the last bits of the first step that every later step inherits, so switching to it is a deliberate bit change
    /// of every Filippov run (the behaviour pins hold the present bits).
    /// </summary>
    double InitialStep(double loss)
    {
        double d0 = ErrorNormOf(_y), d1 = ErrorNormOf(_k1);
        double h0 = d0 < 1e-5 || d1 < 1e-5 ? 1e-6 : 0.01 * d0 / d1;
        for (int i = 0; i < _p; i++) _yStage[i] = _y[i] + h0 * _k1[i];
        Field(_yStage, _k2);
        for (int i = 0; i < _p; i++) _k3[i] = (_k2[i] - _k1[i]) / h0;
        double d2 = ErrorNormOf(_k3);
        double h1 = Math.Max(d1, d2) <= 1e-15 ? Math.Max(1e-6, h0 * 1e-3) : RoundedPow.Pow(0.01 / Math.Max(d1, d2), 1.0 / 5);
        return Math.Min(100 * h0, h1);
    }

    double ErrorNormOf(double[] v) => StepError(v, _y, _y);
}
