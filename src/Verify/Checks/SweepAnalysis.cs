using SimplicityBias.Verify.Running;

namespace SimplicityBias.Verify.Checks;

/// <summary>A least-squares fit of log10(distance) = intercept + slope log10(n) for one d.</summary>
/// <param name="D">Input dimension.</param>
/// <param name="Slope">Fitted exponent.</param>
/// <param name="Intercept">Fitted intercept (log10).</param>
/// <param name="Points">Runs used.</param>
/// <param name="DistinctN">Distinct sample sizes.</param>
public sealed record ConcentrationFit(int D, double Slope, double Intercept, int Points, int DistinctN);

/// <summary>Where the converged train loss moves from near 0 to near the noise level, for one d.</summary>
/// <param name="D">Input dimension.</param>
/// <param name="Estimate">Estimated n*(d) (NaN when the curve never crosses one half of the noise level inside the grid).</param>
/// <param name="Assumed">The threshold the specs assumed.</param>
/// <param name="Note">How it was obtained.</param>
public sealed record ThresholdEstimate(int D, double Estimate, double Assumed, string Note);

/// <summary>Conclusions across the runs of a sweep: the concentration exponent and the optimization threshold.</summary>
public static class SweepAnalysis
{
    /// <summary>Successful synthetic runs.</summary>
    public static IEnumerable<RunRecord> Usable(IEnumerable<RunRecord> records) => records.Where(r => r.Status == "ok" && r.Data == "synthetic");

    /// <summary>Fits the decay of the extremal-vector distance with n, per d (needs 3 distinct n).</summary>
    public static List<ConcentrationFit> ConcentrationFits(IEnumerable<RunRecord> records)
    {
        var fits = new List<ConcentrationFit>();
        foreach (var g in Usable(records).Where(r => r.Metric(Metrics.ExtremalDistance) > 0).GroupBy(r => (int)r.SpecInt("d")).OrderBy(g => g.Key))
        {
            var xs = g.Select(r => Math.Log10(r.SpecDouble("n"))).ToArray();
            var ys = g.Select(r => Math.Log10(r.Metric(Metrics.ExtremalDistance))).ToArray();
            int distinct = xs.Distinct().Count();
            if (distinct < 3) continue;
            var (slope, intercept) = LineFit(xs, ys);
            fits.Add(new ConcentrationFit(g.Key, slope, intercept, xs.Length, distinct));
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
                Reason = $"least-squares fit of log distance on log n over {f.Points} runs, {f.DistinctN} values of n (log factors bend it slightly above -1/2)",
            });
        return list;
    }

    /// <summary>
    /// Estimates n*(d) from linear-teacher runs: the median, over seeds, of train loss / noise level at each n,
    /// and the first n where it reaches 1/2 (interpolated in log n). Only runs on symmetric data with ReLU.
    /// </summary>
    public static List<ThresholdEstimate> Thresholds(IEnumerable<RunRecord> records)
    {
        var list = new List<ThresholdEstimate>();
        var usable = Usable(records).Where(r => r.SpecString("teacher") == "linear" && r.SpecString("activation") == "relu"
            && r.SpecString("dataModel") is "gaussian" or "sphere" && r.Metric(Metrics.NoiseLevel) > 0);
        foreach (var g in usable.GroupBy(r => (int)r.SpecInt("d")).OrderBy(g => g.Key))
        {
            var curve = g.GroupBy(r => r.SpecDouble("n")).OrderBy(c => c.Key)
                .Select(c => (N: c.Key, R: Median(c.Select(r => r.Metric(Metrics.TrainLoss) / r.Metric(Metrics.NoiseLevel)).ToList())))
                .ToList();
            double assumed = Median(g.Select(r => r.Metric(Metrics.Threshold)).ToList());
            if (curve.Count < 2) continue;
            double est = double.NaN;
            string note = "the normalized train loss never reaches 1/2 on the grid";
            if (curve[0].R >= 0.5) note = "already above 1/2 at the smallest n";
            else
                for (int i = 1; i < curve.Count; i++)
                    if (curve[i].R >= 0.5)
                    {
                        var (n0, r0) = curve[i - 1];
                        var (n1, r1) = curve[i];
                        double f = (0.5 - r0) / (r1 - r0);
                        est = Math.Pow(10, Math.Log10(n0) + f * (Math.Log10(n1) - Math.Log10(n0)));
                        note = $"median over seeds of train loss / (sigma^2/2) crosses 1/2 between n = {n0} and n = {n1}";
                        break;
                    }
            list.Add(new ThresholdEstimate(g.Key, est, assumed, note));
        }
        return list;
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
