namespace SimplicityBias.Verify.Checks;

/// <summary>A claim of the paper (docs/THEORY.md sections 2 and 4-7; the checks: section 13) that the toolkit checks.</summary>
/// <param name="Name">Identifier used in tables and JSON.</param>
/// <param name="Sentence">The claim in one sentence.</param>
public sealed record Claim(string Name, string Sentence);

/// <summary>The catalogue of claims, in report order.</summary>
public static class Claims
{
    /// <summary>The training ended as asked; a run whose solver gave up proves nothing, whatever its endpoint shows.</summary>
    public static readonly Claim Solver = new("solver",
        "The training ended as asked: at the horizon or at a stationary point (not out of steps, below the smallest step, or unstable).");
    /// <summary>Population extremal directions for symmetric inputs and a linear teacher.</summary>
    public static readonly Claim Population = new("population-extremal",
        "For symmetric inputs and a linear teacher the only population extremal directions are +-Sigma beta*/|Sigma beta*| (measured on a large sample).");
    /// <summary>Concentration of empirical extremal vectors.</summary>
    public static readonly Claim Concentration = new("extremal-concentration",
        "Every empirical extremal vector lies within C sqrt(d log(n)/n) of a population extremal vector.");
    /// <summary>Sweep-level: the rate of the concentration.</summary>
    public static readonly Claim ConcentrationRate = new("extremal-concentration-rate",
        "The distance of empirical to population extremal vectors decays like n^(-1/2) up to logarithms (fitted exponent).");
    /// <summary>Early alignment.</summary>
    public static readonly Claim EarlyAlignment = new("early-alignment",
        "At the end of the early phase the neurons point near extremal directions of their own sign (neurons weighted by |a_j||w_j|).");
    /// <summary>beta+ = OLS on S+.</summary>
    public static readonly Claim OlsPlus = new("ols-beta-plus",
        "Above the threshold beta+ = sum over a_j > 0 of a_j w_j equals least squares on S+.");
    /// <summary>beta- = OLS on S-.</summary>
    public static readonly Claim OlsMinus = new("ols-beta-minus",
        "Above the threshold beta- = sum over a_j < 0 of a_j w_j equals least squares on S-.");
    /// <summary>Common activation sets.</summary>
    public static readonly Claim CommonSets = new("common-activation-sets",
        "Above the threshold all positive neurons share one activation set S+ and all negative neurons one set S-.");
    /// <summary>S+ and S- split the data.</summary>
    public static readonly Claim Split = new("sides-split",
        "Above the threshold S+ and S- split the data by (nearly) one hyperplane: few points are in both or in neither, a fraction of order sqrt(d/n).");
    /// <summary>No interpolation.</summary>
    public static readonly Claim NoInterpolation = new("no-interpolation",
        "Above the threshold the flow does not interpolate: the train loss equals that of the OLS-on-S+- function.");
    /// <summary>Test loss of the OLS function.</summary>
    public static readonly Claim TestLevel = new("test-loss-ols",
        "Above the threshold the test loss equals that of the OLS-on-S+- function.");
    /// <summary>Test loss near the reference level.</summary>
    public static readonly Claim ReferenceLevel = new("test-loss-reference",
        "Above the threshold the (noise-free) test loss is near the reference level sigma^2 d / n.");
    /// <summary>Interpolation below the threshold and for orthogonal inputs.</summary>
    public static readonly Claim Interpolation = new("interpolation",
        "Below the threshold, and for orthogonal inputs, the flow interpolates: the train loss goes to 0.");
    /// <summary>Balancedness invariant.</summary>
    public static readonly Claim Balancedness = new("balancedness",
        "a_j^2 - |w_j|^2 is constant along the flow for every neuron.");
    /// <summary>Monotone loss.</summary>
    public static readonly Claim MonotoneLoss = new("monotone-loss",
        "The training loss never increases along the flow.");

    /// <summary>Every claim, in report order.</summary>
    public static readonly IReadOnlyList<Claim> All =
    [
        Solver, Population, Concentration, ConcentrationRate, EarlyAlignment, OlsPlus, OlsMinus, CommonSets, Split,
        NoInterpolation, TestLevel, ReferenceLevel, Interpolation, Balancedness, MonotoneLoss,
    ];
}
