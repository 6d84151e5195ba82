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
        // With DenseOutputCrossings its dense output locates the step's crossings. The flow may still reject the step:
        // the stepper is reset before every attempt, so accepting it here only makes the dense output readable.
        if (_opt.DenseOutputCrossings && Ode.PidController.IsAcceptable(err)) _dopri.Accept();
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
    /// Hairer's starting step (the library's InitialStep), with the difference quotient divided before its norm as this
    /// integrator always did, so every run keeps its bits. No bound is passed: LimitStep applies the largest step and
    /// the horizon to every step, the first included.
    /// </summary>
    double InitialStep() => Ode.InitialStep.Select(_frozenRhs, _t, _y, _k1, Dopri5ErrorOrder, _opt.RelativeTolerance, _atol,
        double.PositiveInfinity, _yStage, _k2, divideBeforeNorm: true);
}
