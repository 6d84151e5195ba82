namespace SimplicityBias.Theory.Extremal;

/// <summary>How <see cref="ExtremalVectors.Search"/> moves from a start.</summary>
public enum SearchMethod
{
    /// <summary>
    /// Follow the early-alignment flow du/dt = s (I - u u^T) D_n(u) by projected ascent (s = +1) or
    /// descent (s = -1) with an adaptive step, sliding along data hyperplanes where the flow
    /// does (Filippov), and checking at every step whether the current face holds an extremal
    /// vector (that check is one step of the fixed-point map u -> s D_n(u)/|D_n(u)|, verified).
    /// The share of starts then estimates the flow's basins.
    /// </summary>
    Flow,
    /// <summary>
    /// Iterate the fixed-point map u -> s D_n(u)/|D_n(u)| (capped at MaxFixedPointIterations);
    /// if it has not landed on a verified extremal vector, fall back to <see cref="Flow"/> from the
    /// same start. Faster, but its basins are not the flow's.
    /// </summary>
    FixedPoint,
}

/// <summary>Options of the multi-start search for empirical extremal vectors.</summary>
public sealed record SearchOptions
{
    /// <summary>Random starts, uniform on the sphere (default 200).</summary>
    public int RandomStarts { get; init; } = 200;
    /// <summary>Seed of the random starts (stream 3).</summary>
    public long Seed { get; init; }
    /// <summary>Run each random start for both signs (default true); otherwise only <see cref="Sign"/>.</summary>
    public bool BothSigns { get; init; } = true;
    /// <summary>The sign used when <see cref="BothSigns"/> is false.</summary>
    public int Sign { get; init; } = 1;
    /// <summary>The method (default <see cref="SearchMethod.Flow"/>).</summary>
    public SearchMethod Method { get; init; } = SearchMethod.Flow;
    /// <summary>Cap on flow steps per start (default 3000).</summary>
    public int MaxSteps { get; init; } = 3000;
    /// <summary>Cap on fixed-point iterations per start (default 50).</summary>
    public int MaxFixedPointIterations { get; init; } = 50;
    /// <summary>Largest angle (radians) of one flow step (default 0.05).</summary>
    public double MaxStepAngle { get; init; } = 0.05;
    /// <summary>Neurons with |w_j| at most this are not used as starts (default 0: only w_j = 0 or a_j = 0 are skipped).</summary>
    public double MinNeuronNorm { get; init; }
    /// <summary>Threads for the starts (default -1: all cores). Results do not depend on it.</summary>
    public int MaxDegreeOfParallelism { get; init; } = -1;

    /// <summary>Throws ArgumentException naming the field and value if invalid.</summary>
    public void Validate()
    {
        if (RandomStarts < 0) throw new ArgumentException($"RandomStarts must be >= 0, got {RandomStarts}", nameof(RandomStarts));
        if (Sign != 1 && Sign != -1) throw new ArgumentException($"Sign must be +1 or -1, got {Sign}", nameof(Sign));
        if (MaxSteps < 1) throw new ArgumentException($"MaxSteps must be >= 1, got {MaxSteps}", nameof(MaxSteps));
        if (MaxFixedPointIterations < 1) throw new ArgumentException($"MaxFixedPointIterations must be >= 1, got {MaxFixedPointIterations}", nameof(MaxFixedPointIterations));
        if (!(MaxStepAngle > 0 && MaxStepAngle <= 1)) throw new ArgumentException($"MaxStepAngle must be in (0, 1], got {MaxStepAngle}", nameof(MaxStepAngle));
        if (!(MinNeuronNorm >= 0)) throw new ArgumentException($"MinNeuronNorm must be >= 0, got {MinNeuronNorm}", nameof(MinNeuronNorm));
        if (MaxDegreeOfParallelism == 0 || MaxDegreeOfParallelism < -1) throw new ArgumentException($"MaxDegreeOfParallelism must be -1 or >= 1, got {MaxDegreeOfParallelism}", nameof(MaxDegreeOfParallelism));
    }
}
