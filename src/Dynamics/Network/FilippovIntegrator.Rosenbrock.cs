using SimplicityBias.Dynamics.Ode;

namespace SimplicityBias.Dynamics.Network;

/// <summary>
/// The stiff late phase with a Rosenbrock-W method (<see cref="StiffMethod.LowRankRosenbrock"/>). At large n the late
/// phase keeps Dormand-Prince's step near h |lambda| ~ 1.3: every crossing and sliding change kicks the few stiff modes
/// (the Hessian's 20-30 eigenvalues above a few hundredths) and its error estimate sees them ring. An L-stable method
/// damps them in one step, so the step can grow to what the crossings' own error allows. Its Jacobian is a low-rank
/// model of those modes (<see cref="LowRankJacobian"/>), rebuilt every few steps and after a rejection; a W-method keeps
/// its order with it. The directions the model leaves out are stepped explicitly, so the step stays within the
/// explicit stability bound for the largest curvature left out.
/// </summary>
internal sealed partial class FilippovIntegrator
{
    const int LanczosIterations = 60;
    LowRankJacobian? _jacobian;
    double[][]? _wStages;
    double[]? _wWork, _wErr;

    bool RosenbrockMode => StiffMode && _opt.StiffMethod == StiffMethod.LowRankRosenbrock;

    /// <summary>The switch into the stiff mode: the Rosenbrock-W method pays as soon as the stiff modes are felt (h |lambda| &gt; 1).</summary>
    static StiffnessSwitch NewSwitch(StiffMethod method) => method == StiffMethod.LowRankRosenbrock
        ? new() { StiffAbove = 1.0, ClearBelow = 0.5, StiffSteps = 15, NonStiffBelow = 0.5, NonStiffSteps = 10 }
        : new() { StiffAbove = 3.0, ClearBelow = 2.0, StiffSteps = 15, NonStiffBelow = 2.0, NonStiffSteps = 10 };

    /// <summary>Rebuilds the low-rank Jacobian at _y (needs _k1 = f(_y)).</summary>
    void RefreshJacobian()
    {
        _jacobian ??= new LowRankJacobian(_p, LanczosIterations);
        _jacobian.Build(_frozenRhs, 0, _y, _k1);
        _rho = _jacobian.Largest;
        _stepsSinceRho = 0;
        _stats.SpectralRadiusEstimates++;
    }

    /// <summary>A model built at the current state when there is none, it is stale, or the mode was just entered.</summary>
    void EnsureJacobian()
    {
        if (_jacobian is null || double.IsNaN(_rho) || _stepsSinceRho >= RhoRefreshSteps) RefreshJacobian();
    }

    /// <summary>The largest step whose explicit part is stable on the curvature the model leaves out (10% margin).</summary>
    double MaxRosenbrockStep()
    {
        EnsureJacobian();
        double left = _jacobian!.Uncaptured;
        return left > 0 ? 0.9 * RosenbrockWStabilityBound / left : double.PositiveInfinity;
    }

    /// <summary>The real stability interval [-1.99, 0] of ROS34PW2's explicit part (its J = 0 stability polynomial; tested).</summary>
    const double RosenbrockWStabilityBound = 1.99;

    /// <summary>
    /// One ROS34PW2 step of size h from (_y, _k1) into _yNew (with _k7 = f(_yNew)); the same contract as the
    /// Dormand-Prince step. err is its embedded second-order estimate in the RMS norm.
    /// </summary>
    double TryStepRosenbrock(double h, out double err)
    {
        EnsureJacobian();
        _wStages ??= [new double[_p], new double[_p], new double[_p], new double[_p]];
        _wWork ??= new double[_p];
        _wErr ??= new double[_p];
        RosenbrockW.Advance(_frozenRhs, 0, h, _jacobian!, _y, _k1, _wStages, _wWork, _yStage, _yNew, _wErr);
        RestoreBalancedness(_yNew, record: true);
        double loss = Field(_yNew, _k7, withSigns: true);
        err = StepError(_wErr, _y, _yNew);
        if (!double.IsFinite(loss)) err = double.NaN;
        return loss;
    }
}
