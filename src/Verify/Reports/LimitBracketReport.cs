using System.Globalization;
using SimplicityBias.Verify.Plots;

namespace SimplicityBias.Verify.Reports;

/// <summary>The dimension study's section on the threshold at the flow's limit: per setting and d, n*(d) bracketed by the runs' ends and their stationary points.</summary>
internal static class LimitBracketReport
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>The section: one table and one figure (drawn into <paramref name="figureDir"/>) per setting.</summary>
    public static void Write(ReportDocument doc, IReadOnlyList<DimensionFamily> families, IReadOnlyList<List<LimitBracketRow>> brackets, string figureDir)
    {
        doc.H(3, "The threshold at the flow's limit, bracketed");
        doc.P("The train loss never increases along the flow, so at every n the loss at the flow's limit is at most the loss at the run's end. " +
              "Per seed, the crossing of sigma^2/4 at the runs' ends is therefore a lower bound of the crossing at the limit (every end below the level: the largest n), " +
              "and the smallest n whose run ended **stationary above the level** (it has reached its limit there) is an upper bound. " +
              "The geometric means of the seeds' bounds bracket n*(d) at the limit, and their medians bracket the median over seeds; " +
              "the median's upper bound is known as soon as more than half the seeds are bounded (the unbounded ones only lie above it). No run is trained again. " +
              "Stationary means |grad| below the run's tolerance: a run held at a saddle could still leave it later, so the upper bound is the one of the runs' stationary points; " +
              "the bracket is not a confidence interval over seeds (the seeds' spread is in the intervals above).");
        var setting = DimensionStudy.Distinguishing(families.Select(f => f.Label));
        for (int k = 0; k < families.Count && k < brackets.Count; k++)
        {
            if (families.Count > 1) doc.P($"**{setting.GetValueOrDefault(families[k].Label, families[k].Label)}**");
            doc.T(["d", "seeds", "n* at the runs' ends (lower bound)", "upper bound at the limit", "seeds with an upper bound", "median over seeds, bracketed"],
                brackets[k].Select(r => new[]
                {
                    r.D.ToString(Inv), r.Seeds.Count.ToString(Inv), Count(r.Lower),
                    Bound(r.Upper), $"{r.Bounded} of {r.Seeds.Count}",
                    r.Seeds.Count == 0 ? "-" : $"[{Count(r.MedianLower)}, {Bound(r.MedianUpper)}]",
                }).ToList());
            if (brackets[k].Any(r => r.Lower > 0)) doc.F(DimensionFigures.Limit(brackets[k], families[k].Label, figureDir, $"dimension-limit-{k}"));
            PowerLaws(doc, "brackets", LimitBracket.PowerLawRange(brackets[k]), LimitBracket.PowerLawRange(brackets[k].Where(r => r.D >= 4).ToList()));
            PowerLaws(doc, "medians' brackets", LimitBracket.MedianPowerLawRange(brackets[k]), LimitBracket.MedianPowerLawRange(brackets[k].Where(r => r.D >= 4).ToList()));
            var open = brackets[k].Where(r => r.Seeds.Count > 0 && r.Bounded < r.Seeds.Count).Select(r => r.D.ToString(Inv)).ToList();
            if (open.Count > 0)
            {
                doc.P($"No upper bound at d = {string.Join(", ", open)}: some seed has no run stationary above sigma^2/4 (its large-n runs ended at the horizon). " +
                      "There the threshold at the limit is known only from below.");
                var extend = brackets[k].SelectMany(r => r.Seeds.Where(b => double.IsFinite(b.Extend)).Select(b => $"d = {r.D}, n = {Count(b.Extend)}, seed {b.Seed}")).ToList();
                if (extend.Count > 0)
                    doc.P("The runs whose extension (the same spec with a longer horizon, into this directory) would give the missing bounds, each seed's smallest n that ended open above the level: " +
                          string.Join("; ", extend.Take(40)) + (extend.Count > 40 ? $"; and {extend.Count - 40} more" : "") + ".");
                var beyond = brackets[k].SelectMany(r => r.Seeds.Where(b => b.NeedsLargerN).Select(b => $"d = {r.D}, seed {b.Seed} (every run up to n = {Count(b.Lower)} ended below the level)")).ToList();
                if (beyond.Count > 0)
                    doc.P("The seeds with no open run above the level to extend, which only a run at a larger n than the study's can bound: " +
                          string.Join("; ", beyond.Take(40)) + (beyond.Count > 40 ? $"; and {beyond.Count - 40} more" : "") + ".");
            }
        }
    }

    /// <summary>The exponents of the power laws through the brackets of every d, then of d &gt;= 4 alone when that leaves some d out.</summary>
    private static void PowerLaws(ReportDocument doc, string what, (double Lower, double Upper, int Dimensions, int Bounded) all, (double Lower, double Upper, int Dimensions, int Bounded) large)
    {
        if (double.IsNaN(all.Lower)) return;
        string which = all.Bounded == all.Dimensions
            ? $"the {what} of the {all.Dimensions} dimensions"
            : $"the {what} of the {all.Dimensions} dimensions ({all.Bounded} bounded on both sides, the others from below only)";
        doc.P(all.Lower <= all.Upper
            ? $"The laws n* = C d^p (any C) that pass through {which} have {Exponents(all.Lower, all.Upper)} (d^3 log d has a local slope 3 + 1 / ln d, from 4.4 at d = 2 to 3.4 at d = 10)."
            : $"No law n* = C d^p passes through {which}: the exponents they allow pairwise do not overlap ({all.Lower:F2} > {all.Upper:F2}).");
        if (double.IsNaN(large.Lower) || large.Dimensions == all.Dimensions) return;
        doc.P(large.Lower <= large.Upper
            ? $"Through the {what} of d >= 4 alone ({large.Dimensions} dimensions): {Exponents(large.Lower, large.Upper)}."
            : $"Through the {what} of d >= 4 alone ({large.Dimensions} dimensions) no power law passes either ({large.Lower:F2} > {large.Upper:F2}).");
    }

    private static string Exponents(double lower, double upper) =>
        double.IsPositiveInfinity(upper) ? $"p >= {lower:F2}" : double.IsNegativeInfinity(lower) ? $"p <= {upper:F2}" : $"p in [{lower:F2}, {upper:F2}]";

    private static string Count(double x) => ThresholdHorizonsReport.Count(x);

    private static string Bound(double x) => double.IsPositiveInfinity(x) ? "none" : Count(x);
}
