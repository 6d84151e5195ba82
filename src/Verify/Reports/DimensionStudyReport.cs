using System.Globalization;
using SimplicityBias.Verify.Plots;
using SimplicityBias.Verify.Running;
using static SimplicityBias.Verify.Reports.ReportWriter;

namespace SimplicityBias.Verify.Reports;

/// <summary>The report section of the dimension study: n*(d) by three definitions, the fitted law, the runs not stationary.</summary>
internal static class DimensionStudyReport
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>Inserts the section (with its figures, drawn into <paramref name="figureDir"/>) before the report's figures; nothing when the records are no dimension study.</summary>
    public static void Insert(ReportDocument doc, IReadOnlyList<RunRecord> records, string figureDir)
    {
        var families = DimensionStudy.Analyze(records);
        if (families.Count == 0) return;
        var section = new ReportDocument();
        var figures = DimensionFigures.All(families, records, figureDir);
        var horizons = ThresholdHorizons.Analyze(families, records);
        var horizonFigures = horizons.Select((h, k) => DimensionFigures.Horizons(h, figureDir, $"dimension-horizons-{k}")).ToList();
        Write(section, families, records, figures, horizons, horizonFigures, figureDir);
        int at = doc.Blocks.FindIndex(b => b is ReportDocument.Heading { Level: 2, Text: "Figures" or "Check details" });
        doc.Blocks.InsertRange(at < 0 ? doc.Blocks.Count : at, section.Blocks);
    }

    private static void Write(ReportDocument doc, List<DimensionFamily> families, IReadOnlyList<RunRecord> records, List<Figure> figures,
        List<HorizonStudy> horizons, List<Figure> horizonFigures, string figureDir)
    {
        doc.H(2, "Dimension study: the threshold across d");
        doc.P("The setting (inputs, teacher beta* = e_1, sigma, width m, initialization scale lambda, horizon) is this toolkit's choice, not the paper's: " +
              "the paper gives only its threshold near n = 25,000 at d = 10 and the sufficient condition n of order d^3 log d. Three definitions of the threshold, side by side:");
        doc.P("(1) **crossing**: per seed, the first n where the train loss at the end of training crosses sigma^2/4 upwards (log-interpolated in n); " +
              "n* is the geometric mean over seeds, with a 95% interval from 2,000 bootstrap resamples of the seeds (and the Student-t interval). " +
              "(2) **last global minimum**: the last n whose median train loss is at the rounding level (below 1e4 x 2^-52 x sigma^2/2), that is, where the endpoint " +
              "stops being an interpolator, bracketed by the next n. (3) **test dip**: the first local minimum over n of the median noise-free test loss, bracketed by its grid neighbours " +
              "(above the threshold the test loss falls like sigma^2 d/n, so its smallest value is always at the largest n; the threshold shows as the dip before the rise at the transition). " +
              "The bracket column is the adaptive search's: the last n whose median train loss is below sigma^2/4 and the first at or above it; " +
              $"'done' when it is a factor <= {DimensionStudy.TargetRatio.ToString(Inv)}.");
        if (families.Count > 1)
        {
            doc.P("How the law moves with the setting (crossings; each setting's details follow):");
            doc.T(["setting", "dimensions", "p", "95% t", "95% seed bootstrap", "n* extrapolated to d = 10"],
                families.Select(f => new[]
                {
                    f.Label, string.Join(", ", f.Rows.Where(r => r.Crossing.NStar > 0).Select(r => r.D)),
                    f.Fit is { } x ? x.Exponent.ToString("F2", Inv) : "-",
                    f.Fit is { } y ? Interval(y.ExponentLower, y.ExponentUpper) : "-",
                    Interval(f.FitBootstrap.Lower, f.FitBootstrap.Upper),
                    f.Fit is { } z ? F(z.Coefficient * Math.Pow(10, z.Exponent)) : "-",
                }).ToList());
        }
        foreach (var fam in families)
        {
            doc.H(3, fam.Label);
            var missing = DimensionStudy.Planned.Except(fam.Rows.Select(r => r.D)).ToArray();
            if (missing.Length > 0)
                doc.P($"Dimensions of the study's plan ({string.Join(", ", DimensionStudy.Planned)}) not in these results: {string.Join(", ", missing)}.");
            doc.T(["d", "runs (seeds, n)", "bracket (median)", "crossing n*", "95% bootstrap", "95% t", "censored", "last global min", "test dip", "gm / n*", "dip / n*", "not stationary"],
                fam.Rows.Select(r => new[]
                {
                    r.D.ToString(Inv), $"{r.Runs} ({r.Seeds}, {r.DistinctN})",
                    $"[{F(r.Bracket.Bracket.Below)}, {F(r.Bracket.Bracket.Above)}] {Word(r.Bracket.Kind)}",
                    F(r.Crossing.NStar), Interval(r.CrossingBootstrap.Lower, r.CrossingBootstrap.Upper), Interval(r.Crossing.Lower, r.Crossing.Upper),
                    r.Crossing.Censored.ToString(Inv),
                    $"{F(r.GlobalMinimum.Mid)} [{F(r.GlobalMinimum.Below)}, {F(r.GlobalMinimum.Above)}]",
                    $"{F(r.TestMinimumN)} [{F(r.TestMinimumAround.Below)}, {F(r.TestMinimumAround.Above)}]",
                    F(r.GlobalMinimum.Mid / r.Crossing.NStar), F(r.TestMinimumN / r.Crossing.NStar),
                    $"{r.NotStationary} of {r.Runs}",
                }).ToList());
            if (fam.Fit is { } fit)
            {
                double at10 = fit.Coefficient * Math.Pow(10, fit.Exponent);
                doc.P($"Fitted law (crossings, least squares in log-log over {fit.Points} dimensions): n* = {F(fit.Coefficient)} d^p with p = {fit.Exponent:F2}" +
                      (double.IsNaN(fit.ExponentLower) ? " (no t interval with 2 points)" : $", 95% t interval [{fit.ExponentLower:F2}, {fit.ExponentUpper:F2}]") +
                      (double.IsNaN(fam.FitBootstrap.Lower) ? "" : $", 95% seed-bootstrap interval [{fam.FitBootstrap.Lower:F2}, {fam.FitBootstrap.Upper:F2}]") +
                      $", R^2 = {fit.RSquared:F3}. Over the same d, d^3 log d has local slope {fam.ReferenceExponent:F2}. " +
                      $"Extrapolated to d = 10 the fit gives n* = {F(at10)}, against the paper's 25,000 (ratio {F(at10 / DimensionStudy.PaperNAt10)}); " +
                      $"d^3 log d scaled through 25,000 at d = 10 gives {string.Join(", ", fam.Rows.Select(r => $"{F(DimensionStudy.CubicLogReference(r.D))} at d = {r.D}"))}.");
            }
            else doc.P("Fewer than two dimensions have a crossing inside their grid: no law is fitted.");
            var others = new List<string>();
            if (fam.GlobalMinimumFit is { } g) others.Add($"last global minimum p = {g.Exponent:F2}" + (double.IsNaN(g.ExponentLower) ? "" : $" [{g.ExponentLower:F2}, {g.ExponentUpper:F2}]"));
            if (fam.TestMinimumFit is { } t) others.Add($"test dip p = {t.Exponent:F2}" + (double.IsNaN(t.ExponentLower) ? "" : $" [{t.ExponentLower:F2}, {t.ExponentUpper:F2}]"));
            if (others.Count > 0) doc.P("The same fit on the other definitions: " + string.Join("; ", others) + ".");
        }
        foreach (var f in figures) doc.F(f);
        ThresholdHorizonsReport.Write(doc, horizons, horizonFigures);
        LimitBracketReport.Write(doc, families, LimitBracket.Analyze(families, records), figureDir);

        var open = DimensionStudy.Usable(records).Where(r => !r.Stationary)
            .OrderBy(r => r.SpecInt("d")).ThenBy(r => r.SpecDouble("n")).ThenBy(r => r.SpecInt("seed")).ToList();
        doc.H(3, "Runs not stationary at their horizon");
        if (open.Count == 0) doc.P("Every run of the study ended at a stationary point.");
        else
        {
            doc.P($"{open.Count} of {DimensionStudy.Usable(records).Count()} runs ended at their horizon (or their step budget) before the minimum-norm gradient fell below " +
                  "its tolerance: their train loss is the one at the horizon. Below the threshold such a run may still be fitting the noise, so it can read above sigma^2/4 " +
                  "and pull the crossing down; its gradient norm says how far from stationary it stopped.");
            ThresholdHorizonsReport.WriteStalls(doc, horizons);
            bool many = families.Count > 1;
            var setting = DimensionStudy.Distinguishing(families.Select(f => f.Label));
            doc.T(many ? ["setting", "d", "n", "seed", "end", "t", "train loss", "gradient norm"] : ["d", "n", "seed", "end", "t", "train loss", "gradient norm"],
                open.Take(300).Select(r =>
                {
                    string[] cells = [r.SpecInt("d").ToString(Inv), F(r.SpecDouble("n")), r.SpecInt("seed").ToString(Inv), r.Code, F(r.Time), F(r.Metric(Metrics.TrainLoss)), F(r.Metric(Metrics.GradNorm))];
                    return many ? [setting.GetValueOrDefault(DimensionStudy.Setting(r), DimensionStudy.Setting(r)), .. cells] : cells;
                }).ToList());
            if (open.Count > 300) doc.P($"({open.Count - 300} more in results.csv.)");
        }
    }

    private static string Interval(double lo, double hi) => double.IsNaN(lo) || double.IsNaN(hi) ? "-" : $"[{F(lo)}, {F(hi)}]";

    private static string Word(Theory.Endpoint.RefinementKind k) => k switch
    {
        Theory.Endpoint.RefinementKind.Done => "done",
        Theory.Endpoint.RefinementKind.Bisect => "wider than the target",
        Theory.Endpoint.RefinementKind.ExtendUp => "no crossing: every n below",
        Theory.Endpoint.RefinementKind.ExtendDown => "no crossing: the smallest n above",
        _ => "cannot narrow on integers or the range",
    };
}
