namespace SimplicityBias.Dynamics.Ode;

/// <summary>Why an integration ended.</summary>
public enum OdeReturnCode
{
    /// <summary>The final time was reached.</summary>
    Success,
    /// <summary>A terminal event stopped the integration.</summary>
    Terminated,
    /// <summary>|f| stayed below the steady-state tolerance.</summary>
    SteadyState,
    /// <summary>The step budget ran out before the final time.</summary>
    MaxSteps,
    /// <summary>The adaptive step fell below its minimum (or stopped advancing t).</summary>
    StepSizeTooSmall,
    /// <summary>f returned NaN or infinity (or the state became non-finite); the last good state is kept.</summary>
    Unstable,
}

/// <summary>Extension helpers for <see cref="OdeReturnCode"/>.</summary>
public static class OdeReturnCodeExtensions
{
    /// <summary>True for the codes that mean the integration ended as asked (Success, Terminated, SteadyState).</summary>
    public static bool IsSuccessful(this OdeReturnCode code)
        => code is OdeReturnCode.Success or OdeReturnCode.Terminated or OdeReturnCode.SteadyState;
}
