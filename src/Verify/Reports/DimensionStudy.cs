using System.Globalization;
using SimplicityBias.Theory.Endpoint;
using SimplicityBias.Verify.Checks;
using SimplicityBias.Verify.Running;

namespace SimplicityBias.Verify.Reports;

/// <summary>The three definitions of the threshold at one d, with the bracket of the adaptive search.</summary>
/// <param name="D">Input dimension.</param>
/// <param name="Runs">Runs used.</param>
/// <param name="Seeds">Distinct seeds.</param>
/// <param name="DistinctN">Distinct n.</param>
/// <param name="NotStationary">Runs that ended at their horizon rather than at a stationary point.</param>
/// <param name="Crossing">Per-seed crossings of sigma^2/4 (geometric mean, Student-t interval).</param>
/// <param name="CrossingBootstrap">Seed-bootstrap interval of the geometric mean of the crossings.</param>
/// <param name="Bracket">The adaptive search's state on the median curve (Done when the bracket is a factor &lt;= the target).</param>
/// <param name="GlobalMinimum">Last n whose median train loss is at the rounding level, and the next n.</param>
/// <param name="TestMinimumN">The first local minimum over n of the median test loss (NaN without a test set or without an interior minimum).</param>
/// <param name="TestMinimumAround">Its neighbours on the grid.</param>
public sealed record DimensionRow(int D, int Runs, int Seeds, int DistinctN, int NotStationary, ThresholdEstimate Crossing, BootstrapInterval CrossingBootstrap,
    RefinementStep Bracket, NBracket GlobalMinimum, double TestMinimumN, NBracket TestMinimumAround);

/// <summary>One setting (m, lambda, sigma, horizon...) of the study across its dimensions.</summary>
/// <param name="Label">The setting in words.</param>
/// <param name="Sigma">Noise level.</param>
/// <param name="GlobalMinimumLevel">Train loss below which an endpoint counts as a global minimum.</param>
/// <param name="Rows">One row per d.</param>
/// <param name="Fit">n* = C d^p on the crossing estimates (null with fewer than two d).</param>
/// <param name="FitBootstrap">Seed-bootstrap interval on p.</param>
/// <param name="GlobalMinimumFit">The same fit on the global-minimum brackets' midpoints.</param>
/// <param name="TestMinimumFit">The same fit on the test-loss dips.</param>
/// <param name="ReferenceExponent">The exponent a d^3 log d law shows over the same d (the local slope of the paper's condition).</param>
public sealed record DimensionFamily(string Label, double Sigma, double GlobalMinimumLevel, List<DimensionRow> Rows, PowerLawFit? Fit, BootstrapInterval FitBootstrap,
    PowerLawFit? GlobalMinimumFit, PowerLawFit? TestMinimumFit, double ReferenceExponent);

/// <summary>
/// The dimension study (issue: the optimization threshold across dimensions): per setting and d, the threshold
/// by three definitions (the crossing of sigma^2/4, the last global minimum, the test-loss dip), their
/// fits n* = C d^p, and the comparison with d^3 log d scaled to the paper's n = 25,000 at d = 10.
/// </summary>
public static class DimensionStudy
{
    /// <summary>The dimensions the study plans (reproduce --scale dimensions).</summary>
    public static readonly int[] Planned = [2, 3, 4, 5, 6, 8, 10];
    /// <summary>The paper's threshold at d = 10 (its experiments), the anchor of the d^3 log d curve.</summary>
    public const double PaperNAt10 = 25_000;
    /// <summary>Target width of a bracket (as in the adaptive scales).</summary>
    public const double TargetRatio = 1.3;

    /// <summary>n = K d^3 log d with K chosen so that it passes through the paper's 25,000 at d = 10.</summary>
    public static double CubicLogReference(double d) => PaperNAt10 * d * d * d * Math.Log(d) / (1000 * Math.Log(10));

    /// <summary>
    /// Usable runs: linear teacher, ReLU, symmetric inputs, sigma &gt; 0, a finite train loss; one record per flow (a run
    /// extended with a longer horizon stands for the shorter ones, <see cref="FurthestRuns"/>).
    /// </summary>
    public static IEnumerable<RunRecord> Usable(IEnumerable<RunRecord> records)
        => FurthestRuns.Select(SweepAnalysis.Usable(records)).Where(r => r.SpecString("teacher") == "linear" && r.SpecString("activation") == "relu"
            && r.SpecString("dataModel") is "gaussian" or "sphere" && r.SpecDouble("sigma") > 0 && double.IsFinite(r.Metric(Metrics.TrainLoss)));

    /// <summary>The settings with two or more dimensions that each have two or more n; empty when the records are no dimension study.</summary>
    public static List<DimensionFamily> Analyze(IReadOnlyList<RunRecord> records)
    {
        var list = new List<DimensionFamily>();
        foreach (var fam in Usable(records).GroupBy(Setting).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var perD = fam.GroupBy(r => (int)r.SpecInt("d")).Where(g => g.Select(r => r.SpecInt("n")).Distinct().Count() >= 2).OrderBy(g => g.Key).ToList();
            if (perD.Count < 2) continue;
            double sigma = fam.First().SpecDouble("sigma");
            double gmLevel = ThresholdDefinitions.GlobalMinimumLevel(sigma * sigma / 2);
            var rows = perD.Select(g => Row(g.Key, g.ToList(), sigma, gmLevel)).ToList();
            var crossed = rows.Where(r => r.Crossing.NStar > 0).ToList();
            PowerLawFit? fit = crossed.Count >= 2 ? OptimizationThreshold.FitNStar(crossed.Select(r => (r.D, r.Crossing.NStar))) : null;
            var boot = SeedBootstrap.Exponent(crossed.Select(r => (r.D, r.Crossing.PerSeed)).ToList());
            var gm = rows.Where(r => r.GlobalMinimum.Mid > 0).ToList();
            var tm = rows.Where(r => r.TestMinimumN > 0).ToList();
            double[] ds = rows.Select(r => (double)r.D).ToArray();
            list.Add(new DimensionFamily(fam.Key, sigma, gmLevel, rows, fit, boot,
                gm.Count >= 2 ? OptimizationThreshold.FitNStar(gm.Select(r => (r.D, r.GlobalMinimum.Mid))) : null,
                tm.Count >= 2 ? OptimizationThreshold.FitNStar(tm.Select(r => (r.D, r.TestMinimumN))) : null,
                OptimizationThreshold.FitLogLog(ds, ds.Select(CubicLogReference).ToArray()).Exponent));
        }
        return list;
    }

    /// <summary>The usable runs of one setting of the study.</summary>
    public static List<RunRecord> RunsOf(DimensionFamily family, IEnumerable<RunRecord> usable)
        => usable.Where(r => Setting(r) == family.Label).ToList();

    /// <summary>What a run's setting is apart from d, n, the seed and the horizon (runs extended to a longer horizon stay in their setting).</summary>
    public static string Setting(RunRecord r) => string.Create(CultureInfo.InvariantCulture,
        $"{r.SpecString("dataModel")} inputs, m = {r.SpecInt("m")}, lambda = {r.SpecDouble("lambda"):G3}, sigma = {r.SpecDouble("sigma"):G3}, {r.SpecString("solver")}");

    /// <summary>Each setting's label cut to the parts that tell it from the others (the whole label when it is alone or the labels differ in shape).</summary>
    public static Dictionary<string, string> Distinguishing(IEnumerable<string> labels)
    {
        var parts = labels.Distinct(StringComparer.Ordinal).ToDictionary(l => l, l => l.Split(", "), StringComparer.Ordinal);
        int width = parts.Values.Select(p => p.Length).DefaultIfEmpty(0).First();
        if (parts.Count < 2 || parts.Values.Any(p => p.Length != width)) return parts.Keys.ToDictionary(l => l, l => l, StringComparer.Ordinal);
        var differ = Enumerable.Range(0, width).Where(i => parts.Values.Select(p => p[i]).Distinct(StringComparer.Ordinal).Count() > 1).ToArray();
        return parts.ToDictionary(p => p.Key, p => string.Join(", ", differ.Select(i => p.Value[i])), StringComparer.Ordinal);
    }

    private static DimensionRow Row(int d, List<RunRecord> runs, double sigma, double gmLevel)
    {
        var est = OptimizationThreshold.EstimateNStar(runs.Select(r => new ThresholdPoint((int)r.SpecInt("n"), r.Metric(Metrics.TrainLoss), r.SpecInt("seed"))), sigma);
        var crossings = est.PerSeed.Where(v => v > 0).ToArray();
        var boot = SeedBootstrap.GeometricMean(crossings);
        var median = MedianCurve(runs, Metrics.TrainLoss);
        var bracket = ThresholdRefinement.Next(median, OptimizationThreshold.Level(sigma), TargetRatio);
        var gm = ThresholdDefinitions.FirstAbove(median, gmLevel);
        var test = MedianCurve(runs, Metrics.TestLoss);
        var (testN, around) = test.Count > 0 ? ThresholdDefinitions.FirstLocalMinimum(test) : (double.NaN, new NBracket(double.NaN, double.NaN));
        return new DimensionRow(d, runs.Count, runs.Select(r => r.SpecInt("seed")).Distinct().Count(), runs.Select(r => r.SpecInt("n")).Distinct().Count(),
            runs.Count(r => !r.Stationary), est, boot, bracket, gm, testN, around);
    }

    /// <summary>The median over seeds of a metric at each n (n without a finite value are left out).</summary>
    public static List<(double N, double Loss)> MedianCurve(IEnumerable<RunRecord> runs, string metric)
        => runs.Where(r => double.IsFinite(r.Metric(metric))).GroupBy(r => r.SpecDouble("n")).OrderBy(g => g.Key)
            .Select(g => (g.Key, SweepAnalysis.Median(g.Select(r => r.Metric(metric)).ToList()))).ToList();
}
