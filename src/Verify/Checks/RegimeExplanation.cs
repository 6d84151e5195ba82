using SimplicityBias.Theory.Experiments;
using SimplicityBias.Dynamics.Network;
using System.Globalization;
using SimplicityBias.Verify.Running;
using SimplicityBias.Verify.Specs;

namespace SimplicityBias.Verify.Checks;

/// <summary>A claim a run was not held to, and why.</summary>
/// <param name="Name">Claim identifier.</param>
/// <param name="Why">What it needs that the run did not have.</param>
public sealed record SkippedClaim(string Name, string Why);

/// <summary>
/// Why a run was held to the claims it was: the regime <see cref="EndpointAnalysis.ResolveRegime"/> chose and the
/// reason, the claims that did not apply, and which <c>--expect</c> the endpoint looks like (for <c>simbias check</c>,
/// where a user who sees three checks deserves to know why there were not more).
/// </summary>
/// <param name="Regime">ols, interpolation or none.</param>
/// <param name="Why">The decision that gave it.</param>
/// <param name="NotApplied">Claims of a run that were not checked, each with what it needs.</param>
/// <param name="Suggestion">Which --expect the measured endpoint resembles and why; null when the regime was given.</param>
public sealed record RegimeExplanation(string Regime, string Why, IReadOnlyList<SkippedClaim> NotApplied, string? Suggestion)
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>The regime's reason, in the order of <see cref="EndpointAnalysis.ResolveRegime"/>'s own decisions.</summary>
    public static string Reason(ExperimentSpec s, int n, int d, bool synthetic)
    {
        if (s.Expect != "auto") return $"expect = {s.Expect} was given (spec or --expect)";
        if (s.DataModel == InputLawKind.Orthogonal && synthetic) return "expect = auto: orthogonal inputs are interpolated at any n";
        if (n <= d) return $"expect = auto: n = {n} <= d = {d}, so the network can fit any labels (interpolation)";
        bool inTheory = s.Activation == Activation.Relu && (!synthetic || (s.Teacher == TeacherKind.Linear && s.Model().Input.IsSymmetric));
        if (!inTheory)
            return s.Activation != Activation.Relu ? $"expect = auto: the theory covers ReLU networks, not activation = {ExperimentChoices.Activations.Name(s.Activation)}"
                : "expect = auto: the theory's threshold is for symmetric inputs with a linear teacher, which these data are not";
        double nStar = s.ThresholdOrDefault();
        string source = s.Threshold is null ? $"the default n*(d) = 25,000 (d/10)^3 = {nStar.ToString("G4", Inv)}" : $"the spec's threshold n* = {nStar.ToString("G4", Inv)}";
        return n >= 2 * nStar
            ? $"expect = auto: n = {n} >= 2 n* = {(2 * nStar).ToString("G4", Inv)} ({source}), well above the threshold, where the flow ends at OLS on S+ and S-"
            : $"expect = auto: n = {n} < 2 n* = {(2 * nStar).ToString("G4", Inv)} ({source}); only well above the threshold does the theory predict the endpoint (OLS on S+ and S-), " +
              "and below it no regime is assumed, so only the claims that hold at any n were checked";
    }

    /// <summary>Explains a finished run on the given training targets (for the interpolation scale mean y^2/2 of user data).</summary>
    public static RegimeExplanation For(ExperimentSpec s, RunRecord r, bool synthetic, bool hasTest, double[] trainY)
    {
        int n = s.N, d = s.D;
        var present = r.Checks.Select(c => c.Name).ToHashSet(StringComparer.Ordinal);
        bool flow = s.IsFlow;
        var skipped = new List<SkippedClaim>();
        foreach (var c in Claims.All)
        {
            if (present.Contains(c.Name) || c == Claims.ConcentrationRate) continue;
            string why = c switch
            {
                _ when c == Claims.Population || c == Claims.Concentration => "needs the population of the data (synthetic data from a spec)",
                _ when c == Claims.TestLevel && !hasTest => "needs test data (--test) and the ols regime (--expect ols)",
                _ when c == Claims.ReferenceLevel => synthetic ? "needs noise-free test data from a linear teacher and the ols regime" : "needs synthetic data from a linear teacher (the reference level sigma^2 d/n)",
                _ when c == Claims.Interpolation => "holds in the interpolation regime (--expect interpolation)",
                _ when c == Claims.Balancedness || c == Claims.MonotoneLoss => flow ? "does not hold for GeLU (not positively homogeneous)" : "an invariant of the gradient flow, not of gd or adam",
                _ => "holds in the ols regime, above the threshold (--expect ols)",
            };
            skipped.Add(new SkippedClaim(c.Name, why));
        }
        return new RegimeExplanation(r.Regime, Reason(s, n, d, synthetic), skipped, s.Expect == "auto" ? Suggest(s, r, trainY) : null);
    }

    /// <summary>Which regime the endpoint resembles: train loss near 0 (interpolation) or near the OLS-on-S+- level (ols).</summary>
    internal static string Suggest(ExperimentSpec s, RunRecord r, double[] trainY)
    {
        double tl = r.Metric(Metrics.TrainLoss), ols = r.Metric(Metrics.OlsTrain);
        double scale = 0;
        foreach (var y in trainY) scale += y * y;
        scale /= 2 * Math.Max(1, trainY.Length);
        string measured = $"train loss at the end {tl.ToString("G4", Inv)}, OLS-on-S± level {ols.ToString("G4", Inv)}, mean y²/2 = {scale.ToString("G4", Inv)}";
        bool stationary = r.Stationary;
        string caveat = stationary ? "" : $"; the run was not stationary at its end ({r.Code} at t = {r.Time.ToString("G3", Inv)}), so a longer --horizon may change this";
        if (double.IsFinite(tl) && scale > 0 && tl <= s.Tolerances.Interpolation * scale)
            return $"the endpoint looks interpolating ({measured}): try --expect interpolation{caveat}";
        if (double.IsFinite(tl) && double.IsFinite(ols) && ols > 0 && Math.Abs(tl - ols) <= s.Tolerances.Loss * ols)
            return $"the endpoint sits at the OLS-on-S± level ({measured}): try --expect ols to hold it to the claims above the threshold{caveat}";
        return $"the endpoint is neither interpolating nor at the OLS-on-S± level ({measured}); --expect ols or --expect interpolation would hold it to one regime's claims, and it would not pass them as it stands{caveat}";
    }
}
