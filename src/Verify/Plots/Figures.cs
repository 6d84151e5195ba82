using ScottPlot;
using SimplicityBias.Verify.Checks;
using SimplicityBias.Verify.Reports;
using SimplicityBias.Verify.Running;

namespace SimplicityBias.Verify.Plots;

/// <summary>The report's figures, each built from the run records alone (so a report can be redrawn from a results directory).</summary>
public static class Figures
{
    /// <summary>Every figure the records allow, in report order.</summary>
    public static List<Figure> All(IReadOnlyList<RunRecord> records, string dir, double alignmentCosine = 0.9)
    {
        var list = new List<Figure>();
        list.AddRange(LossVersusN(records, dir));
        if (ExtremalDistance(records, dir) is { } f1) list.Add(f1);
        if (AlignmentHistogram(records, dir, alignmentCosine) is { } f2) list.Add(f2);
        if (LossTrajectories(records, dir) is { } f3) list.Add(f3);
        if (NeuronDirections(records, dir) is { } f4) list.Add(f4);
        return list;
    }

    private static Color C(int i) => FigureFile.Palette.GetColor(i);

    /// <summary>Groups of runs that differ only in n and seed (one curve family per group).</summary>
    private static IEnumerable<IGrouping<string, RunRecord>> Families(IEnumerable<RunRecord> records)
        => SweepAnalysis.Usable(records).GroupBy(r =>
            $"d = {r.SpecInt("d")}, {r.SpecString("dataModel")} inputs, {r.SpecString("teacher")} teacher, {Reports.RunLabels.Solver(r)}, m = {r.SpecInt("m")}, lambda = {r.SpecDouble("lambda"):G3}");

    /// <summary>Train and test loss at the end against n (log axis), with the noise level, the OLS-on-S+- levels and the reference levels.</summary>
    public static List<Figure> LossVersusN(IReadOnlyList<RunRecord> records, string dir)
    {
        var figs = new List<Figure>();
        var thresholds = SweepAnalysis.Thresholds(records);
        int k = 0;
        foreach (var fam in Families(records).OrderBy(g => g.Key, ReportOrder.NumbersInText))
        {
            var runs = fam.Where(r => !double.IsNaN(r.Metric(Metrics.TrainLoss))).ToList();
            var ns = runs.Select(r => r.SpecDouble("n")).Distinct().OrderBy(n => n).ToArray();
            if (ns.Length < 2) continue;
            int d = (int)runs[0].SpecInt("d");
            double sigma = runs[0].SpecDouble("sigma");
            double[] lx = ns.Select(Math.Log10).ToArray();
            var grid = Enumerable.Range(0, 60).Select(i => lx[0] + (lx[^1] - lx[0]) * i / 59.0).ToArray();
            double estimated = thresholds.Find(t => t.D == d)?.Estimate ?? double.NaN;
            double assumed = SweepAnalysis.Median(runs.Select(r => r.Metric(Metrics.Threshold)).ToList());
            string family = fam.Key.Split(", m =")[0];
            // The OLS-on-S± function is the theory's prediction above the threshold only (below it the flow interpolates):
            // drawn from the estimated n* on, or the assumed one when the runs give no estimate.
            double from = double.IsFinite(estimated) ? estimated : assumed;
            bool Predicts(double n) => !double.IsFinite(from) || n >= from;
            var drawn = new List<double>();

            // Train loss on a linear axis (where the jump from 0 to the noise level shows), test loss on a log axis
            // (it spans decades: sigma^2 d/n above the threshold, tempered overfitting below).
            var train = FigureFile.NewPlot($"Train loss at the end against n ({family})", "n (training samples, log scale)", "train loss, 1/(2n) convention");
            var test = FigureFile.NewPlot($"Test loss at the end against n ({family})", "n (training samples, log scale)", "noise-free test loss (log scale)");
            FigureFile.LogAxis(train.Axes.Bottom, lx);
            FigureFile.LogAxis(test.Axes.Bottom, lx);
            bool logY = false;

            void Points(Plot plt, Func<RunRecord, double> f, Color color, string label, MarkerShape shape)
            {
                var pts = runs.Select(r => (X: Math.Log10(r.SpecDouble("n")), Y: f(r))).Where(p => double.IsFinite(p.Y) && (!logY || p.Y > 0)).ToArray();
                if (pts.Length == 0) return;
                drawn.AddRange(pts.Select(p => p.Y));
                var sc = plt.Add.ScatterPoints(pts.Select(p => p.X).ToArray(), pts.Select(p => logY ? Math.Log10(p.Y) : p.Y).ToArray(), color.WithAlpha(0.55));
                sc.MarkerShape = shape;
                sc.MarkerSize = 7;
                sc.LegendText = label;
            }
            void MedianLine(Plot plt, Func<RunRecord, double> f, Color color, string label, LinePattern pattern, float width, bool aboveThreshold = false)
            {
                var pts = ns.Where(n => !aboveThreshold || Predicts(n)).Select(n => (X: Math.Log10(n), Y: SweepAnalysis.Median(runs.Where(r => r.SpecDouble("n") == n).Select(f).ToList())))
                    .Where(p => double.IsFinite(p.Y) && (!logY || p.Y > 0)).ToArray();
                if (pts.Length == 0) return;
                drawn.AddRange(pts.Select(p => p.Y));
                if (pts.Length == 1)
                {
                    var one = plt.Add.Markers(pts.Select(p => p.X).ToArray(), pts.Select(p => logY ? Math.Log10(p.Y) : p.Y).ToArray(), MarkerShape.OpenDiamond, 10, color);
                    one.LegendText = label;
                    return;
                }
                var sc = plt.Add.ScatterLine(pts.Select(p => p.X).ToArray(), pts.Select(p => logY ? Math.Log10(p.Y) : p.Y).ToArray(), color);
                sc.LinePattern = pattern;
                sc.LineWidth = width;
                sc.LegendText = label;
            }
            void Curve(Plot plt, Func<double, double> f, Color color, string label, LinePattern pattern)
            {
                var xs = grid.Where(x => !logY || f(x) > 0).ToArray();
                if (xs.Length < 2) return;
                drawn.AddRange(xs.Select(f));
                var sc = plt.Add.ScatterLine(xs, xs.Select(x => logY ? Math.Log10(f(x)) : f(x)).ToArray(), color);
                sc.LinePattern = pattern;
                sc.LineWidth = 1.8f;
                sc.LegendText = label;
            }
            void Thresholds(Plot plt)
            {
                if (estimated > ns[0] && estimated < ns[^1])
                    plt.Add.VerticalLine(Math.Log10(estimated), 2f, C(4), LinePattern.Dashed).LegendText = $"estimated n* ≈ {estimated:G3}";
                if (assumed > ns[0] && assumed < ns[^1])
                    plt.Add.VerticalLine(Math.Log10(assumed), 1.5f, Colors.Gray, LinePattern.Dotted).LegendText = $"n* assumed by expect = auto ({assumed:G3})";
            }

            Points(train, r => r.Metric(Metrics.TrainLoss), C(0), "each run", MarkerShape.FilledCircle);
            MedianLine(train, r => r.Metric(Metrics.TrainLoss), C(0), "median over seeds", LinePattern.Solid, 2.5f);
            string olsLabel = double.IsFinite(from) ? $"OLS on S± (predicted, n ≥ {from:G3})" : "OLS on S± (predicted)";
            MedianLine(train, r => r.Metric(Metrics.OlsTrain), C(1), olsLabel, LinePattern.Dashed, 2f, aboveThreshold: true);
            if (sigma > 0)
            {
                Curve(train, _ => sigma * sigma / 2, Colors.Black, "noise level σ²/2", LinePattern.Dotted);
                Curve(train, x => sigma * sigma / 2 * Math.Max(0, 1 - 2.0 * d / Math.Pow(10, x)), C(2), "reference (σ²/2)(1 − 2d/n)", LinePattern.Dotted);
            }
            Thresholds(train);
            // Every drawn value inside the axes, with room above for the legend's clearance.
            double top = drawn.Where(double.IsFinite).DefaultIfEmpty(sigma * sigma / 2).Max();
            train.Axes.SetLimitsY(-0.03 * Math.Max(Math.Max(sigma * sigma, top), 0.1), 1.12 * Math.Max(Math.Max(sigma * sigma / 2, top), 1e-12));
            train.ShowLegend(Alignment.LowerRight);
            train.Legend.FontSize = 12;

            logY = true;
            var testValues = runs.Select(r => r.Metric(Metrics.TestLoss)).Concat(runs.Where(r => Predicts(r.SpecDouble("n"))).Select(r => r.Metric(Metrics.OlsTest))).Where(v => v > 0).Select(Math.Log10).ToList();
            if (sigma > 0) testValues.AddRange(lx.Select(x => Math.Log10(sigma * sigma * d) - x));
            FigureFile.LogAxis(test.Axes.Left, testValues);
            Points(test, r => r.Metric(Metrics.TestLoss), C(0), "each run", MarkerShape.FilledSquare);
            MedianLine(test, r => r.Metric(Metrics.TestLoss), C(0), "median over seeds", LinePattern.Solid, 2.5f);
            MedianLine(test, r => r.Metric(Metrics.OlsTest), C(1), olsLabel, LinePattern.Dashed, 2f, aboveThreshold: true);
            if (sigma > 0) Curve(test, x => sigma * sigma * d / Math.Pow(10, x), C(3), "reference σ² d/n", LinePattern.Dotted);
            Thresholds(test);
            test.ShowLegend(Alignment.UpperRight);
            test.Legend.FontSize = 12;

            string name = $"loss-vs-n-{k++}";
            figs.Add(FigureFile.SavePanels([train, test], dir, name, $"Loss against n ({fam.Key})",
                "Left: train loss at the end of training for each run, the median over seeds and the train loss of the predicted OLS-on-S± function " +
                (double.IsFinite(from) ? $"(drawn from n = {from:G3} on, the {(double.IsFinite(estimated) ? "estimated" : "assumed")} threshold: below it the theory predicts interpolation, not OLS), " : "") +
                "with the noise level σ²/2 " +
                "and the reference (σ²/2)(1 − 2d/n): below the threshold the train loss drops to 0 (interpolation), above it, it sits at the OLS level near the noise. " +
                "Right: the noise-free test loss on a log axis, with the OLS function's and the reference σ² d/n. Vertical lines: the estimated threshold and the one assumed by expect = auto.",
                760, 600));
        }
        return figs;
    }

    /// <summary>Distance of empirical to population extremal vectors against n, log-log, with fitted slopes.</summary>
    public static Figure? ExtremalDistance(IReadOnlyList<RunRecord> records, string dir)
    {
        var runs = SweepAnalysis.Usable(records).Where(SweepAnalysis.HasDistance).ToList();
        if (runs.Select(r => r.SpecDouble("n")).Distinct().Count() < 2) return null;
        var plt = FigureFile.NewPlot("Distance of empirical to population extremal vectors", "n (log scale)", "largest distance (log scale)");
        FigureFile.LogAxis(plt.Axes.Bottom, runs.Select(r => Math.Log10(r.SpecDouble("n"))));
        FigureFile.LogAxis(plt.Axes.Left, runs.Select(r => Math.Log10(r.Metric(Metrics.ExtremalDistance))));
        var fits = SweepAnalysis.ConcentrationFits(runs);
        int i = 0;
        foreach (var g in runs.GroupBy(r => (int)r.SpecInt("d")).OrderBy(g => g.Key))
        {
            var xs = g.Select(r => Math.Log10(r.SpecDouble("n"))).ToArray();
            var ys = g.Select(r => Math.Log10(r.Metric(Metrics.ExtremalDistance))).ToArray();
            var sc = plt.Add.ScatterPoints(xs, ys, C(i).WithAlpha(0.7));
            sc.MarkerSize = 7;
            sc.LegendText = $"d = {g.Key}";
            if (fits.Find(f => f.D == g.Key) is { } fit)
            {
                double x0 = xs.Min(), x1 = xs.Max();
                var line = plt.Add.ScatterLine(new[] { x0, x1 }, new[] { fit.Intercept + fit.Slope * x0, fit.Intercept + fit.Slope * x1 }, C(i));
                line.LineWidth = 2;
                line.LegendText = $"d = {g.Key}: fitted slope {fit.Slope:F2}";
                var refl = plt.Add.ScatterLine(new[] { x0, x1 }, new[] { fit.Intercept + fit.Slope * x0, fit.Intercept + fit.Slope * x0 - 0.5 * (x1 - x0) }, C(i));
                refl.LinePattern = LinePattern.Dotted;
                refl.LineWidth = 1.5f;
                refl.LegendText = $"d = {g.Key}: slope −1/2 for comparison";
            }
            i++;
        }
        plt.ShowLegend(Edge.Right);
        plt.Legend.FontSize = 12;
        return FigureFile.Save(plt, dir, "extremal-distance", "Concentration of extremal vectors",
            "For each run, the largest distance between an empirical extremal vector of the training data and the nearest population extremal vector of the same sign, with a least-squares line per d and a slope -1/2 for comparison.");
    }

    /// <summary>Histogram of the neurons' cosines with the nearest same-sign extremal direction at the end of the early phase.</summary>
    public static Figure? AlignmentHistogram(IReadOnlyList<RunRecord> records, string dir, double threshold)
    {
        var runs = records.Where(r => r.Status == "ok" && r.AlignmentCosines.Length > 0).ToList();
        var all = runs.SelectMany(r => r.AlignmentCosines).Where(double.IsFinite).ToArray();
        if (all.Length == 0) return null;
        double lo = Math.Max(-1, Math.Min(all.Min(), threshold - 0.1));
        lo = Math.Floor(lo * 20) / 20;
        var hist = ScottPlot.Statistics.Histogram.WithBinCount(40, lo, 1.0000001);
        hist.AddRange(all);
        var plt = FigureFile.NewPlot($"Early alignment: {all.Length} neurons in {runs.Count} run(s)",
            "cosine with the nearest extremal direction of the neuron's sign", "neurons");
        var bars = plt.Add.Histogram(hist, C(0));
        _ = bars;
        var v = plt.Add.VerticalLine(threshold, 2, C(3), LinePattern.Dashed);
        v.LegendText = $"aligned above cosine {threshold}";
        plt.Axes.Margins(bottom: 0);
        plt.ShowLegend(Alignment.UpperLeft);
        return FigureFile.Save(plt, dir, "alignment-histogram", "Alignment at the end of the early phase",
            "Each neuron's direction at the end of the early phase against the extremal directions of the training data with the sign of its output weight: the theory says they concentrate near cosine 1.");
    }

    /// <summary>Training (solid) and test (dashed) loss against log t for up to six runs spread over n (and over solvers, when a sweep compares them).</summary>
    public static Figure? LossTrajectories(IReadOnlyList<RunRecord> records, string dir)
    {
        var withTraj = records.Where(r => r.Status == "ok" && r.Trajectory.T.Length > 1).ToList();
        if (withTraj.Count == 0) return null;
        // One run per n and solver (lowest seed), at most six, spread over the range.
        static string Solver(RunRecord r) => Reports.RunLabels.Solver(r);
        bool solvers = withTraj.Select(Solver).Distinct().Count() > 1;
        var perN = withTraj.GroupBy(r => (r.SpecDouble("n"), r.SpecDouble("d"), Solver(r))).OrderBy(g => g.Key.Item2).ThenBy(g => g.Key.Item1).ThenBy(g => g.Key.Item3, ReportOrder.NumbersInText)
            .Select(g => g.OrderBy(r => r.SpecInt("seed")).First()).ToList();
        var chosen = perN.Count <= 6 ? perN : Enumerable.Range(0, 6).Select(i => perN[(int)Math.Round(i * (perN.Count - 1) / 5.0)]).Distinct().ToList();
        var plt = FigureFile.NewPlot("Loss along the trajectory", "t (log scale)", "loss (log scale)");
        var allT = chosen.SelectMany(r => r.Trajectory.T).Where(t => t > 0).Select(Math.Log10).ToList();
        var allL = chosen.SelectMany(r => r.Trajectory.Loss.Concat(r.Trajectory.TestLoss)).Where(l => l > 0).Select(Math.Log10).ToList();
        FigureFile.LogAxis(plt.Axes.Bottom, allT);
        FigureFile.LogAxis(plt.Axes.Left, allL);
        int i = 0;
        foreach (var r in chosen)
        {
            var tr = r.Trajectory;
            var idx = Enumerable.Range(0, tr.T.Length).Where(k => tr.T[k] > 0 && tr.Loss[k] > 0).ToArray();
            if (idx.Length < 2) continue;
            var line = plt.Add.ScatterLine(idx.Select(k => Math.Log10(tr.T[k])).ToArray(), idx.Select(k => Math.Log10(tr.Loss[k])).ToArray(), C(i));
            line.LineWidth = 2;
            line.LegendText = $"train, n = {r.SpecDouble("n")}, d = {r.SpecInt("d")}" + (solvers ? $", {Solver(r)}" : "");
            var ti = idx.Where(k => k < tr.TestLoss.Length && tr.TestLoss[k] > 0).ToArray();
            if (ti.Length > 1)
            {
                var tl = plt.Add.ScatterLine(ti.Select(k => Math.Log10(tr.T[k])).ToArray(), ti.Select(k => Math.Log10(tr.TestLoss[k])).ToArray(), C(i));
                tl.LinePattern = LinePattern.Dashed;
                tl.LineWidth = 1.5f;
                tl.LegendText = "test (dashed)";
                if (i > 0) tl.LegendText = "";
            }
            if (double.IsFinite(r.EarlyPhaseTime) && r.EarlyPhaseTime > 0)
            {
                var m = plt.Add.Markers(new[] { Math.Log10(r.EarlyPhaseTime) }, new[] { Math.Log10(Interp(tr.T, tr.Loss, r.EarlyPhaseTime)) }, MarkerShape.OpenDiamond, 12, C(i));
                m.LegendText = i == 0 ? "end of the early phase" : "";
            }
            i++;
        }
        plt.ShowLegend(Edge.Right);
        plt.Legend.FontSize = 12;
        var shown = string.Join(", ", chosen.Select(r => r.SpecDouble("n")).Distinct().OrderBy(n => n).Select(n => n.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        return FigureFile.Save(plt, dir, "loss-trajectories", "Loss trajectories",
            $"Training loss (solid) and test loss (dashed) against time on log axes for {chosen.Count} run(s) of {perN.Count} settings of n{(solvers ? " and solver" : "")} " +
            $"(the lowest seed of each{(perN.Count > 6 ? "; at most six, spread over the range" : "")}): n = {shown}; diamonds mark the end of the early phase. " +
            "The loss stays flat during the early alignment phase, then drops.");
    }

    private static double Interp(double[] t, double[] y, double at)
    {
        for (int k = 1; k < t.Length; k++)
            if (t[k] >= at)
            {
                double f = (at - t[k - 1]) / Math.Max(t[k] - t[k - 1], 1e-300);
                return y[k - 1] + f * (y[k] - y[k - 1]);
            }
        return y[^1];
    }

    /// <summary>Neuron directions projected on (beta*, an orthogonal direction) at the start, the end of the early phase and the end, for one representative run.</summary>
    public static Figure? NeuronDirections(IReadOnlyList<RunRecord> records, string dir)
    {
        var candidates = records.Where(r => r.Status == "ok" && r.Projections.End.Length > 0).ToList();
        if (candidates.Count == 0) return null;
        // Prefer a run above the threshold with an early phase, at the largest n, lowest seed.
        var r = candidates.OrderByDescending(c => c.Regime == "ols").ThenByDescending(c => c.Projections.Early.Length > 0)
            .ThenByDescending(c => c.SpecDouble("n")).ThenBy(c => c.SpecInt("seed")).First();
        var phases = new List<(string Title, double[][] Points)> { ("initialization", r.Projections.Start) };
        if (r.Projections.Early.Length > 0) phases.Add(($"end of the early phase (t = {Reports.ReportWriter.F(r.EarlyPhaseTime)})", r.Projections.Early));
        phases.Add(($"end (t = {Reports.ReportWriter.F(r.Time)})", r.Projections.End));
        var panels = new List<Plot>();
        foreach (var (title, pts) in phases)
        {
            var plt = FigureFile.NewPlot(title, "u_j · β*/|β*|", "u_j · e⊥");
            var circle = Enumerable.Range(0, 181).Select(i => 2 * Math.PI * i / 180).ToArray();
            var c = plt.Add.ScatterLine(circle.Select(Math.Cos).ToArray(), circle.Select(Math.Sin).ToArray(), Colors.Gray.WithAlpha(0.6));
            c.LineWidth = 1;
            foreach (var (sign, color, shape, label) in new[] { (1.0, C(0), MarkerShape.FilledCircle, "a_j > 0"), (-1.0, C(3), MarkerShape.FilledTriangleUp, "a_j < 0") })
            {
                // Neurons far below the largest norm (they never grew) are drawn faint and open.
                bool Small(double[] p) => p.Length >= 4 && p[3] < 0.01;
                var sel = pts.Where(p => p.Length >= 3 && p[2] == sign).ToArray();
                if (sel.Length == 0) continue;
                var big = sel.Where(p => !Small(p)).ToArray();
                var small = sel.Where(Small).ToArray();
                if (big.Length > 0)
                {
                    var m = plt.Add.Markers(big.Select(p => p[0]).ToArray(), big.Select(p => p[1]).ToArray(), shape, 8, color.WithAlpha(0.7));
                    m.LegendText = $"{label} ({big.Length})";
                }
                if (small.Length > 0)
                {
                    var m = plt.Add.Markers(small.Select(p => p[0]).ToArray(), small.Select(p => p[1]).ToArray(),
                        sign > 0 ? MarkerShape.OpenCircle : MarkerShape.OpenTriangleUp, 8, color.WithAlpha(0.45));
                    m.LegendText = $"{label}, |w_j| < 1% of max ({small.Length})";
                }
            }
            var star = plt.Add.Markers(new[] { 1.0, -1.0 }, new[] { 0.0, 0.0 }, MarkerShape.OpenCircle, 16, Colors.Black);
            star.LegendText = "±β*/|β*|";
            plt.Axes.SetLimits(-1.2, 1.2, -1.2, 1.2);
            // Equal units, so the unit circle stays a circle whatever room the legend under it takes.
            plt.Axes.SquareUnits();
            plt.ShowLegend(Edge.Bottom);
            // The same margins in every panel (the legend's band included), so the three circles have one size.
            plt.Layout.Fixed(new PixelPadding(70, 20, 200, 45));
            plt.Legend.FontSize = 12;
            panels.Add(plt);
        }
        return FigureFile.SavePanels(panels, dir, "neuron-directions", "Neuron directions",
            $"Unit directions u_j = w_j/|w_j| projected on beta*/|beta*| and an orthogonal direction, for the run n = {r.SpecDouble("n")}, d = {r.SpecInt("d")}, seed = {r.SpecInt("seed")}: " +
            "random at initialization, gathered near the extremal directions at the end of the early phase, and at the end. Open markers: neurons whose norm stayed below 1% of the largest.",
            520, 700);
    }
}
