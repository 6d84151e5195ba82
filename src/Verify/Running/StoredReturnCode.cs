using SimplicityBias.Dynamics.Ode;

namespace SimplicityBias.Verify.Running;

/// <summary>
/// A record's return code read back. Records store the ODE library's names (<see cref="OdeReturnCode"/>); records
/// written before the training API took those codes stored "Stationary" and "TimeLimit", which read as SteadyState
/// and Success so committed results still load, render and resume.
/// </summary>
public static class StoredReturnCode
{
    /// <summary>The code named by <paramref name="name"/> (an old alias included); null for an empty or unknown name.</summary>
    public static OdeReturnCode? Parse(string? name) => name switch
    {
        "Stationary" => OdeReturnCode.SteadyState,
        "TimeLimit" => OdeReturnCode.Success,
        _ => Enum.TryParse(name, ignoreCase: false, out OdeReturnCode code) && Enum.IsDefined(code) ? code : null,
    };

    /// <summary>Whether the stored code says the run ended stationary.</summary>
    public static bool IsStationary(string? name) => Parse(name) == OdeReturnCode.SteadyState;
}
