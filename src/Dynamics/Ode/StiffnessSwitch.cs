namespace SimplicityBias.Dynamics.Ode;

/// <summary>
/// When to hand a run from an explicit method to a stabilized one and back, from one number per accepted step
/// (Hairer's DOPRI5 stiffness test, with hysteresis):
/// - non-stiff: the explicit method's estimate of h |lambda| (for Dormand-Prince, from its last two stages) above
///   <see cref="StiffAbove"/> counts one stiff verdict, below <see cref="ClearBelow"/> takes one back; after
///   <see cref="StiffSteps"/> net verdicts the step is held at the stability boundary: switch to the stiff method;
/// - stiff: h rho (the step against the spectral radius) below <see cref="NonStiffBelow"/> on
///   <see cref="NonStiffSteps"/> steps in a row fits the explicit method's region: switch back (higher order is
///   cheaper where the step is not stability-bound).
/// </summary>
public sealed class StiffnessSwitch
{
    private int _stiffCount, _nonStiffCount;

    /// <summary>h |lambda| above which a non-stiff step counts as a stiff verdict.</summary>
    public double StiffAbove { get; init; } = 3.0;
    /// <summary>h |lambda| below which a non-stiff step takes a stiff verdict back.</summary>
    public double ClearBelow { get; init; } = 2.0;
    /// <summary>Net stiff verdicts that switch to the stiff method.</summary>
    public int StiffSteps { get; init; } = 15;
    /// <summary>h rho below which a stiff step would have been stable for the explicit method.</summary>
    public double NonStiffBelow { get; init; } = 2.0;
    /// <summary>Such steps in a row that switch back.</summary>
    public int NonStiffSteps { get; init; } = 10;

    /// <summary>Whether the stiff method is in use.</summary>
    public bool Stiff { get; private set; }
    /// <summary>Switches so far, either way.</summary>
    public long Switches { get; private set; }

    /// <summary>The mode and the verdicts counted toward the next switch, to continue a run from a checkpoint.</summary>
    public (bool Stiff, int StiffCount, int NonStiffCount, long Switches) Save() => (Stiff, _stiffCount, _nonStiffCount, Switches);

    /// <summary>Puts back a state from <see cref="Save"/>.</summary>
    public void Restore((bool Stiff, int StiffCount, int NonStiffCount, long Switches) state)
        => (Stiff, _stiffCount, _nonStiffCount, Switches) = state;

    /// <summary>
    /// After an accepted step: <paramref name="hLambda"/> is the explicit method's h |lambda| estimate while non-stiff,
    /// h rho while stiff. Returns whether the method switched (it applies from the next step).
    /// </summary>
    public bool Update(double hLambda)
    {
        if (!Stiff)
        {
            if (hLambda > StiffAbove) _stiffCount++;
            else if (hLambda < ClearBelow) _stiffCount = Math.Max(0, _stiffCount - 1);
            if (_stiffCount < StiffSteps) return false;
            (Stiff, _stiffCount, _nonStiffCount) = (true, 0, 0);
        }
        else
        {
            if (hLambda < NonStiffBelow) _nonStiffCount++; else _nonStiffCount = 0;
            if (_nonStiffCount < NonStiffSteps) return false;
            (Stiff, _nonStiffCount) = (false, 0);
        }
        Switches++;
        return true;
    }
}
