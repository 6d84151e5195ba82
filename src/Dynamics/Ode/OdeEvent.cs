namespace SimplicityBias.Dynamics.Ode;

/// <summary>Which sign changes of an event function count.</summary>
public enum EventDirection
{
    /// <summary>Both directions.</summary>
    Both,
    /// <summary>g goes from negative to non-negative.</summary>
    Rising,
    /// <summary>g goes from positive to non-positive.</summary>
    Falling,
}

/// <summary>
/// An event: a zero crossing of g(t, y) in the given direction, located on the dense output to 1e-12
/// relative in t. A terminal event stops the integration; an affect changes the state and restarts it cleanly.
/// Crossings are detected from the signs of g at the ends of each step (two crossings within one step are not seen).
/// </summary>
public sealed class OdeEvent
{
    /// <summary>Creates an event.</summary>
    /// <param name="function">g(t, y).</param>
    /// <param name="direction">Which crossings count.</param>
    /// <param name="terminal">Stop the integration at the first crossing.</param>
    /// <param name="affect">Optional state change applied at the crossing.</param>
    public OdeEvent(OdeEventFunction function, EventDirection direction = EventDirection.Both, bool terminal = false, OdeEventAffect? affect = null)
    {
        ArgumentNullException.ThrowIfNull(function);
        Function = function;
        Direction = direction;
        Terminal = terminal;
        Affect = affect;
    }

    /// <summary>g(t, y).</summary>
    public OdeEventFunction Function { get; }
    /// <summary>Which crossings count.</summary>
    public EventDirection Direction { get; }
    /// <summary>Stop at the first crossing.</summary>
    public bool Terminal { get; }
    /// <summary>State change at a crossing (null: none).</summary>
    public OdeEventAffect? Affect { get; }
    /// <summary>Optional name for reports.</summary>
    public string? Name { get; init; }
}

/// <summary>One event that happened.</summary>
/// <param name="EventIndex">Index into <see cref="OdeOptions.Events"/>.</param>
/// <param name="Time">Located time of the crossing.</param>
/// <param name="State">State at that time, before any affect.</param>
/// <param name="Rising">True when g went from negative to non-negative.</param>
public sealed record OdeEventRecord(int EventIndex, double Time, double[] State, bool Rising);
