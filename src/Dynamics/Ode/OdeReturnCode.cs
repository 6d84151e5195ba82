namespace SimplicityBias.Dynamics.Ode;

/// <summary>Why an integration ended.</summary>
public enum OdeReturnCode
{
    /// <summary>The final time was reached (for a training run: the horizon).</summary>
    Success,
    /// <summary>A terminal event stopped the integration.</summary>
    Terminated,
    /// <summary>
    /// |f| fell below the steady-state tolerance. For a gradient flow or a descent method this is "stationary": the
    /// (minimum-norm Clarke) gradient fell below the stationarity tolerance.
    /// </summary>
    SteadyState,
    /// <summary>The step budget ran out before the final time.</summary>
    MaxSteps,
    /// <summary>The adaptive step fell below its minimum (or stopped advancing t).</summary>
    StepSizeTooSmall,
    /// <summary>f returned NaN or infinity (or the state became non-finite); the last good state is kept.</summary>
    Unstable,
    /// <summary>The caller cancelled (<see cref="OdeOptions.Cancellation"/>); the last accepted state is kept.</summary>
    Cancelled,
}

/// <summary>Extension helpers for <see cref="OdeReturnCode"/>.</summary>
public static class OdeReturnCodeExtensions
{
    /// <summary>True for the codes that mean the integration ended as asked (Success, Terminated, SteadyState).</summary>
    public static bool IsSuccessful(this OdeReturnCode code)
        => code is OdeReturnCode.Success or OdeReturnCode.Terminated or OdeReturnCode.SteadyState;
}
