namespace SimplicityBias.Theory.Extremal;

/// <summary>Options of <see cref="ExtremalVectors.SearchFaces"/>, the vertex-sampling search.</summary>
public sealed record FaceSearchOptions
{
    /// <summary>Walks from random directions to a vertex of their cell (default 4000).</summary>
    public int Walks { get; init; } = 4000;
    /// <summary>Random starts of the flow search run first for the attractors (default 64; 0: none).</summary>
    public int FlowStarts { get; init; } = 64;
    /// <summary>Seed of the flow search, of the walks (stream 5) and of the coverage sample (stream 7).</summary>
    public long Seed { get; init; }
    /// <summary>Fresh uniform directions used to measure coverage (default 20000; 0: not measured).</summary>
    public int CoverageSample { get; init; } = 20_000;
    /// <summary>At each vertex, faces on more than this many hyperplanes are not checked (default: all, d - 1).</summary>
    public int MaxBoundary { get; init; } = int.MaxValue;
    /// <summary>A vertex on more than this many hyperplanes (degenerate data) is skipped (default 10).</summary>
    public int MaxLocal { get; init; } = 10;
    /// <summary>Unproductive steps of the expansion around a vertex whose faces held a new vector (default 2; 0: only the neighbours of such vertices; -1: no expansion).</summary>
    public int MaxExpansionDepth { get; init; } = 2;
    /// <summary>Stop once this many candidate faces were checked (default 50 million).</summary>
    public long MaxCandidates { get; init; } = 50_000_000;

    /// <summary>Throws ArgumentException naming the field and value if invalid.</summary>
    public void Validate()
    {
        if (Walks < 1) throw new ArgumentException($"Walks must be >= 1, got {Walks}", nameof(Walks));
        if (FlowStarts < 0) throw new ArgumentException($"FlowStarts must be >= 0, got {FlowStarts}", nameof(FlowStarts));
        if (CoverageSample < 0) throw new ArgumentException($"CoverageSample must be >= 0, got {CoverageSample}", nameof(CoverageSample));
        if (MaxBoundary < 0) throw new ArgumentException($"MaxBoundary must be >= 0, got {MaxBoundary}", nameof(MaxBoundary));
        if (MaxLocal < 1 || MaxLocal > 16) throw new ArgumentException($"MaxLocal must be in [1, 16], got {MaxLocal}", nameof(MaxLocal));
        if (MaxExpansionDepth < -1) throw new ArgumentException($"MaxExpansionDepth must be >= -1, got {MaxExpansionDepth}", nameof(MaxExpansionDepth));
        if (MaxCandidates < 1) throw new ArgumentException($"MaxCandidates must be >= 1, got {MaxCandidates}", nameof(MaxCandidates));
    }
}
