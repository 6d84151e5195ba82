using SimplicityBias.Dynamics.Network;
using SimplicityBias.Theory.Numerics;
using SimplicityBias.Verify.Specs;

namespace SimplicityBias.Verify.Running;

/// <summary>The paper's initialization (docs/THEORY.md section 3) of a spec, with a seed of its own.</summary>
internal static class SpecInitialization
{
    /// <summary>Stream of the seed used for the initialization (the data models use 0-3 and 7).</summary>
    public const ulong InitStream = 11;

    /// <summary>The initial parameters of a spec.</summary>
    public static NetworkParameters Create(ExperimentSpec s)
    {
        var kind = s.Init switch
        {
            "balanced" => InitKind.Balanced,
            "dominated" => InitKind.Dominated,
            "unbalanced" => InitKind.Unbalanced,
            _ => throw new ArgumentException($"init: unknown value '{s.Init}'", nameof(s)),
        };
        // Derived from the spec's seed so the initialization is independent of the data streams.
        return Initialization.Create(kind, s.M, s.D, s.Lambda, Rng.Mix64((ulong)s.Seed + InitStream));
    }
}
