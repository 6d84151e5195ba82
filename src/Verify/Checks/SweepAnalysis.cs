using SimplicityBias.Theory.Endpoint;
using SimplicityBias.Verify.Running;

namespace SimplicityBias.Verify.Checks;

/// <summary>A least-squares fit of log10(distance) = intercept + slope log10(n) for one d.</summary>
/// <param name="D">Input dimension.</param>
/// <param name="Slope">Fitted exponent.</param>
/// <param name="Intercept">Fitted intercept (log10).</param>
/// <param name="Points">Runs used.</param>
/// <param name="DistinctN">Distinct sample sizes.</param>
/// <param name="Lower">Lower end of the 95% interval on the slope.</param>
/// <param name="Upper">Upper end.</param>
public sealed record ConcentrationFit(int D, double Slope, double Intercept, int Points, int DistinctN, double Lower, double Upper);

/// <summary>Where the converged train loss moves from near 0 to near the noise level, for one d (SimplicityBias.Theory's estimate).</summary>
/// <param name="D">Input dimension.</param>
/// <param name="Estimate">Estimated n*(d): geometric mean of the per-seed crossings of sigma^2/4 (NaN when no seed crosses inside the grid).</param>
/// <param name="Lower">Lower end of the 95% interval over seeds (NaN with fewer than 2 crossings).</param>
/// <param name="Upper">Upper end of the interval.</param>
/// <param name="Seeds">Seeds used.</param>
/// <param name="Censored">Seeds whose curve did not cross inside the grid.</param>
/// <param name="Assumed">The threshold the specs assumed (expect = auto).</param>
/// <param name="Note">How it was obtained.</param>
public sealed record ThresholdSummary(int D, double Estimate, double Lower, double Upper, int Seeds, int Censored, double Assumed, string Note);

/// <summary>n*(d) ~ C d^p fitted over the dimensions of a sweep.</summary>
/// <param name="Exponent">p.</param>
/// <param name="Lower">Lower end of the 95% interval on p (NaN with 2 dimensions).</param>
/// <param name="Upper">Upper end.</param>
/// <param name="Coefficient">C.</param>
/// <param name="Dimensions">Number of dimensions used.</param>
public sealed record ThresholdExponent(double Exponent, double Lower, double Upper, double Coefficient, int Dimensions);

/// <summary>Conclusions across the runs of a sweep: the concentration exponent and the optimization threshold.</summary>
public static class SweepAnalysis
{
    /// <summary>Successful synthetic runs.</summary>
    public static IEnumerable<RunRecord> Usable(IEnumerable<RunRecord> records) => records.Where(r => r.Status == "ok" && r.Data == "synthetic");

    /// <summary>
    /// Runs with a usable extremal distance: finite and positive (it is infinite when one side has no extremal
    /// vector to match, e.g. a teacher whose population directions are not those of the data's sign pattern).
    /// </summary>
    public static bool HasDistance(RunRecord r) => r.Metric(Metrics.ExtremalDistance) is var v && double.IsFinite(v) && v > 0;

    /// <summary>Fits the decay of the extremal-vector distance with n, per d (needs 3 distinct n).</summary>
    public static List<ConcentrationFit> ConcentrationFits(IEnumerable<RunRecord> records)
    {
        var fits = new List<ConcentrationFit>();
        foreach (var g in Usable(records).Where(HasDistance).GroupBy(r => (int)r.SpecInt("d")).OrderBy(g => g.Key))
        {
            var xs = g.Select(r => Math.Log10(r.SpecDouble("n"))).ToArray();
            var ys = g.Select(r => Math.Log10(r.Metric(Metrics.ExtremalDistance))).ToArray();
            int distinct = xs.Distinct().Count();
            if (distinct < 3) continue;
            var fit = OptimizationThreshold.FitLogLog(g.Select(r => r.SpecDouble("n")).ToArray(), g.Select(r => r.Metric(Metrics.ExtremalDistance)).ToArray());
            fits.Add(new ConcentrationFit(g.Key, fit.Exponent, Math.Log10(fit.Coefficient), xs.Length, distinct, fit.ExponentLower, fit.ExponentUpper));
        }
        return fits;
    }

    /// <summary>Sweep-level checks: the concentration exponent per d, against -1/2.</summary>
    public static List<CheckResult> Checks(IEnumerable<RunRecord> records, double slopeTolerance)
    {
        var list = new List<CheckResult>();
        foreach (var f in ConcentrationFits(records))
            list.Add(new CheckResult
            {
                Name = Claims.ConcentrationRate.Name + $" (d = {f.D})",
                Claim = Claims.ConcentrationRate.Sentence,
                Measured = f.Slope,
                Predicted = -0.5,
                Tolerance = slopeTolerance,
                Rule = "|m - p| <= tol",
                Verdict = Math.Abs(f.Slope + 0.5) <= slopeTolerance ? Verdict.Pass : Verdict.Fail,
                Reason = $"least-squares fit of log distance on log n over {f.Points} runs, {f.DistinctN} values of n; 95% interval [{f.Lower:F3}, {f.Upper:F3}] (log factors bend it slightly above -1/2)",
            });
        return list;
    }

    /// <summary>
    /// Estimates n*(d) from linear-teacher runs on symmetric inputs with ReLU (SimplicityBias.Theory's
    /// OptimizationThreshold): per seed, the first n where the train loss crosses sigma^2/4 upwards
    /// (log-interpolated); the estimate is their geometric mean with a 95% interval over seeds.
    /// </summary>
    public static List<ThresholdSummary> Thresholds(IEnumerable<RunRecord> records)
    {
        var list = new List<ThresholdSummary>();
        var usable = Usable(records).Where(r => r.SpecString("teacher") == "linear" && r.SpecString("activation") == "relu"
            && r.SpecString("dataModel") is "gaussian" or "sphere" && r.SpecDouble("sigma") > 0 && double.IsFinite(r.Metric(Metrics.TrainLoss)));
        foreach (var g in usable.GroupBy(r => ((int)r.SpecInt("d"), r.SpecDouble("sigma"))).OrderBy(g => g.Key.Item1))
        {
            if (g.Select(r => r.SpecInt("n")).Distinct().Count() < 2) continue;
            var points = g.Select(r => new ThresholdPoint((int)r.SpecInt("n"), r.Metric(Metrics.TrainLoss), r.SpecInt("seed"))).ToList();
            var est = OptimizationThreshold.EstimateNStar(points, g.Key.Item2);
            double assumed = Median(g.Select(r => r.Metric(Metrics.Threshold)).ToList());
            string note = double.IsNaN(est.NStar)
                ? "no seed's train loss crosses sigma^2/4 inside the grid of n"
                : $"per-seed crossings of sigma^2/4 (log-interpolated), geometric mean over {est.Seeds.Length - est.Censored} seed(s)"
                  + (est.Censored > 0 ? $"; {est.Censored} seed(s) did not cross" : "");
            // Runs stopped before stationarity give the train loss at their horizon: a flow that is still slowly
            // fitting the noise there (below the threshold, late) counts as above it. Say how many.
            int open = g.Count(r => !r.Stationary);
            if (open > 0) note += $"; {open} of {g.Count()} runs were not stationary at their horizon (the estimate is of the train loss there, and is low if those runs would still fit the noise)";
            list.Add(new ThresholdSummary(g.Key.Item1, est.NStar, est.Lower, est.Upper, est.Seeds.Length, est.Censored, assumed, note));
        }
        return list;
    }

    /// <summary>Fits n*(d) ~ C d^p when two or more dimensions have an estimate (the exponent is an open question of the paper).</summary>
    public static ThresholdExponent? ThresholdExponentFit(IReadOnlyList<ThresholdSummary> thresholds)
    {
        var pts = thresholds.Where(t => t.Estimate > 0).Select(t => (t.D, t.Estimate)).ToList();
        if (pts.Select(p => p.D).Distinct().Count() < 2) return null;
        var fit = OptimizationThreshold.FitNStar(pts);
        return new ThresholdExponent(fit.Exponent, fit.ExponentLower, fit.ExponentUpper, fit.Coefficient, fit.Points);
    }

    /// <summary>Ordinary least squares line y = a + b x; returns (b, a).</summary>
    public static (double Slope, double Intercept) LineFit(IReadOnlyList<double> xs, IReadOnlyList<double> ys)
    {
        double mx = xs.Average(), my = ys.Average(), sxx = 0, sxy = 0;
        for (int i = 0; i < xs.Count; i++) { sxx += (xs[i] - mx) * (xs[i] - mx); sxy += (xs[i] - mx) * (ys[i] - my); }
        double b = sxx > 0 ? sxy / sxx : double.NaN;
        return (b, my - b * mx);
    }

    /// <summary>Median (NaN for none; NaNs ignored).</summary>
    public static double Median(IReadOnlyList<double> values)
    {
        var v = values.Where(x => !double.IsNaN(x)).OrderBy(x => x).ToArray();
        if (v.Length == 0) return double.NaN;
        return v.Length % 2 == 1 ? v[v.Length / 2] : 0.5 * (v[v.Length / 2 - 1] + v[v.Length / 2]);
    }
}
