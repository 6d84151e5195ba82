using SimplicityBias.Dynamics.Network;
using SimplicityBias.Theory.Experiments;
using SimplicityBias.Verify.Running;
using SimplicityBias.Verify.Specs;

namespace SimplicityBias.Verify.Checks;

/// <summary>Holds one run's endpoint against the claims that apply to it (see <see cref="Claims"/>).</summary>
internal static class RunChecks
{
    private const string AtMost = "m <= tol";
    private const string AtLeastOneMinus = "m >= p - tol";
    private const string Relative = "|m - p| <= tol * p";
    private const string ScaledBound = "m <= tol * p";

    public static List<CheckResult> Build(ExperimentSpec spec, RunInputs inputs, Endpoint e)
    {
        var t = spec.Tolerances;
        var mt = e.Metrics;
        double M(string k) => mt.TryGetValue(k, out var v) ? v : double.NaN;
        var list = new List<CheckResult>();
        bool flow = spec.IsFlow;
        string notConverged = "not converged: " + e.ConvergenceNote;

        // Population and concentration (synthetic data only: the population is the spec's).
        if (inputs.Synthetic && Predictions.PopulationInClosedForm(spec) && inputs.Test is not null)
        {
            double a = M(Metrics.PopulationAngle);
            double scale = Math.Sqrt(spec.D / (double)inputs.Test.N); // sampling error of the large sample
            list.Add(Make(Claims.Population, a, scale, t.Population, ScaledBound,
                double.IsNaN(a) ? null : a <= t.Population * scale,
                double.IsNaN(a) ? "no extremal direction found on the test sample"
                    : $"largest angle (radians) on the {inputs.Test.N} test points{(spec.TestNoise ? "" : " (noise-free)")}; predicted = sampling scale sqrt(d / testN)"));
        }
        if (inputs.Synthetic && e.HasPopulation)
        {
            double dist = M(Metrics.ExtremalDistance), scale = M(Metrics.ConcentrationScale);
            list.Add(Make(Claims.Concentration, dist, scale, t.Concentration, ScaledBound, dist <= t.Concentration * scale,
                $"{(int)M(Metrics.ExtremalCount)} empirical extremal vectors, set {e.ExtremalMethod}" +
                (e.ExtremalComplete || !(dist <= t.Concentration * scale) ? "" : ": the pass covers only the vectors found") +
                $"; population: {e.PopulationMethod}"));
        }

        // Early alignment.
        if (e.HasEarlyPhase)
        {
            // Weighted by |a_j||w_j|: neurons that shrank (or died, D_n = 0) during the early phase carry little weight.
            double f = M(Metrics.AlignedWeighted);
            list.Add(Make(Claims.EarlyAlignment, f, 1, t.Alignment, AtLeastOneMinus, double.IsNaN(f) ? null : f >= 1 - t.Alignment,
                $"aligned = cosine >= {t.AlignmentCosine}, each neuron weighted by |a_j||w_j|; unweighted fraction {M(Metrics.AlignedFraction):F3}, median cosine {M(Metrics.MedianCosine):F4}; " +
                $"extremal set {e.ExtremalMethod}" + (e.ExtremalComplete || f >= 1 - t.Alignment ? "" : ": a neuron counted unaligned may be near a vector not found")));
        }
        else list.Add(Inconclusive(Claims.EarlyAlignment, 1, t.Alignment, AtLeastOneMinus, "the end of the early phase was not reached (or not reported by the solver)"));

        // Endpoint claims of the regime.
        if (e.Regime == "ols")
        {
            list.Add(e.OlsPlusDefined
                ? Endpoint(Claims.OlsPlus, M(Metrics.BetaPlusError), 0, t.Ols, AtMost, M(Metrics.BetaPlusError) <= t.Ols, e, notConverged, $"|S+| = {M(Metrics.SPlus)}")
                : Inconclusive(Claims.OlsPlus, 0, t.Ols, AtMost, $"OLS on S+ undefined: {e.OlsPlusMessage}"));
            list.Add(e.OlsMinusDefined
                ? Endpoint(Claims.OlsMinus, M(Metrics.BetaMinusError), 0, t.Ols, AtMost, M(Metrics.BetaMinusError) <= t.Ols, e, notConverged, $"|S-| = {M(Metrics.SMinus)}")
                : Inconclusive(Claims.OlsMinus, 0, t.Ols, AtMost, $"OLS on S- undefined: {e.OlsMinusMessage}"));
            double agree = M(Metrics.CommonSets);
            list.Add(Endpoint(Claims.CommonSets, agree, 1, t.CommonSets, AtLeastOneMinus, agree >= 1 - t.CommonSets, e, notConverged,
                $"measured = fraction of training points on which every group is unanimous; {M(Metrics.ActiveNeurons)} neurons count; |S+ and S-| = {M(Metrics.Overlap)}, in neither: {M(Metrics.Uncovered)}; {e.SlidingNote}"));

            double split = (M(Metrics.Overlap) + M(Metrics.Uncovered)) / inputs.Train.N, splitScale = Math.Sqrt(spec.D / (double)inputs.Train.N);
            list.Add(Endpoint(Claims.Split, split, splitScale, t.Split, ScaledBound, split <= t.Split * splitScale, e, notConverged,
                $"measured = fraction of training points in both S+ and S- ({M(Metrics.Overlap)}) or in neither ({M(Metrics.Uncovered)}); predicted = sqrt(d/n); {e.SlidingNote}"));

            double tl = M(Metrics.TrainLoss), olsTrain = M(Metrics.OlsTrain);
            // Convergence is the premise of the claim: an unconverged run is inconclusive for that reason first.
            if (!e.Converged) list.Add(Inconclusive(Claims.NoInterpolation, olsTrain, t.Loss, Relative, notConverged) with { Measured = tl });
            else if (double.IsNaN(olsTrain)) list.Add(Inconclusive(Claims.NoInterpolation, olsTrain, t.Loss, Relative, "OLS on S+- undefined"));
            else list.Add(Make(Claims.NoInterpolation, tl, olsTrain, t.Loss, Relative, Math.Abs(tl - olsTrain) <= t.Loss * olsTrain,
                $"noise level sigma^2/2 = {M(Metrics.NoiseLevel):G4}"));

            if (inputs.Test is not null)
            {
                double sl = M(Metrics.TestLoss), olsTest = M(Metrics.OlsTest);
                list.Add(double.IsNaN(olsTest)
                    ? Inconclusive(Claims.TestLevel, olsTest, t.TestLoss, Relative, "OLS on S+- undefined") with { Measured = sl }
                    : Endpoint(Claims.TestLevel, sl, olsTest, t.TestLoss, Relative, Math.Abs(sl - olsTest) <= t.TestLoss * olsTest, e, notConverged, null));
                if (inputs.Synthetic && !spec.TestNoise && spec.Teacher == TeacherKind.Linear)
                {
                    double rf = M(Metrics.RefTest);
                    list.Add(Endpoint(Claims.ReferenceLevel, sl, rf, t.ReferenceLevel, Relative, Math.Abs(sl - rf) <= t.ReferenceLevel * rf, e, notConverged,
                        "the reference level is approximate (Gaussian design, each half fits d parameters on n/2 points)"));
                }
            }
        }
        else if (e.Regime == "interpolation")
        {
            double scale = inputs.Synthetic && spec.Sigma > 0 ? spec.Sigma * spec.Sigma / 2 : MeanSquare(inputs.Train.Y) / 2;
            double ratio = M(Metrics.TrainLoss) / scale;
            var c = Make(Claims.Interpolation, ratio, 0, t.Interpolation, AtMost, ratio <= t.Interpolation,
                "measured = train loss / noise level");
            // The loss only decreases along the flow: a run below the tolerance passes even if unfinished.
            if (c.Verdict == Verdict.Fail && !e.Converged) c = c with { Verdict = Verdict.Inconclusive, Reason = notConverged };
            list.Add(c);
        }

        // Invariants of the flow (not of gradient descent or Adam).
        if (flow)
        {
            double drift = M(Metrics.Drift), inc = M(Metrics.LossIncrease);
            // Balancedness is conserved because ReLU is positively homogeneous; GeLU is not, so its flow has no such invariant.
            if (spec.Activation != Activation.Gelu)
                list.Add(double.IsNaN(drift)
                    ? Inconclusive(Claims.Balancedness, 0, t.Balancedness, AtMost, "empty trajectory")
                    : Make(Claims.Balancedness, drift, 0, t.Balancedness, AtMost, drift <= t.Balancedness, "largest drift of a_j^2 - |w_j|^2 relative to the current scale max(max_j (a_j^2 + |w_j|^2)(0), 2 max_j |w_j|^2)"));
            list.Add(double.IsNaN(inc)
                ? Inconclusive(Claims.MonotoneLoss, 0, t.Monotone, AtMost, "empty trajectory")
                : Make(Claims.MonotoneLoss, inc, 0, t.Monotone, AtMost, inc <= t.Monotone, "largest increase between trajectory points, relative to max(L, 1e-6 L(0)); rises within the loss's resolution at the run's rtol, 4 rtol sqrt(L L(0)) + 4 rtol^2 L(0), do not count"));
        }
        return list;
    }

    /// <summary>An endpoint claim: within tolerance passes (the state satisfies the claim); outside fails only if converged.</summary>
    private static CheckResult Endpoint(Claim claim, double m, double p, double tol, string rule, bool ok, Endpoint e, string notConverged, string? note)
    {
        if (double.IsNaN(m) || double.IsNaN(p)) return Inconclusive(claim, p, tol, rule, "not measurable") with { Measured = m };
        if (ok) return Make(claim, m, p, tol, rule, true, note);
        return e.Converged ? Make(claim, m, p, tol, rule, false, note) : Make(claim, m, p, tol, rule, null, notConverged);
    }

    private static CheckResult Make(Claim claim, double m, double p, double tol, string rule, bool? ok, string? reason) => new()
    {
        Name = claim.Name, Claim = claim.Sentence, Measured = m, Predicted = p, Tolerance = tol, Rule = rule,
        Verdict = ok is null ? Verdict.Inconclusive : ok.Value ? Verdict.Pass : Verdict.Fail,
        Reason = reason,
    };

    private static CheckResult Inconclusive(Claim claim, double p, double tol, string rule, string reason)
        => Make(claim, double.NaN, p, tol, rule, null, reason);

    private static double MeanSquare(double[] y)
    {
        double s = 0;
        foreach (var v in y) s += v * v;
        return s / Math.Max(1, y.Length);
    }
}
