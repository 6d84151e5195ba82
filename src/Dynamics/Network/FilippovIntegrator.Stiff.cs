using SimplicityBias.Dynamics.Ode;

namespace SimplicityBias.Dynamics.Network;

/// <summary>
/// The stiff late phase. Once neurons have grown, the Hessian's largest eigenvalue rho pins Dormand-Prince
/// at h ~ 3.3 / rho while the motion itself is slow. The Jacobian of the frozen-pattern field is -Pi H, whose
/// spectrum is real (Pi H is similar to a symmetric matrix on the sliding tangent space), which is the case
/// Runge-Kutta-Chebyshev methods are built for: stability on [-0.65 s^2, 0] with s evaluations, no Jacobian
/// matrix and no linear solve. rho is estimated by a nonlinear power iteration on differences of the field.
/// Switching follows Hairer's DOPRI5 stiffness test: h |lambda| estimated from the last two stages, 15
/// steps at the stability boundary switch to RKC; 10 steps with h rho well inside Dormand-Prince's region
/// switch back (higher order is cheaper where the step is not stability-bound).
/// </summary>
internal sealed partial class FilippovIntegrator
{
    const int MaxRkcStages = 400, RhoRefreshSteps = 25;

    readonly StiffnessSwitch _switch;
    bool StiffMode => _switch.Stiff; // RKC or Rosenbrock-W steps (else Dormand-Prince)
    int _stepsSinceRho;
    double _lastHRho, _rho = double.NaN;
    readonly SpectralRadiusEstimator _radius = new();
    readonly Dictionary<int, RkcCoefficients> _rkc = new();

    /// <summary>After an accepted step: decides whether the next steps are Dormand-Prince or RKC (the library's policy).</summary>
    void UpdateStiffnessMode(double h)
    {
        if (!_opt.StiffSwitching) return;
        if (StiffMode) _stepsSinceRho++;
        if (!_switch.Update(StiffMode ? h * _rho : _lastHRho)) return;
        if (StiffMode) _rho = double.NaN; // fresh estimate at the next step
        _stats.StiffSwitches++;
    }

    /// <summary>
    /// Spectral radius of the frozen-pattern field's Jacobian at _y (the ODE library's power iteration, warm-started
    /// from the last direction; 20% safety margin). Needs _k1 = f(_y). Overwrites _yStage and _k2.
    /// </summary>
    void EstimateSpectralRadius(int maxIterations)
    {
        _rho = _radius.Estimate(_frozenRhs, 0, _y, _k1, _yStage, _k2, maxIterations);
        _stepsSinceRho = 0;
        _stats.SpectralRadiusEstimates++;
    }

    /// <summary>
    /// One Runge-Kutta-Chebyshev step of size h from (_y, _k1) into _yNew (with _k7 = f(_yNew)); the same
    /// contract as the Dormand-Prince step. err is the RKC code's third-order estimate in the RMS norm.
    /// </summary>
    double TryStepRkc(double h, out double err)
    {
        if (double.IsNaN(_rho) || _stepsSinceRho >= RhoRefreshSteps) EstimateSpectralRadius(double.IsNaN(_rho) ? 30 : 5);
        var c = Coefficients(RkcCoefficients.StagesFor(h * _rho, MaxRkcStages));
        var end = RkcStepper.Advance(_frozenRhs, 0, h, c, _y, _k1, _k2, _k3, _k4, _k5);
        Array.Copy(end, _yNew, _p);
        RestoreBalancedness(_yNew, record: true);
        double loss = Field(_yNew, _k7, withSigns: true);
        RkcCoefficients.ErrorEstimate(_y, _yNew, _k1, _k7, h, _yStage);
        err = StepError(_yStage, _y, _yNew);
        if (!double.IsFinite(loss)) err = double.NaN;
        return loss;
    }

    /// <summary>The coefficients of s stages, computed once per s.</summary>
    RkcCoefficients Coefficients(int s)
    {
        if (!_rkc.TryGetValue(s, out var c)) _rkc[s] = c = new RkcCoefficients(s);
        return c;
    }

    /// <summary>The largest RKC step the stage cap allows at the current spectral radius.</summary>
    double MaxRkcStep() => Coefficients(MaxRkcStages).StabilityBoundary / _rho / 1.05;
}
