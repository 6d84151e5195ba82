using SimplicityBias.Dynamics.Network;
using SimplicityBias.Theory.Numerics;
using SimplicityBias.Verify.Specs;

namespace SimplicityBias.Verify.Provisional;

/// <summary>
/// The paper's initialization (THEORY.md section 3): a_j = lambda atilde_j / sqrt(m), w_j = lambda wtilde_j / sqrt(m).
/// Uses SimplicityBias.Dynamics.Network.Initialization when the build has it (HAS_NETWORK_INITIALIZATION);
/// the provisional draw below is the fallback until then (TODO: delete it once Initialization is merged).
/// </summary>
internal static class ProvisionalInitialization
{
    /// <summary>The initial parameters of a spec.</summary>
    public static NetworkParameters Create(ExperimentSpec s)
    {
#if HAS_NETWORK_INITIALIZATION
        var kind = s.Init switch
        {
            "balanced" => InitKind.Balanced,
            "dominated" => InitKind.Dominated,
            "unbalanced" => InitKind.Unbalanced,
            _ => throw new ArgumentException($"init: unknown value '{s.Init}'", nameof(s)),
        };
        // A seed of its own, derived from the spec's seed, so the initialization is independent of the data streams.
        return Initialization.Create(kind, s.M, s.D, s.Lambda, Rng.Mix64((ulong)s.Seed + InitStream));
#else
        return Fallback(s);
#endif
    }

    /// <summary>Stream of the seed used for the initialization (the data models use 0-3 and 7).</summary>
    public const ulong InitStream = 11;

    internal static NetworkParameters Fallback(ExperimentSpec s)
    {
        var rng = new Rng(s.Seed, InitStream);
        int m = s.M, d = s.D;
        var p = new NetworkParameters(m, d);
        double scale = s.Lambda / Math.Sqrt(m);
        for (int j = 0; j < m; j++)
        {
            var w = p.W(j);
            double nrm = 0;
            for (int i = 0; i < d; i++) { w[i] = rng.NextGaussian(); nrm += w[i] * w[i]; }
            nrm = Math.Sqrt(nrm);
            double a = s.Init switch
            {
                "balanced" => rng.NextSign() * nrm,
                "dominated" => rng.NextSign() * 2 * nrm, // |atilde| = 2 |wtilde| >= |wtilde|
                "unbalanced" => rng.NextGaussian(),
                _ => throw new ArgumentException($"init: unknown value '{s.Init}'", nameof(s)),
            };
            p.Theta[j * (d + 1)] = a * scale;
            for (int i = 0; i < d; i++) w[i] *= scale;
        }
        return p;
    }
}
