using System.Globalization;
using System.Text.Json;
using SimplicityBias.Verify.Checks;
using SimplicityBias.Verify.Plots;
using SimplicityBias.Verify.Results;
using SimplicityBias.Verify.Running;

namespace SimplicityBias.Verify.Reports;

/// <summary>One claim's tally over the runs of a report.</summary>
/// <param name="Name">Claim identifier.</param>
/// <param name="Sentence">The claim.</param>
/// <param name="Pass">Runs that passed.</param>
/// <param name="Fail">Runs that failed.</param>
/// <param name="Inconclusive">Runs that were inconclusive.</param>
/// <param name="Verdict">Combined verdict.</param>
public sealed record ClaimSummary(string Name, string Sentence, int Pass, int Fail, int Inconclusive, Verdict Verdict);

/// <summary>What a report says, also printed by --json.</summary>
public sealed record ReportSummary
{
    /// <summary>Report title.</summary>
    public required string Title { get; init; }
    /// <summary>Combined verdict of every check (runs and sweep); fail when a run ended with an error.</summary>
    public required Verdict Verdict { get; init; }
    /// <summary>Number of runs.</summary>
    public required int Runs { get; init; }
    /// <summary>Runs that ended with an error.</summary>
    public required int Errors { get; init; }
    /// <summary>Tally per claim.</summary>
    public required List<ClaimSummary> Claims { get; init; }
    /// <summary>Sweep-level checks.</summary>
    public required List<CheckResult> SweepChecks { get; init; }
    /// <summary>Threshold estimates per d.</summary>
    public required List<ThresholdSummary> Thresholds { get; init; }
    /// <summary>n*(d) ~ C d^p over the dimensions of the sweep, when there are two or more.</summary>
    public ThresholdExponent? ThresholdExponent { get; init; }
    /// <summary>Files written.</summary>
    public required Dictionary<string, string> Files { get; init; }

    /// <summary>0 when nothing failed and no run errored, 1 otherwise.</summary>
    public int ExitCode => Verdict == Verdict.Fail || Errors > 0 ? 1 : 0;
}

/// <summary>Writes the results tables (<see cref="ResultsFiles"/>), the figures, report.md and a self-contained report.html into a directory (all atomically).</summary>
public static class ReportWriter
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>Writes the report of <paramref name="records"/> into <paramref name="dir"/>.</summary>
    public static ReportSummary Write(IReadOnlyList<RunRecord> records, string dir, string title, Manifest manifest,
        double slopeTolerance = 0.2, double alignmentCosine = 0.9)
    {
        Directory.CreateDirectory(dir);
        var tables = ResultsFiles.Write(records, dir);
        var figures = Figures.All(records, Path.Combine(dir, "figures"), alignmentCosine);
        var summary = Summarize(records, title, slopeTolerance);
        var doc = Build(records, summary, figures, manifest, FindingsNote(dir));
        DimensionStudyReport.Insert(doc, records, Path.Combine(dir, "figures"));
        var md = Path.Combine(dir, "report.md");
        var html = Path.Combine(dir, "report.html");
        AtomicFile.WriteAllText(md, doc.ToMarkdown(dir));
        AtomicFile.WriteAllText(html, doc.ToHtml());
        manifest.Save(dir);
        foreach (var kv in tables) summary.Files[kv.Key] = kv.Value;
        summary.Files["markdown"] = md;
        summary.Files["html"] = html;
        summary.Files["figures"] = Path.Combine(dir, "figures");
        return summary;
    }

    /// <summary>The verdicts of a set of runs, without writing anything.</summary>
    public static ReportSummary Summarize(IReadOnlyList<RunRecord> records, string title, double slopeTolerance = 0.2)
    {
        var ok = records.Where(r => r.Status == "ok").ToList();
        var claims = new List<ClaimSummary>();
        foreach (var c in Checks.Claims.All)
        {
            var checks = ok.SelectMany(r => r.Checks).Where(x => x.Name == c.Name).ToList();
            if (checks.Count == 0) continue;
            claims.Add(new ClaimSummary(c.Name, c.Sentence,
                checks.Count(x => x.Verdict == Verdict.Pass), checks.Count(x => x.Verdict == Verdict.Fail),
                checks.Count(x => x.Verdict == Verdict.Inconclusive), Verdicts.Combine(checks.Select(x => x.Verdict))));
        }
        var sweepChecks = SweepAnalysis.Checks(records, slopeTolerance);
        var thresholds = SweepAnalysis.Thresholds(records);
        var all = ok.SelectMany(r => r.Checks).Select(x => x.Verdict).Concat(sweepChecks.Select(x => x.Verdict));
        return new ReportSummary
        {
            Title = title,
            // A run that could not be done is a failure of the whole: the headline never says pass over it.
            Verdict = records.Any(r => r.Status != "ok") ? Verdict.Fail : Verdicts.Combine(all),
            Runs = records.Count,
            Errors = records.Count(r => r.Status != "ok"),
            Claims = claims,
            SweepChecks = sweepChecks,
            Thresholds = thresholds,
            ThresholdExponent = SweepAnalysis.ThresholdExponentFit(thresholds),
            Files = new Dictionary<string, string>(StringComparer.Ordinal),
        };
    }

    internal static string F(double x) => double.IsNaN(x) ? "-" : Math.Abs(x) >= 1e5 || (Math.Abs(x) < 1e-3 && x != 0) ? x.ToString("0.###e+0", Inv) : x.ToString("0.####", Inv);

    /// <summary>
    /// Where the findings about the dynamics are (what the checks alone do not show): a link when the report sits
    /// beside reports/findings.md, else where to find it.
    /// </summary>
    internal static string FindingsNote(string dir)
    {
        var parent = Path.GetDirectoryName(Path.GetFullPath(dir).TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar));
        return parent is not null && File.Exists(Path.Combine(parent, "findings.md"))
            ? "What the verification found about the dynamics beyond the checks' verdicts: [findings.md](../findings.md)."
            : "What the verification found about the dynamics beyond the checks' verdicts is kept in the repository, in reports/findings.md.";
    }

    private static ReportDocument Build(IReadOnlyList<RunRecord> records, ReportSummary s, List<Figure> figures, Manifest manifest, string findings)
    {
        var doc = new ReportDocument { Title = s.Title };
        doc.H(1, s.Title);
        int pass = s.Claims.Sum(c => c.Pass), fail = s.Claims.Sum(c => c.Fail), inc = s.Claims.Sum(c => c.Inconclusive);
        doc.P($"Overall verdict: **{Verdicts.Word(s.Verdict).ToUpperInvariant()}**. {s.Runs} run(s), {s.Errors} with an error; " +
              $"checks: {pass} passed, {fail} failed, {inc} inconclusive" +
              (s.SweepChecks.Count > 0 ? $"; sweep-level checks: {s.SweepChecks.Count(c => c.Verdict == Verdict.Pass)} passed of {s.SweepChecks.Count}." : "."));
        doc.P("Losses use the 1/(2n) convention (plain mean squared error is twice these). An inconclusive check could not be decided (for example the run did not converge); its reason is in the details.");
        doc.P(findings);
        Triage(doc, records, s);

        doc.H(2, "Claims");
        var rows = s.Claims.Select(c => new[] { c.Name, c.Sentence, c.Pass.ToString(Inv), c.Fail.ToString(Inv), c.Inconclusive.ToString(Inv), Verdicts.Word(c.Verdict) }).ToList();
        foreach (var c in s.SweepChecks)
            rows.Add([c.Name, $"{c.Claim} Measured {F(c.Measured)}, predicted {F(c.Predicted)} +- {F(c.Tolerance)}.", c.Verdict == Verdict.Pass ? "1" : "0", c.Verdict == Verdict.Fail ? "1" : "0", c.Verdict == Verdict.Inconclusive ? "1" : "0", Verdicts.Word(c.Verdict)]);
        if (rows.Count == 0) doc.P("No checks were made (every run failed or no claim applied).");
        else doc.T(["claim", "statement", "pass", "fail", "inconclusive", "verdict"], rows);

        if (s.Thresholds.Count > 0)
        {
            doc.H(2, "Optimization threshold");
            doc.P("The sample size n*(d) where the converged train loss moves from near 0 (interpolation) to near the noise level sigma^2/2: the first n where it crosses sigma^2/4.");
            doc.T(["d", "estimated n*", "95% interval", "seeds", "assumed n* (expect = auto)", "how"],
                s.Thresholds.Select(t => new[] { t.D.ToString(Inv), F(t.Estimate), double.IsNaN(t.Lower) ? "-" : $"[{F(t.Lower)}, {F(t.Upper)}]", t.Seeds.ToString(Inv), F(t.Assumed), t.Note }).ToList());
            if (s.ThresholdExponent is { } x)
                doc.P($"Fitted n*(d) ~ {F(x.Coefficient)} d^p over {x.Dimensions} dimensions: p = {F(x.Exponent)}" +
                      (double.IsNaN(x.Lower) ? "" : $" (95% interval [{F(x.Lower)}, {F(x.Upper)}])") + "; the theory asks n of order d^3 log d, and the exact exponent is open.");
        }

        if (figures.Count > 0)
        {
            doc.H(2, "Figures");
            foreach (var f in figures) doc.F(f);
        }

        var ok = records.Where(r => r.Status == "ok").ToList();
        if (ok.Count <= 12)
        {
            doc.H(2, "Check details");
            foreach (var r in ReportOrder.Triage(ok))
            {
                doc.H(3, $"Run {r.Index} ({Verdicts.Word(r.Verdict)}): n = {F(r.SpecDouble("n"))}, d = {F(r.SpecDouble("d"))}, m = {F(r.SpecDouble("m"))}, seed = {F(r.SpecDouble("seed"))}, {r.SpecString("dataModel")} / {RunLabels.Solver(r)} ({r.Regime} regime)");
                doc.P($"Training ended: {r.Code} at t = {F(r.Time)} ({r.Reason}). Train loss {F(r.Metric(Metrics.TrainLoss))}, test loss {F(r.Metric(Metrics.TestLoss))}, wall time {F(r.WallSeconds)} s.");
                doc.T(["check", "measured", "predicted", "tolerance", "rule", "verdict", "reason"],
                    ReportOrder.Triage(r.Checks).Select(c => new[] { c.Name, F(c.Measured), F(c.Predicted), F(c.Tolerance), c.Rule, Verdicts.Word(c.Verdict), c.Reason ?? "" }).ToList());
            }
        }

        doc.H(2, "Runs");
        doc.P("Errors and failures first, then inconclusive runs, then passes; within each by d, n and seed.");
        doc.T(["run", "hash", "n", "d", "m", "seed", "data", "solver", "regime", "end", "t", "train loss", "test loss", "OLS train", "checks p/f/i", "verdict", "wall s"],
            ReportOrder.Triage(records).Take(500).Select(r => new[]
            {
                r.Index.ToString(Inv), Short(r.Hash), F(r.SpecDouble("n")), F(r.SpecDouble("d")), F(r.SpecDouble("m")), F(r.SpecDouble("seed")),
                r.Data == "synthetic" ? r.SpecString("dataModel") : r.Data, RunLabels.Solver(r), r.Regime, r.Code, F(r.Time),
                F(r.Metric(Metrics.TrainLoss)), F(r.Metric(Metrics.TestLoss)), F(r.Metric(Metrics.OlsTrain)),
                $"{r.Checks.Count(c => c.Verdict == Verdict.Pass)}/{r.Checks.Count(c => c.Verdict == Verdict.Fail)}/{r.Checks.Count(c => c.Verdict == Verdict.Inconclusive)}",
                r.Status == "ok" ? Verdicts.Word(r.Verdict) : "error", F(r.WallSeconds),
            }).ToList());
        if (records.Count > 500) doc.P($"({records.Count - 500} more runs in results.csv.)");

        doc.H(2, "Manifest");
        var m = new List<string[]>
        {
            new[] { "command", manifest.Command },
            new[] { "generated (UTC)", manifest.GeneratedUtc.ToString("yyyy-MM-dd HH:mm:ss", Inv) },
            new[] { "wall time of the command", double.IsNaN(manifest.WallSeconds) ? "unknown" : $"{manifest.WallSeconds:F1} s" },
            new[] { "sum of run wall times", $"{records.Sum(r => r.WallSeconds):F1} s" },
            new[] { "runs", records.Count.ToString(Inv) },
            new[] { "seeds", string.Join(", ", records.Select(r => r.SpecInt("seed")).Distinct().OrderBy(x => x)) },
        };
        if (manifest.RenderedBy is { } by)
        {
            m.Add(["report re-rendered by", by]);
            m.Add(["re-rendered (UTC)", manifest.RenderedUtc?.ToString("yyyy-MM-dd HH:mm:ss", Inv) ?? "-"]);
        }
        foreach (var kv in manifest.Versions) m.Add([kv.Key, kv.Value]);
        foreach (var kv in manifest.Machine) m.Add([kv.Key, kv.Value]);
        doc.T(["item", "value"], m);
        doc.P("Spec fields across the runs (one value: shared by all runs; several: swept). Every run's full canonical spec and its SHA-256 key are in runs.jsonl.");
        doc.T(["field", "values"], SpecValues(records));
        return doc;
    }

    /// <summary>
    /// What needs attention, at the top: runs that could not be done, then every failed check, then every inconclusive
    /// one, each with its reason (sweep-level checks included); in the claims' order, then by d, n and seed.
    /// </summary>
    private static void Triage(ReportDocument doc, IReadOnlyList<RunRecord> records, ReportSummary s)
    {
        doc.H(2, "What did not pass");
        var errors = ReportOrder.Triage(records.Where(r => r.Status != "ok")).ToList();
        var notPassed = ReportOrder.Triage(records.Where(r => r.Status == "ok"))
            .SelectMany(r => r.Checks.Where(c => c.Verdict != Verdict.Pass).Select(c => (Run: (RunRecord?)r, Check: c)))
            .Concat(s.SweepChecks.Where(c => c.Verdict != Verdict.Pass).Select(c => (Run: (RunRecord?)null, Check: c)))
            .OrderBy(x => ReportOrder.Rank(x.Check.Verdict)).ThenBy(x => ReportOrder.ClaimPosition(x.Check.Name))
            .ThenBy(x => x.Run?.SpecDouble("d") ?? double.NegativeInfinity).ThenBy(x => x.Run?.SpecDouble("n") ?? double.NegativeInfinity)
            .ThenBy(x => x.Run?.SpecDouble("seed") ?? double.NegativeInfinity).ToList();
        int fail = notPassed.Count(x => x.Check.Verdict == Verdict.Fail), inc = notPassed.Count - fail;
        if (errors.Count == 0 && notPassed.Count == 0) { doc.P("Every check of every run passed, and every run could be done."); return; }
        doc.P($"{errors.Count} run(s) could not be done, {fail} check(s) failed, {inc} inconclusive" +
              (notPassed.Count > 300 ? "; the first 300 are listed, every check is in runs.jsonl." : "."));
        if (errors.Count > 0)
            doc.T(["run", "hash", "n", "d", "seed", "error"], errors.Take(100).Select(r => new[]
                { r.Index.ToString(Inv), Short(r.Hash), F(r.SpecDouble("n")), F(r.SpecDouble("d")), F(r.SpecDouble("seed")), r.Error ?? "" }).ToList());
        if (notPassed.Count > 0)
            // The reason before the numbers: it is what a reader triages by.
            doc.T(["verdict", "check", "run", "n", "d", "seed", "reason", "measured", "predicted", "tolerance", "hash"],
                notPassed.Take(300).Select(x => new[]
                {
                    Verdicts.Word(x.Check.Verdict), x.Check.Name, x.Run is { } r ? r.Index.ToString(Inv) : "sweep",
                    F(x.Run?.SpecDouble("n") ?? double.NaN), F(x.Run?.SpecDouble("d") ?? double.NaN), F(x.Run?.SpecDouble("seed") ?? double.NaN),
                    x.Check.Reason ?? "", F(x.Check.Measured), F(x.Check.Predicted), F(x.Check.Tolerance), x.Run is { } h ? Short(h.Hash) : "-",
                }).ToList());
    }

    private static string Short(string hash) => hash[..Math.Min(12, hash.Length)];

    private static List<string[]> SpecValues(IReadOnlyList<RunRecord> records)
    {
        var fields = new SortedDictionary<string, SortedSet<string>>(StringComparer.Ordinal);
        foreach (var r in records)
        {
            if (r.Spec.ValueKind != JsonValueKind.Object) continue;
            foreach (var p in r.Spec.EnumerateObject())
            {
                if (!fields.TryGetValue(p.Name, out var set)) fields[p.Name] = set = new SortedSet<string>(ReportOrder.NumbersAsNumbers);
                set.Add(p.Value.GetRawText());
            }
        }
        return fields.Select(kv => new[] { kv.Key, kv.Value.Count <= 12 ? string.Join(", ", kv.Value) : string.Join(", ", kv.Value.Take(12)) + $", ... ({kv.Value.Count} values)" }).ToList();
    }
}
