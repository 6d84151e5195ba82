using SimplicityBias.Theory.Endpoint;
using SimplicityBias.Verify.Running;

namespace SimplicityBias.Verify.Reports;

/// <summary>One seed's crossing of sigma^2/4 at the flow's limit, bracketed by what its runs have reached.</summary>
/// <param name="Seed">The seed.</param>
/// <param name="Lower">Its crossing at the runs' ends (a lower bound); the largest n when every end lies below the level; NaN when its smallest n already lies above.</param>
/// <param name="Upper">The smallest n whose run is stationary above the level (an upper bound); +infinity when none is.</param>
/// <param name="Extend">Without an upper bound: the smallest n whose run ended open above the level, the run to extend (NaN when none did).</param>
public sealed record SeedBracket(int Seed, double Lower, double Upper, double Extend = double.NaN)
{
    /// <summary>No upper bound and no open run above the level to extend: only a run at a larger n than the seed's can bound it.</summary>
    public bool NeedsLargerN => double.IsPositiveInfinity(Upper) && double.IsNaN(Extend);
}

/// <summary>n*(d) at the flow's limit, bracketed.</summary>
/// <param name="D">Input dimension.</param>
/// <param name="Seeds">Per seed with a lower bound.</param>
/// <param name="Lower">Geometric mean of the seeds' lower bounds: n*(d) at the runs' ends.</param>
/// <param name="Upper">Geometric mean of their upper bounds; +infinity when a seed has none.</param>
public sealed record LimitBracketRow(int D, List<SeedBracket> Seeds, double Lower, double Upper)
{
    /// <summary>Seeds with a finite upper bound.</summary>
    public int Bounded => Seeds.Count(s => double.IsFinite(s.Upper));

    /// <summary>Median over seeds of their lower bounds (between the two middle ones: their geometric mean).</summary>
    public double MedianLower => LimitBracket.Median(Seeds.Select(s => s.Lower));

    /// <summary>
    /// Median over seeds of their upper bounds. Unlike the geometric mean it is finite as soon as more than half the
    /// seeds are bounded: the seeds without a bound only lie above it.
    /// </summary>
    public double MedianUpper => LimitBracket.Median(Seeds.Select(s => s.Upper));
}

/// <summary>
/// The threshold at the flow's limit, bracketed without training anything again. The train loss never increases along
/// the flow, so at every n the loss at the limit is at most the loss at a run's end: a seed's first crossing of
/// sigma^2/4 can only move to larger n (its log-interpolated value too), and its crossing at the runs' ends is a lower
/// bound. A run that ended stationary has reached its limit (to the stationarity tolerance): if it lies above the level,
/// the seed's crossing at the limit is at most its n. The geometric mean over seeds is monotone in each seed's
/// crossing, so the two bounds' geometric means bracket n*(d) at the limit; so is the median, which stays bounded while
/// fewer than half the seeds lack an upper bound (as a median survives right-censoring). Stationary means |grad| below the
/// tolerance: a run held at a saddle there could still leave it, so the upper bound is that of the runs' stationary
/// points.
/// </summary>
public static class LimitBracket
{
    /// <summary>Every setting of the dimension study, in the order of <paramref name="families"/>.</summary>
    public static List<List<LimitBracketRow>> Analyze(IReadOnlyList<DimensionFamily> families, IReadOnlyList<RunRecord> records)
    {
        var usable = DimensionStudy.Usable(records).ToList();
        return families.Select(f => Analyze(f, DimensionStudy.RunsOf(f, usable))).ToList();
    }

    /// <summary>One row per d of the setting, from its usable runs.</summary>
    public static List<LimitBracketRow> Analyze(DimensionFamily family, IReadOnlyList<RunRecord> runs)
    {
        ArgumentNullException.ThrowIfNull(family);
        ArgumentNullException.ThrowIfNull(runs);
        double level = OptimizationThreshold.Level(family.Sigma);
        var rows = new List<LimitBracketRow>();
        foreach (int d in family.Rows.Select(r => r.D))
        {
            var seeds = new List<SeedBracket>();
            foreach (var group in runs.Where(r => r.SpecInt("d") == d).GroupBy(r => (int)r.SpecInt("seed")).OrderBy(g => g.Key))
            {
                var b = Seed(group.Key, group.ToList(), level);
                if (b is not null) seeds.Add(b);
            }
            rows.Add(new LimitBracketRow(d, seeds, GeometricMean(seeds.Select(s => s.Lower)), GeometricMean(seeds.Select(s => s.Upper))));
        }
        return rows;
    }

    /// <summary>One seed's bracket; null when its runs have no finite loss or its smallest n already lies above the level.</summary>
    public static SeedBracket? Seed(int seed, IReadOnlyList<RunRecord> runs, double level)
    {
        var ends = runs.Select(r => (N: (double)r.SpecInt("n"), Loss: r.Metric(Metrics.TrainLoss), r.Stationary))
            .Where(x => x.N > 0 && double.IsFinite(x.Loss)).OrderBy(x => x.N).ToList();
        if (ends.Count == 0) return null;
        double lower = OptimizationThreshold.Crossing(ends.Select(x => (x.N, x.Loss)), level);
        if (double.IsNaN(lower))
        {
            if (ends.GroupBy(x => x.N).First().Average(x => x.Loss) >= level) return null;
            lower = ends[^1].N; // every end below the level: the crossing, if any, lies beyond the grid
        }
        double upper = ends.Where(x => x.Stationary && x.Loss >= level).Select(x => x.N).DefaultIfEmpty(double.PositiveInfinity).Min();
        // Runs repeated at one n are averaged by the crossing, and the average may lie below the level where one
        // stationary run lies above: the bound is then the crossing itself.
        double extend = double.IsPositiveInfinity(upper)
            ? ends.Where(x => !x.Stationary && x.Loss >= level && x.N >= lower).Select(x => x.N).DefaultIfEmpty(double.NaN).Min()
            : double.NaN;
        return new SeedBracket(seed, lower, Math.Max(lower, upper), extend);
    }

    /// <summary>
    /// The exponents p of every law n* = C d^p (any C) that passes through the brackets of all d with a lower bound: for
    /// d_i &lt; d_j such a law needs log(lower_j / upper_i) &lt;= p log(d_j / d_i) &lt;= log(upper_j / lower_i). A d bounded
    /// only from below (upper +infinity) still bounds p from below against every smaller bounded d. Dimensions counts the
    /// d used, Bounded those bounded on both sides. NaN, NaN with fewer than two d or none bounded; Upper +infinity when
    /// nothing bounds p from above; Lower &gt; Upper when no power law passes through them all.
    /// </summary>
    public static (double Lower, double Upper, int Dimensions, int Bounded) PowerLawRange(IReadOnlyList<LimitBracketRow> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        return PowerLawRange(rows.Select(r => (r.D, r.Lower, r.Upper)));
    }

    /// <summary>The same through the brackets of the median over seeds.</summary>
    public static (double Lower, double Upper, int Dimensions, int Bounded) MedianPowerLawRange(IReadOnlyList<LimitBracketRow> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        return PowerLawRange(rows.Select(r => (r.D, r.MedianLower, r.MedianUpper)));
    }

    private static (double Lower, double Upper, int Dimensions, int Bounded) PowerLawRange(IEnumerable<(int D, double Lower, double Upper)> brackets)
    {
        var b = brackets.Where(r => r.Lower > 0 && !double.IsNaN(r.Upper)).OrderBy(r => r.D).ToList();
        int bounded = b.Count(r => double.IsFinite(r.Upper));
        if (b.Count < 2 || bounded == 0) return (double.NaN, double.NaN, b.Count, bounded);
        double lo = double.NegativeInfinity, hi = double.PositiveInfinity;
        for (int i = 0; i < b.Count; i++)
            for (int j = i + 1; j < b.Count; j++)
            {
                double span = Math.Log((double)b[j].D / b[i].D);
                lo = Math.Max(lo, Math.Log(b[j].Lower / b[i].Upper) / span);
                hi = Math.Min(hi, Math.Log(b[j].Upper / b[i].Lower) / span);
            }
        return (lo, hi, b.Count, bounded);
    }

    /// <summary>
    /// The middle value, or the geometric mean of the two middle ones (monotone in every value, as the bracket needs);
    /// +infinity when a middle value is; NaN for no values.
    /// </summary>
    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        if (sorted.Count == 0) return double.NaN;
        int k = sorted.Count / 2;
        if (sorted.Count % 2 == 1) return sorted[k];
        return double.IsPositiveInfinity(sorted[k]) ? double.PositiveInfinity : Math.Sqrt(sorted[k - 1] * sorted[k]);
    }

    private static double GeometricMean(IEnumerable<double> values)
    {
        var list = values.ToList();
        if (list.Count == 0) return double.NaN;
        if (list.Any(double.IsPositiveInfinity)) return double.PositiveInfinity;
        return Math.Exp(list.Average(Math.Log));
    }
}
