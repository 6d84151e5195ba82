using SimplicityBias.Dynamics.Network;
using SimplicityBias.Dynamics.Ode;

namespace SimplicityBias.Verify.Checks;

/// <summary>
/// The solver's own verdict on a run: only SteadyState (stationary) and Success (the horizon) mean the training ended
/// as asked. A step budget run out, a step size below its minimum or a non-finite field fail the run, since its
/// endpoint is then wherever the solver happened to stop and the other checks may pass on it by chance.
/// </summary>
public static class SolverCheck
{
    /// <summary>Whether the return code means the training ended as asked.</summary>
    public static bool Finished(OdeReturnCode code) => code is OdeReturnCode.SteadyState or OdeReturnCode.Success;

    /// <summary>The check of a run that ended with <paramref name="code"/> at <paramref name="time"/>.</summary>
    public static CheckResult For(OdeReturnCode code, double time, string reason) => new()
    {
        Name = Claims.Solver.Name,
        Claim = Claims.Solver.Sentence,
        Measured = time,
        Predicted = double.NaN,
        Tolerance = double.NaN,
        Rule = "code is SteadyState (stationary) or Success (the horizon)",
        Verdict = Finished(code) ? Verdict.Pass : Verdict.Fail,
        Reason = $"{code}: {reason}",
    };
}
