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
    const int StiffStepsToSwitch = 15, NonStiffStepsToSwitchBack = 10, MaxRkcStages = 400, RhoRefreshSteps = 25;

    bool _stiffMode;
    int _stiffCount, _nonStiffCount, _stepsSinceRho;
    double _lastHRho, _rho = double.NaN;
    double[]? _rhoVec;
    readonly Dictionary<int, RkcCoefficients> _rkc = new();

    /// <summary>Hairer's estimate of h |lambda| for a Dormand-Prince step: h |f(y_new) - f(s_6)| / |y_new - s_6|.</summary>
    void EstimateStiffness(double h, double[] stage6)
    {
        double num = 0, den = 0;
        for (int i = 0; i < _p; i++)
        {
            double df = _k7[i] - _k6[i], dy = _yNew[i] - stage6[i];
            num += df * df; den += dy * dy;
        }
        _lastHRho = den > 0 ? h * Math.Sqrt(num / den) : 0;
    }

    /// <summary>After an accepted step: decides whether the next steps are Dormand-Prince or RKC.</summary>
    void UpdateStiffnessMode(double h)
    {
        if (!_opt.StiffSwitching) return;
        if (!_stiffMode)
        {
            if (_lastHRho > 3.0) _stiffCount++;
            else if (_lastHRho < 2.0) _stiffCount = Math.Max(0, _stiffCount - 1);
            if (_stiffCount < StiffStepsToSwitch) return;
            _stiffMode = true; _stiffCount = 0; _nonStiffCount = 0;
            _rho = double.NaN; // fresh estimate at the next step
            _stats.StiffSwitches++;
            return;
        }
        _stepsSinceRho++;
        if (h * _rho < 2.0) _nonStiffCount++; else _nonStiffCount = 0;
        if (_nonStiffCount < NonStiffStepsToSwitchBack) return;
        _stiffMode = false; _nonStiffCount = 0;
        _stats.StiffSwitches++;
    }

    /// <summary>
    /// Spectral radius of the frozen-pattern field's Jacobian at _y by power iteration on
    /// (f(y + v) - f(y)) / |v| with |v| ~ sqrt(eps) |y| (the RKC code's method), warm-started from the last
    /// direction; 20% safety margin. Needs _k1 = f(_y). Overwrites _yStage and _k2.
    /// </summary>
    void EstimateSpectralRadius(int maxIterations)
    {
        if (_rhoVec is null)
        {
            // Start from f itself plus a deterministic spread, so no eigen-direction is missed by symmetry.
            _rhoVec = new double[_p];
            for (int i = 0; i < _p; i++) _rhoVec[i] = _k1[i] + 1e-3 * Norm2(_k1) * Spread(i);
        }
        double yNorm = Norm2(_y);
        double delta = Math.Max(yNorm, 1e-8) * Math.Sqrt(2.2e-16);
        double vNorm = Norm2(_rhoVec);
        if (!(vNorm > 0)) { for (int i = 0; i < _p; i++) _rhoVec[i] = Spread(i); vNorm = Norm2(_rhoVec); }
        double rho = 0;
        for (int it = 0; it < maxIterations; it++)
        {
            double scale = delta / vNorm;
            for (int i = 0; i < _p; i++) { _rhoVec[i] *= scale; _yStage[i] = _y[i] + _rhoVec[i]; }
            Field(_yStage, _k2);
            for (int i = 0; i < _p; i++) _rhoVec[i] = _k2[i] - _k1[i];
            vNorm = Norm2(_rhoVec);
            double next = vNorm / delta;
            bool converged = it > 0 && Math.Abs(next - rho) <= 0.01 * next;
            rho = next;
            if (converged) break;
            if (!(vNorm > 0)) break; // f constant along v: nothing stiff in that direction
        }
        _rho = 1.2 * Math.Max(rho, 1e-12);
        _stepsSinceRho = 0;
        _stats.SpectralRadiusEstimates++;
    }

    /// <summary>A fixed pseudo-random number in [-1, 1) for index i (a Weyl sequence's fraction: IEEE-exact, the same everywhere).</summary>
    static double Spread(int i) => 2.0 * ((ulong)(i + 1) * 0x9E3779B97F4A7C15UL >> 11) * (1.0 / (1UL << 53)) - 1.0;

    /// <summary>
    /// One Runge-Kutta-Chebyshev step of size h from (_y, _k1) into _yNew (with _k7 = f(_yNew)); the same
    /// contract as the Dormand-Prince step. err is the RKC code's third-order estimate in the RMS norm.
    /// </summary>
    double TryStepRkc(double h, out double err)
    {
        if (double.IsNaN(_rho) || _stepsSinceRho >= RhoRefreshSteps) EstimateSpectralRadius(double.IsNaN(_rho) ? 30 : 5);
        var c = Coefficients(RkcCoefficients.StagesFor(h * _rho, MaxRkcStages));
        int s = c.Stages;
        double[] y0 = _y, f0 = _k1, prev2 = _k2, prev = _k3, next = _k4, f = _k5;
        Array.Copy(y0, prev2, _p);
        for (int i = 0; i < _p; i++) prev[i] = y0[i] + c.MuTilde[1] * h * f0[i];
        for (int j = 2; j <= s; j++)
        {
            Field(prev, f);
            double mu = c.Mu[j], nu = c.Nu[j], w = 1 - mu - nu, hmt = h * c.MuTilde[j], hgt = h * c.GammaTilde[j];
            for (int i = 0; i < _p; i++) next[i] = w * y0[i] + mu * prev[i] + nu * prev2[i] + hmt * f[i] + hgt * f0[i];
            (prev2, prev, next) = (prev, next, prev2);
        }
        Array.Copy(prev, _yNew, _p);
        RestoreBalancedness(_yNew, record: true);
        double loss = Field(_yNew, _k7, withSigns: true);
        RkcCoefficients.ErrorEstimate(y0, _yNew, f0, _k7, h, _yStage);
        err = StepError(_yStage, y0, _yNew);
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
