using SimplicityBias.Theory.Experiments;

namespace SimplicityBias.Verify.Specs;

/// <summary>
/// One experiment as the command line runs it: the typed <see cref="Experiment"/> of SimplicityBias.Theory
/// (data, network, initialization, training method and their defaults) plus what Verify decides on top of
/// it: the expected regime and the tolerances of the checks. A run is a pure function of this record.
/// </summary>
public sealed record ExperimentSpec : Experiment
{
    /// <summary>Expected regime: auto, ols (above the threshold), interpolation (below it), none (no endpoint claim).</summary>
    public string Expect { get; init; } = "auto";
    /// <summary>Optimization threshold n*(d) used by expect = auto; null = 25,000 (d/10)^3 (the paper's d = 10 figure, cubic in d).</summary>
    public double? Threshold { get; init; }
    /// <summary>Tolerances of the checks.</summary>
    public CheckTolerances Tolerances { get; init; } = new();

    /// <summary>The threshold n*(d) used by expect = auto.</summary>
    public double ThresholdOrDefault() => Threshold ?? 25_000.0 * Math.Pow(D / 10.0, 3);
}

/// <summary>Tolerances of the checks (each documented with the check it belongs to).</summary>
public sealed record CheckTolerances
{
    /// <summary>C in: angle (radians) between the large sample's extremal directions and the population ones &lt;= C sqrt(d / testN).</summary>
    public double Population { get; init; } = 3.0;
    /// <summary>C in: distance of empirical to population extremal vectors &lt;= C sqrt(d log(n) / n).</summary>
    public double Concentration { get; init; } = 3.0;
    /// <summary>A neuron counts as aligned when its cosine with a same-sign extremal direction is at least this.</summary>
    public double AlignmentCosine { get; init; } = 0.9;
    /// <summary>Fraction of neurons (weighted by |a_j||w_j|) allowed not to be aligned at the end of the early phase.</summary>
    public double Alignment { get; init; } = 0.2;
    /// <summary>Relative error allowed between beta+- and OLS on S+-.</summary>
    public double Ols { get; init; } = 0.05;
    /// <summary>Fraction of training points on which a sign group may fail to be unanimous (its neurons' activation sets differ there).</summary>
    public double CommonSets { get; init; } = 0.1;
    /// <summary>Relative error allowed between the endpoint's train loss and that of the OLS-on-S+- function.</summary>
    public double Loss { get; init; } = 0.05;
    /// <summary>Relative error allowed between the endpoint's test loss and that of the OLS-on-S+- function (the excess test loss is small and sensitive to beta+-).</summary>
    public double TestLoss { get; init; } = 0.25;
    /// <summary>C in: fraction of training points in both S+ and S- or in neither &lt;= C sqrt(d / n).</summary>
    public double Split { get; init; } = 2.0;
    /// <summary>Relative error allowed between the test loss and the reference level sigma^2 d / n.</summary>
    public double ReferenceLevel { get; init; } = 1.0;
    /// <summary>Interpolation: train loss at most this times the noise level sigma^2/2 (or mean y^2/2).</summary>
    public double Interpolation { get; init; } = 1e-3;
    /// <summary>Largest drift of a_j^2 - |w_j|^2 allowed, relative to the current scale max(initial scale, 2 max_j |w_j|^2).</summary>
    public double Balancedness { get; init; } = 1e-6;
    /// <summary>Largest increase of the loss between trajectory points, relative to max(L, 1e-6 L(0)); rises within the loss's resolution at rtol do not count.</summary>
    public double Monotone { get; init; } = 1e-6;
    /// <summary>Allowed distance of the fitted concentration exponent from -1/2 (sweep-level check).</summary>
    public double Slope { get; init; } = 0.2;
}
