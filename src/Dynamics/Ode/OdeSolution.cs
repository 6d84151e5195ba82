namespace SimplicityBias.Dynamics.Ode;

/// <summary>The outcome of <see cref="OdeSolver.Solve"/>: final (or last good) state, return code, saved points, events, statistics.</summary>
public sealed class OdeSolution
{
    /// <summary>State at <see cref="Time"/> (the last good state when the run failed).</summary>
    public required double[] Final { get; init; }
    /// <summary>Time reached.</summary>
    public required double Time { get; init; }
    /// <summary>Why the run ended.</summary>
    public required OdeReturnCode ReturnCode { get; init; }
    /// <summary>A sentence with numbers saying why.</summary>
    public required string Reason { get; init; }
    /// <summary>Work counters.</summary>
    public required OdeStatistics Statistics { get; init; }
    /// <summary>Saved times (SaveAt and/or every step), ascending.</summary>
    public required IReadOnlyList<double> SavedTimes { get; init; }
    /// <summary>Saved states matching <see cref="SavedTimes"/>.</summary>
    public required IReadOnlyList<double[]> SavedStates { get; init; }
    /// <summary>Events that happened, in time order.</summary>
    public required IReadOnlyList<OdeEventRecord> Events { get; init; }
    /// <summary>Algorithm name.</summary>
    public required string Algorithm { get; init; }
    /// <summary>True for Success, Terminated and SteadyState.</summary>
    public bool IsSuccessful => ReturnCode.IsSuccessful();
    /// <inheritdoc/>
    public override string ToString() => $"{Algorithm}: {ReturnCode} at t={Time:R} ({Reason}); {Statistics}";
}
