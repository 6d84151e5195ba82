using System.Globalization;
using SimplicityBias.Verify.Plots;

namespace SimplicityBias.Verify.Reports;

/// <summary>The dimension study's section on the horizon: n*(d; T) and p(T) per setting, whether the horizon is justified, and what the runs not stationary say about the time still needed.</summary>
internal static class ThresholdHorizonsReport
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>The section, with one figure per setting.</summary>
    public static void Write(ReportDocument doc, IReadOnlyList<HorizonStudy> studies, IReadOnlyList<Figure> figures)
    {
        doc.H(3, "The threshold against the horizon");
        doc.P("Every run stores its train loss at log-spaced times. Read at T = 1e2, 1e3, ... up to the runs' horizon (linear in log t between the two samples around T; " +
              "a run stationary before T keeps its final value; a run that ended before T for another reason, or whose record lacks the samples, is left out at T), " +
              "the crossing estimate n*(d; T), its 95% seed-bootstrap interval and the fit p(T) are recomputed exactly as above; at the last T they are the values above. " +
              "No run is trained again. The train loss never increases along the flow, so each seed's crossing can only move up with T (or leave the grid): " +
              "a seed's crossing at any horizon is a lower bound of its crossing at the flow's limit. The horizon is called **justified for the threshold estimate** when, at every d with a crossing, n*(d) at the last two horizons " +
              "lie inside each other's intervals. That says n* stopped moving at the resolution the seeds give, not that the flow reached its limit: " +
              "a slower drift per decade than the intervals' width passes it.");
        for (int k = 0; k < studies.Count; k++)
        {
            var s = studies[k];
            if (studies.Count > 1) doc.P($"**{s.Label}**");
            if (s.Slices.Count < 2)
            {
                doc.P(s.Slices.Count == 0 ? "No horizon recorded: nothing to compare." : $"One horizon only (t = {Time(s.Slices[0].T)}): nothing to compare.");
                continue;
            }
            Table(doc, s);
            doc.P(Verdict(s));
            if (k < figures.Count) doc.F(figures[k]);
        }
    }

    /// <summary>Per setting and d: the runs not stationary and the time their records say they still need.</summary>
    public static void WriteStalls(ReportDocument doc, IReadOnlyList<HorizonStudy> studies)
    {
        var rows = studies.SelectMany(s => s.Stalls.Where(x => x.NotStationary > 0).Select(x => (s.Label, x))).ToList();
        if (rows.Count == 0) return;
        int open = rows.Sum(r => r.x.NotStationary), diagnosed = rows.Sum(r => r.x.Diagnosed);
        doc.P("By d: how many runs stopped at the horizon, and the time still needed that the record's reason gives (at the rate |grad| fell over the run's second half, " +
              "the time to the stationarity tolerance; the median over the runs that give it).");
        bool many = studies.Count > 1;
        var setting = DimensionStudy.Distinguishing(studies.Select(s => s.Label));
        doc.T(many ? ["setting", "d", "not stationary", "with the diagnosis", "median time still needed", "|grad| not falling"] : ["d", "not stationary", "with the diagnosis", "median time still needed", "|grad| not falling"],
            rows.Select(r =>
            {
                string[] cells = [r.x.D.ToString(Inv), r.x.NotStationary.ToString(Inv), r.x.Diagnosed.ToString(Inv), double.IsNaN(r.x.MedianExtraTime) ? "-" : Count(r.x.MedianExtraTime), r.x.NotFalling.ToString(Inv)];
                return many ? [setting[r.Label], .. cells] : cells;
            }).ToList());
        if (diagnosed == 0)
            doc.P($"None of the {open} records of runs not stationary gives the time still needed: they were written before runs at the horizon recorded the rate at which |grad| fell. " +
                  "Rerunning them would add it; the gradient norms in the table below say how far from stationary each stopped.");
        else if (diagnosed < open)
            doc.P($"{open - diagnosed} of the {open} records of runs not stationary do not give the time still needed (written before runs at the horizon recorded it).");
    }

    private static void Table(ReportDocument doc, HorizonStudy s)
    {
        var (before, last) = (s.Slices[^2], s.Slices[^1]);
        var header = new List<string> { "d" };
        header.AddRange(s.Slices.Select(x => $"n*(d; {Time(x.T)}) [95% bootstrap]"));
        header.Add($"factor per decade, {Time(before.T)} to {Time(last.T)}");
        header.Add("inside each other's intervals");
        var rows = new List<string[]>();
        foreach (var d in s.Slices[^1].Rows.Select(r => r.D))
        {
            var cells = new List<string> { d.ToString(Inv) };
            cells.AddRange(s.Slices.Select(x => x.At(d) is { } r ? Cell(r) : "-"));
            var move = s.Moves.Find(m => m.D == d);
            cells.Add(move is null || double.IsNaN(move.PerDecade) ? "-" : move.PerDecade.ToString("F2", Inv));
            cells.Add(move is null ? "-" : move.Agree ? "yes" : "**no**");
            rows.Add([.. cells]);
        }
        var p = new List<string> { "p [95% seed bootstrap]" };
        p.AddRange(s.Slices.Select(x => x.Fit is { } f ? $"{f.Exponent:F2} {Interval(x.FitBootstrap.Lower, x.FitBootstrap.Upper, "F2")}" : "-"));
        p.AddRange(["", ""]);
        rows.Add([.. p]);
        var pt = new List<string> { "p, 95% t interval" };
        pt.AddRange(s.Slices.Select(x => x.Fit is { } f ? Interval(f.ExponentLower, f.ExponentUpper, "F2") : "-"));
        pt.AddRange(["", ""]);
        rows.Add([.. pt]);
        doc.T([.. header], rows);
    }

    private static string Verdict(HorizonStudy s)
    {
        var (before, last) = (s.Slices[^2], s.Slices[^1]);
        string t1 = Time(before.T), t2 = Time(last.T);
        var text = new System.Text.StringBuilder();
        var moved = s.Moves.Where(m => !double.IsNaN(m.PerDecade)).ToList();
        string range = moved.Count == 0 ? "" : $"a factor {moved.Min(m => m.PerDecade):F2} to {moved.Max(m => m.PerDecade):F2}";
        if (s.Moves.Count == 0)
            text.Append($"**Horizon t = {t2} not justified for the threshold estimate**: no d has a crossing at t = {t2}.");
        else if (s.Justified)
            text.Append($"**Horizon t = {t2} justified for the threshold estimate**: at every d, n*(d; {t1}) and n*(d; {t2}) lie inside each other's 95% seed-bootstrap intervals; " +
                        $"over that decade n* moved by {range}.");
        else
        {
            var off = s.Moves.Where(m => !m.Agree).ToList();
            var uncrossed = off.Where(m => double.IsNaN(m.PerDecade)).Select(m => m.D).ToList();
            var apart = off.Where(m => !double.IsNaN(m.PerDecade)).ToList();
            text.Append($"**Horizon t = {t2} not justified for the threshold estimate**: ");
            var parts = new List<string>();
            if (apart.Count > 0)
                parts.Add($"at d = {string.Join(", ", apart.Select(m => m.D))}, n*(d; {t1}) and n*(d; {t2}) do not lie inside each other's intervals " +
                          $"(n* moved by a factor {string.Join(", ", apart.Select(m => $"{m.PerDecade:F2} at d = {m.D}"))} per decade)");
            if (uncrossed.Count > 0) parts.Add($"at d = {string.Join(", ", uncrossed)} no seed crosses at t = {t1}");
            text.Append(string.Join("; ", parts)).Append('.');
            var agreeing = s.Moves.Where(m => m.Agree).ToList();
            if (agreeing.Count > 0)
                text.Append($" At d = {string.Join(", ", agreeing.Select(m => m.D))} they agree (moved by a factor {agreeing.Min(m => m.PerDecade):F2} to {agreeing.Max(m => m.PerDecade):F2}).");
        }
        var fits = s.Slices.Where(x => x.Fit is not null).ToList();
        if (fits.Count > 0)
            text.Append(" p(T): " + string.Join(", ", fits.Select(x => $"{x.Fit!.Exponent:F2} {Interval(x.FitBootstrap.Lower, x.FitBootstrap.Upper, "F2")} at {Time(x.T)}")) + ".");
        if (s.Slices[^1].At(10) is not null)
            text.Append(" n*(10; T): " + string.Join(", ", s.Slices.Select(x => $"{Count(x.At(10)!.Crossing.NStar)} at {Time(x.T)}")) +
                        $", against the paper's {Count(DimensionStudy.PaperNAt10)}.");
        return text.ToString();
    }

    private static string Cell(HorizonRow r)
    {
        var text = $"{Count(r.Crossing.NStar)} {Interval(r.Bootstrap.Lower, r.Bootstrap.Upper, null)}";
        var notes = new List<string>();
        if (r.Crossing.Censored > 0) notes.Add($"{r.Crossing.Censored} of {r.Crossing.Seeds.Length} seeds no crossing");
        if (r.Missing > 0) notes.Add($"{r.Missing} runs without a loss at T");
        return notes.Count == 0 ? text : $"{text} ({string.Join("; ", notes)})";
    }

    /// <summary>A sample size: whole numbers from 100 up, three significant digits below.</summary>
    /// <summary>A sample size or time as the dimension reports print it: thousands separated from 100 on, 3 digits below.</summary>
    internal static string Count(double x) => double.IsNaN(x) ? "-" : x >= 100 ? x.ToString("N0", Inv) : x.ToString("G3", Inv);

    private static string Interval(double lo, double hi, string? format)
        => double.IsNaN(lo) || double.IsNaN(hi) ? "" : format is null ? $"[{Count(lo)}, {Count(hi)}]" : $"[{lo.ToString(format, Inv)}, {hi.ToString(format, Inv)}]";

    /// <summary>A time as 1e2, 1e3, 3e4.</summary>
    internal static string Time(double t) => t.ToString("0.##e0", Inv);
}
