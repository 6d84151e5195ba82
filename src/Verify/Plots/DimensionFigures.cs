using ScottPlot;
using SimplicityBias.Verify.Reports;
using SimplicityBias.Verify.Running;

namespace SimplicityBias.Verify.Plots;

/// <summary>The dimension study's figures: n*(d) on log-log axes with the fits, and the loss curves of every d.</summary>
public static class DimensionFigures
{
    private static Color C(int i) => FigureFile.Palette.GetColor(i);

    /// <summary>Both figures for every setting of the study.</summary>
    public static List<Figure> All(IReadOnlyList<DimensionFamily> families, IReadOnlyList<RunRecord> records, string dir)
    {
        var list = new List<Figure>();
        for (int k = 0; k < families.Count; k++)
        {
            list.Add(NStar(families[k], dir, $"dimension-nstar-{k}"));
            list.Add(Losses(families[k], records, dir, $"dimension-losses-{k}"));
        }
        return list;
    }

    /// <summary>n*(d) by the three definitions, the fit C d^p and d^3 log d through the paper's 25,000 at d = 10.</summary>
    public static Figure NStar(DimensionFamily fam, string dir, string name)
    {
        var plt = FigureFile.NewPlot("Optimization threshold against d", "d (input dimension, log scale)", "n (training samples, log scale)");
        double dMin = Math.Min(2, fam.Rows.Min(r => r.D)), dMax = 10;
        var ticks = new ScottPlot.TickGenerators.NumericManual();
        foreach (int d in DimensionStudy.Planned) ticks.AddMajor(Math.Log10(d), d.ToString(System.Globalization.CultureInfo.InvariantCulture));
        plt.Axes.Bottom.TickGenerator = ticks;
        var ys = new List<double> { Math.Log10(DimensionStudy.PaperNAt10) };

        void Line(Func<double, double> f, Color color, string label, LinePattern pattern, double from)
        {
            var xs = Enumerable.Range(0, 40).Select(i => Math.Log10(from) + (Math.Log10(dMax) - Math.Log10(from)) * i / 39.0).ToArray();
            var sc = plt.Add.ScatterLine(xs, xs.Select(x => Math.Log10(f(Math.Pow(10, x)))).ToArray(), color);
            sc.LinePattern = pattern;
            sc.LineWidth = 2;
            sc.LegendText = label;
            ys.AddRange(sc.Data.GetScatterPoints().Select(p => p.Y));
        }
        void Points(IEnumerable<(double D, double N, double Lo, double Hi)> pts, Color color, MarkerShape shape, string label, double shift)
        {
            var p = pts.Where(x => x.N > 0).ToArray();
            if (p.Length == 0) return;
            // Definitions are shifted a little along d so that their intervals do not hide each other.
            var m = plt.Add.Markers(p.Select(x => Math.Log10(x.D) + shift).ToArray(), p.Select(x => Math.Log10(x.N)).ToArray(), shape, 10, color);
            m.LegendText = label;
            foreach (var x in p.Where(x => x.Lo > 0 && x.Hi > 0))
            {
                var seg = plt.Add.ScatterLine(new[] { Math.Log10(x.D) + shift, Math.Log10(x.D) + shift }, new[] { Math.Log10(x.Lo), Math.Log10(x.Hi) }, color);
                seg.LineWidth = 2;
                seg.MarkerSize = 0;
                ys.Add(Math.Log10(x.Lo));
                ys.Add(Math.Log10(x.Hi));
            }
            ys.AddRange(p.Select(x => Math.Log10(x.N)));
        }

        Line(DimensionStudy.CubicLogReference, Colors.Black, "d³ log d through the paper's 25,000 at d = 10", LinePattern.Dashed, dMin);
        if (fam.Fit is { } fit)
            Line(d => fit.Coefficient * Math.Pow(d, fit.Exponent), C(0), $"fit {fit.Coefficient:G3} d^{fit.Exponent:F2} (crossings), extrapolated", LinePattern.Solid, fam.Rows.Min(r => r.D));
        Points(fam.Rows.Select(r => ((double)r.D, r.Crossing.NStar, r.CrossingBootstrap.Lower, r.CrossingBootstrap.Upper)), C(0), MarkerShape.FilledCircle,
            "crossing of σ²/4 (95% seed bootstrap)", 0);
        Points(fam.Rows.Select(r => ((double)r.D, r.GlobalMinimum.Mid, r.GlobalMinimum.Below, r.GlobalMinimum.Above)), C(1), MarkerShape.FilledSquare,
            "last global minimum (bracket)", -0.012);
        Points(fam.Rows.Select(r => ((double)r.D, r.TestMinimumN, r.TestMinimumAround.Below, r.TestMinimumAround.Above)), C(2), MarkerShape.FilledTriangleUp,
            "first dip of the test loss (grid neighbours)", 0.012);
        var star = plt.Add.Markers(new[] { 1.0 }, new[] { Math.Log10(DimensionStudy.PaperNAt10) }, MarkerShape.OpenDiamond, 16, Colors.Black);
        star.LegendText = "paper: n ≈ 25,000 at d = 10";
        FigureFile.LogAxis(plt.Axes.Left, ys);
        plt.Axes.SetLimitsX(Math.Log10(dMin) - 0.05, Math.Log10(dMax) + 0.05);
        plt.ShowLegend(Alignment.UpperLeft);
        plt.Legend.FontSize = 12;
        return FigureFile.Save(plt, dir, name, $"n*(d) against d ({fam.Label})",
            "The threshold of each d by three definitions: the first crossing of σ²/4 by each seed's train loss (geometric mean over seeds, 95% seed-bootstrap interval), " +
            "the last n whose median train loss is at the rounding level (a global minimum; the bar spans the bracket to the next n) and the first local minimum of the median test loss " +
            "(the bar spans its neighbours on the grid). The solid line is the least-squares fit C d^p of the crossings, drawn on to d = 10; the dashed line is d³ log d " +
            "scaled through the paper's n = 25,000 at d = 10 (the diamond). The setting is this toolkit's choice, not the paper's.");
    }

    /// <summary>n*(d) at the flow's limit: each d's bracket as a bar, an open triangle where it is bounded only from below.</summary>
    public static Figure Limit(IReadOnlyList<LimitBracketRow> rows, string label, string dir, string name)
    {
        var plt = FigureFile.NewPlot("Optimization threshold at the flow's limit, bracketed", "d (input dimension, log scale)", "n (training samples, log scale)");
        var ticks = new ScottPlot.TickGenerators.NumericManual();
        foreach (int d in DimensionStudy.Planned) ticks.AddMajor(Math.Log10(d), d.ToString(System.Globalization.CultureInfo.InvariantCulture));
        plt.Axes.Bottom.TickGenerator = ticks;
        var shown = rows.Where(r => r.Lower > 0).ToList();
        double dMin = Math.Min(2, shown.Select(r => r.D).DefaultIfEmpty(2).Min()), dMax = 10;
        var ys = new List<double> { Math.Log10(DimensionStudy.PaperNAt10) };
        ys.AddRange(shown.Select(r => Math.Log10(r.Lower)));
        ys.AddRange(shown.Where(r => double.IsFinite(r.Upper)).Select(r => Math.Log10(r.Upper)));

        var xs = Enumerable.Range(0, 40).Select(i => Math.Log10(dMin) + (Math.Log10(dMax) - Math.Log10(dMin)) * i / 39.0).ToArray();
        var reference = plt.Add.ScatterLine(xs, xs.Select(x => Math.Log10(DimensionStudy.CubicLogReference(Math.Pow(10, x)))).ToArray(), Colors.Black);
        reference.LinePattern = LinePattern.Dashed;
        reference.LineWidth = 2;
        reference.LegendText = "d³ log d through the paper's 25,000 at d = 10";
        ys.AddRange(reference.Data.GetScatterPoints().Select(p => p.Y));

        var bounded = shown.Where(r => double.IsFinite(r.Upper)).ToList();
        if (bounded.Count > 0)
        {
            // The same law through the largest bounded bracket's middle compares slopes, not levels.
            var last = bounded.MaxBy(r => r.D)!;
            double scale = Math.Sqrt(last.Lower * last.Upper) / DimensionStudy.CubicLogReference(last.D);
            var slope = plt.Add.ScatterLine(xs, xs.Select(x => Math.Log10(scale * DimensionStudy.CubicLogReference(Math.Pow(10, x)))).ToArray(), Colors.Gray);
            slope.LinePattern = LinePattern.Dotted;
            slope.LineWidth = 2;
            slope.LegendText = $"d³ log d through the middle of the d = {last.D} bracket";
            ys.AddRange(slope.Data.GetScatterPoints().Select(p => p.Y));
        }
        Brackets(plt, bounded.Select(r => (Math.Log10(r.D), r.Lower, r.Upper)).ToList(), C(0), 6, 16,
            "bracket: crossing at the runs' ends to the smallest n stationary above σ²/4");
        // The median's bracket, drawn just right of d, is bounded also where a minority of seeds is not.
        var medians = shown.Where(r => double.IsFinite(r.MedianUpper)).ToList();
        Brackets(plt, medians.Select(r => (Math.Log10(r.D) + 0.012, r.MedianLower, r.MedianUpper)).ToList(), C(2), 2, 8,
            "median over seeds, bracketed (bounded once more than half the seeds are)");
        ys.AddRange(medians.SelectMany(r => new[] { Math.Log10(r.MedianLower), Math.Log10(r.MedianUpper) }));
        var open = shown.Where(r => !double.IsFinite(r.Upper)).ToList();
        if (open.Count > 0)
        {
            var up = plt.Add.Markers(open.Select(r => Math.Log10(r.D)).ToArray(), open.Select(r => Math.Log10(r.Lower)).ToArray(), MarkerShape.OpenTriangleUp, 14, C(1));
            up.LegendText = "bounded from below only (a seed has no stationary run above σ²/4)";
        }
        var star = plt.Add.Markers(new[] { 1.0 }, new[] { Math.Log10(DimensionStudy.PaperNAt10) }, MarkerShape.OpenDiamond, 16, Colors.Black);
        star.LegendText = "paper: n ≈ 25,000 at d = 10";
        FigureFile.LogAxis(plt.Axes.Left, ys);
        plt.Axes.SetLimitsX(Math.Log10(dMin) - 0.05, Math.Log10(dMax) + 0.05);
        plt.ShowLegend(Alignment.UpperLeft);
        plt.Legend.FontSize = 12;
        return FigureFile.Save(plt, dir, name, $"n*(d) at the flow's limit ({label})",
            "Each d's threshold at the flow's limit lies in its bar: from the geometric mean over seeds of each seed's crossing of σ²/4 at the runs' ends (a lower bound, " +
            "since the train loss never increases along the flow) to the geometric mean of each seed's smallest n whose run ended stationary above σ²/4 (an upper bound). " +
            "An open triangle marks a d whose geometric mean is bounded only from below. The thin bar just right of each d brackets the median over seeds the same way; " +
            "it has an upper end as soon as more than half the seeds have one. The dashed line is d³ log d scaled through the paper's n = 25,000 at d = 10 (the diamond), " +
            "the dotted one the same law through the geometric middle of the largest bounded d's bracket, to compare slopes; " +
            "the setting is this toolkit's choice, not the paper's.");
    }

    /// <summary>One vertical bar per (x, lower, upper) on a log10 n axis, capped at both ends; one legend entry for all.</summary>
    private static void Brackets(Plot plt, IReadOnlyList<(double X, double Lower, double Upper)> bars, Color color, float lineWidth, float capSize, string legend)
    {
        foreach (var (x, lower, upper) in bars)
        {
            var bar = plt.Add.ScatterLine(new[] { x, x }, new[] { Math.Log10(lower), Math.Log10(upper) }, color);
            bar.LineWidth = lineWidth;
            bar.MarkerSize = 0;
        }
        if (bars.Count == 0) return;
        var ends = plt.Add.Markers(bars.SelectMany(b => new[] { b.X, b.X }).ToArray(),
            bars.SelectMany(b => new[] { Math.Log10(b.Lower), Math.Log10(b.Upper) }).ToArray(), MarkerShape.HorizontalBar, capSize, color);
        ends.LegendText = legend;
    }

    /// <summary>n*(d; T) against d on log-log axes, one line per horizon T, with the seed-bootstrap intervals.</summary>
    public static Figure Horizons(HorizonStudy study, string dir, string name)
    {
        var plt = FigureFile.NewPlot("Optimization threshold against d, by horizon", "d (input dimension, log scale)", "n* (training samples, log scale)");
        var ticks = new ScottPlot.TickGenerators.NumericManual();
        foreach (int d in DimensionStudy.Planned) ticks.AddMajor(Math.Log10(d), d.ToString(System.Globalization.CultureInfo.InvariantCulture));
        plt.Axes.Bottom.TickGenerator = ticks;
        var ys = new List<double>();
        int count = study.Slices.Count;
        for (int k = 0; k < count; k++)
        {
            var slice = study.Slices[k];
            var rows = slice.Rows.Where(r => r.Crossing.NStar > 0).ToList();
            if (rows.Count == 0) continue;
            // Horizons are shifted a little along d so that their intervals do not hide each other.
            double shift = 0.01 * (k - (count - 1) / 2.0);
            var sc = plt.Add.Scatter(rows.Select(r => Math.Log10(r.D) + shift).ToArray(), rows.Select(r => Math.Log10(r.Crossing.NStar)).ToArray(), C(k));
            sc.LineWidth = 2;
            sc.MarkerSize = 9;
            sc.LegendText = $"T = {ThresholdHorizonsReport.Time(slice.T)}" + (slice.Fit is { } f ? $" (p = {f.Exponent:F2})" : "");
            ys.AddRange(rows.Select(r => Math.Log10(r.Crossing.NStar)));
            foreach (var r in rows.Where(r => r.Bootstrap.Lower > 0 && r.Bootstrap.Upper > 0))
            {
                var bar = plt.Add.ScatterLine(new[] { Math.Log10(r.D) + shift, Math.Log10(r.D) + shift }, new[] { Math.Log10(r.Bootstrap.Lower), Math.Log10(r.Bootstrap.Upper) }, C(k));
                bar.LineWidth = 2;
                bar.MarkerSize = 0;
                ys.Add(Math.Log10(r.Bootstrap.Lower));
                ys.Add(Math.Log10(r.Bootstrap.Upper));
            }
        }
        var ds = study.Slices.SelectMany(x => x.Rows).Select(r => (double)r.D).DefaultIfEmpty(2).ToList();
        FigureFile.LogAxis(plt.Axes.Left, ys);
        plt.Axes.SetLimitsX(Math.Log10(ds.Min()) - 0.05, Math.Log10(ds.Max()) + 0.05);
        plt.ShowLegend(Alignment.UpperLeft);
        plt.Legend.FontSize = 12;
        return FigureFile.Save(plt, dir, name, $"n*(d) against d at each horizon ({study.Label})",
            "The crossing estimate n*(d; T) recomputed with every run's train loss read from its stored trajectory at time T (geometric mean over seeds, 95% seed-bootstrap interval), " +
            "one line per T; the last T is the runs' own horizon. Lines that lie on each other say the threshold estimate no longer moves with the time the flow is given.");
    }

    /// <summary>Median train loss (linear) and median test loss (log) against n, one curve per d.</summary>
    public static Figure Losses(DimensionFamily fam, IReadOnlyList<RunRecord> records, string dir, string name)
    {
        var runs = DimensionStudy.RunsOf(fam, DimensionStudy.Usable(records));
        var train = FigureFile.NewPlot("Median train loss against n", "n (training samples, log scale)", "train loss, 1/(2n) convention");
        var test = FigureFile.NewPlot("Median test loss against n", "n (training samples, log scale)", "noise-free test loss (log scale)");
        var lx = runs.Select(r => Math.Log10(r.SpecDouble("n"))).ToList();
        FigureFile.LogAxis(train.Axes.Bottom, lx);
        FigureFile.LogAxis(test.Axes.Bottom, lx);
        var testLogs = new List<double>();
        double top = 0;
        for (int i = 0; i < fam.Rows.Count; i++)
        {
            int d = fam.Rows[i].D;
            var mine = runs.Where(r => r.SpecInt("d") == d).ToList();
            var tr = DimensionStudy.MedianCurve(mine, Metrics.TrainLoss);
            top = Math.Max(top, tr.Select(p => p.Loss).DefaultIfEmpty(0).Max());
            var sc = train.Add.Scatter(tr.Select(p => Math.Log10(p.N)).ToArray(), tr.Select(p => p.Loss).ToArray(), C(i));
            sc.LegendText = $"d = {d}";
            sc.LineWidth = 2;
            sc.MarkerSize = 6;
            var te = DimensionStudy.MedianCurve(mine, Metrics.TestLoss).Where(p => p.Loss > 0).ToList();
            if (te.Count == 0) continue;
            var st = test.Add.Scatter(te.Select(p => Math.Log10(p.N)).ToArray(), te.Select(p => Math.Log10(p.Loss)).ToArray(), C(i));
            st.LegendText = $"d = {d}";
            st.LineWidth = 2;
            st.MarkerSize = 6;
            testLogs.AddRange(te.Select(p => Math.Log10(p.Loss)));
        }
        var level = train.Add.HorizontalLine(fam.Sigma * fam.Sigma / 4, 1.5f, Colors.Black, LinePattern.Dashed);
        level.LegendText = "σ²/4 (crossing level)";
        var noise = train.Add.HorizontalLine(fam.Sigma * fam.Sigma / 2, 1.5f, Colors.Gray, LinePattern.Dotted);
        noise.LegendText = "noise level σ²/2";
        train.Axes.SetLimitsY(-0.03 * fam.Sigma * fam.Sigma, Math.Max(0.65 * fam.Sigma * fam.Sigma, 1.05 * top));
        train.ShowLegend(Alignment.UpperLeft);
        train.Legend.FontSize = 12;
        FigureFile.LogAxis(test.Axes.Left, testLogs);
        test.ShowLegend(Alignment.UpperRight);
        test.Legend.FontSize = 12;
        return FigureFile.SavePanels([train, test], dir, name, $"Loss against n for each d ({fam.Label})",
            "Left: the median over seeds of the train loss at the end of training against n, one curve per d, with the crossing level σ²/4 and the noise level σ²/2; " +
            "the transition moves right as d grows. Right: the median noise-free test loss. Points are the n of the first pass and of the refinement passes.");
    }
}
