using SimplicityBias.Dynamics.Network;
using SimplicityBias.Theory.Numerics;
using SimplicityBias.Verify.Specs;

namespace SimplicityBias.Verify.Provisional;

/// <summary>
/// The paper's initialization (THEORY.md section 3): a_j = lambda atilde_j / sqrt(m), w_j = lambda wtilde_j / sqrt(m).
/// TODO: replace by SimplicityBias.Dynamics.Network.Initialization when the coordinator adds it.
/// </summary>
internal static class ProvisionalInitialization
{
    /// <summary>Stream of the seed used for the initialization (the data models use 0-3 and 7).</summary>
    public const ulong InitStream = 11;

    public static NetworkParameters Create(ExperimentSpec s)
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
