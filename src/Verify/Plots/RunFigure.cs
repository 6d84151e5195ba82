using System.Globalization;
using ScottPlot;
using SimplicityBias.Verify.Reports;
using SimplicityBias.Verify.Running;

namespace SimplicityBias.Verify.Plots;

/// <summary>
/// One run's recorded trajectory against t: loss, |grad|, balancedness drift, and the pairs sliding on their
/// hyperplanes with the crossings so far. Drawn from the record alone (`simbias plot DIR --run HASH`), to see
/// why a run ended as it did.
/// </summary>
public static class RunFigure
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>The file stem of a run's figure: run-&lt;first 12 hex digits of its hash&gt;.</summary>
    public static string Name(RunRecord r) => "run-" + r.Hash[..Math.Min(12, r.Hash.Length)];

    /// <summary>Draws the four panels into <paramref name="dir"/> (PNG and SVG); throws when the record has no trajectory.</summary>
    public static Figure Draw(RunRecord r, string dir)
    {
        var tr = r.Trajectory;
        // t = 0 has no place on a log axis; the first recorded point after it starts the curves.
        var idx = Enumerable.Range(0, tr.T.Length).Where(k => tr.T[k] > 0 && double.IsFinite(tr.T[k])).ToArray();
        if (idx.Length < 2)
            throw new InvalidOperationException($"run {r.Hash[..Math.Min(12, r.Hash.Length)]} has {idx.Length} trajectory point(s) after t = 0; nothing to draw");
        double[] lt = idx.Select(k => Math.Log10(tr.T[k])).ToArray();
        double early = double.IsFinite(r.EarlyPhaseTime) && r.EarlyPhaseTime > 0 ? Math.Log10(r.EarlyPhaseTime) : double.NaN;

        Plot Panel(string title, string yLabel)
        {
            var p = FigureFile.NewPlot(title, "t (log scale)", yLabel);
            FigureFile.LogAxis(p.Axes.Bottom, lt);
            if (double.IsFinite(early))
                p.Add.VerticalLine(early, 1.5f, Colors.Gray, LinePattern.Dotted).LegendText = $"end of the early phase (t = {ReportWriter.F(r.EarlyPhaseTime)})";
            return p;
        }
        // A log-scale series: only positive values are drawn; returns how many were.
        int LogLine(Plot p, double[] ys, Color color, string label, LinePattern pattern)
        {
            var k = idx.Where(i => i < ys.Length && ys[i] > 0 && double.IsFinite(ys[i])).ToArray();
            if (k.Length == 0) return 0;
            var line = p.Add.ScatterLine(k.Select(i => Math.Log10(tr.T[i])).ToArray(), k.Select(i => Math.Log10(ys[i])).ToArray(), color);
            line.LineWidth = 2;
            line.LinePattern = pattern;
            line.LegendText = label;
            return k.Length;
        }

        // Log10 limits that hold every drawn value, with room at the top for the legend.
        static void Room(Plot p, IEnumerable<double> values)
        {
            var v = values.Where(x => x > 0 && double.IsFinite(x)).Select(Math.Log10).ToArray();
            if (v.Length == 0) return;
            double lo = v.Min(), hi = v.Max(), span = Math.Max(hi - lo, 0.5);
            p.Axes.SetLimitsY(lo - 0.06 * span, hi + 0.4 * span);
        }

        var loss = Panel("Loss", "loss, 1/(2n) convention (log scale)");
        LogLine(loss, tr.Loss, FigureFile.Palette.GetColor(0), "train", LinePattern.Solid);
        bool test = LogLine(loss, tr.TestLoss, FigureFile.Palette.GetColor(1), "test (noise-free)", LinePattern.Dashed) > 0;
        FigureFile.LogAxis(loss.Axes.Left, tr.Loss.Concat(test ? tr.TestLoss : []).Where(v => v > 0).Select(Math.Log10));
        Room(loss, tr.Loss.Concat(test ? tr.TestLoss : []));
        loss.ShowLegend(Alignment.UpperRight);

        var grad = Panel("Gradient norm", "|∇L| (log scale)");
        LogLine(grad, tr.GradNorm, FigureFile.Palette.GetColor(2), "|∇L|", LinePattern.Solid);
        FigureFile.LogAxis(grad.Axes.Left, tr.GradNorm.Where(v => v > 0).Select(Math.Log10));
        Room(grad, tr.GradNorm);
        grad.ShowLegend(Alignment.UpperRight);

        var drift = Panel("Balancedness drift", "max_j |Δ(a_j² − |w_j|²)|, relative (log scale)");
        int driftDrawn = LogLine(drift, tr.Drift, FigureFile.Palette.GetColor(3), "drift (0 is not drawn)", LinePattern.Solid);
        FigureFile.LogAxis(drift.Axes.Left, tr.Drift.Where(v => v > 0).Select(Math.Log10));
        if (driftDrawn == 0) drift.Title("Balancedness drift: 0 at every recorded point", 18);
        Room(drift, tr.Drift);
        drift.ShowLegend(Alignment.UpperRight);

        var pairs = Panel("Sliding pairs and crossings", "pairs sliding on their hyperplane");
        string pairsNote;
        if (tr.SlidingPairs.Length == tr.T.Length && tr.Crossings.Length == tr.T.Length)
        {
            var s = pairs.Add.ScatterLine(lt, idx.Select(k => (double)tr.SlidingPairs[k]).ToArray(), FigureFile.Palette.GetColor(4));
            s.LineWidth = 2;
            s.ConnectStyle = ConnectStyle.StepHorizontal;
            s.LegendText = "sliding pairs (left axis)";
            var c = pairs.Add.ScatterLine(lt, idx.Select(k => (double)tr.Crossings[k]).ToArray(), FigureFile.Palette.GetColor(5));
            c.LineWidth = 2;
            c.LinePattern = LinePattern.Dashed;
            c.Axes.YAxis = pairs.Axes.Right;
            c.LegendText = "crossings so far (right axis)";
            pairs.Axes.Right.Label.Text = "hyperplane crossings so far";
            pairs.Axes.Right.Label.FontSize = 15;
            pairs.Axes.SetLimitsY(-0.05 * Math.Max(1, tr.SlidingPairs.Max()), 1.45 * Math.Max(1, tr.SlidingPairs.Max()));
            pairs.Axes.Right.Min = -0.05 * Math.Max(1, tr.Crossings.Max());
            pairs.Axes.Right.Max = 1.45 * Math.Max(1, tr.Crossings.Max());
            pairsNote = "bottom right: the pairs sliding on their hyperplanes (left axis) and the hyperplane crossings so far (right axis)";
        }
        else
        {
            pairs.Title("Sliding pairs and crossings: not recorded in this run", 18);
            pairs.Axes.SetLimitsY(-0.05 * Math.Max(1, tr.SlidingPairs.Max()), 1.45 * Math.Max(1, tr.SlidingPairs.Max()));
            pairs.Axes.Right.Min = -0.05 * Math.Max(1, tr.Crossings.Max());
            pairs.Axes.Right.Max = 1.45 * Math.Max(1, tr.Crossings.Max());
            pairsNote = "bottom right: empty, since this record predates the recording of sliding pairs and crossings (rerun to get them)";
        }
        pairs.ShowLegend(Alignment.UpperRight);

        foreach (var p in new[] { loss, grad, drift, pairs }) p.Legend.FontSize = 12;
        var title = $"Run {r.Index} ({r.Hash[..Math.Min(12, r.Hash.Length)]}): n = {r.SpecDouble("n").ToString(Inv)}, d = {r.SpecInt("d")}, seed = {r.SpecInt("seed")}, {RunLabels.Solver(r)}";
        return FigureFile.SavePanels([loss, grad, drift, pairs], dir, Name(r), title,
            $"{title}; ended {r.Code} at t = {ReportWriter.F(r.Time)} ({r.Reason}). Against t on a log axis, at the {idx.Length} recorded points after t = 0: " +
            "top left the train and test loss, top right the gradient norm, bottom left the largest drift of a_j² − |w_j|² (conserved by the flow, relative to the initial scale), " +
            pairsNote + ".", 760, 520, columns: 2);
    }
}
