using System.Text.Json;
using System.Text.Json.Serialization;
using Spectre.Console;
using SimplicityBias.Verify.Checks;
using SimplicityBias.Verify.Reports;
using SimplicityBias.Verify.Running;
using SimplicityBias.Verify.Specs;

namespace SimplicityBias.Verify.Cli;

/// <summary>Printing: human tables through Spectre.Console, or exactly one JSON document with --json.</summary>
internal sealed class CliOutput(TextWriter output, TextWriter error)
{
    public TextWriter Out => output;
    public TextWriter Err => error;

    public static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        WriteIndented = true,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    private IAnsiConsole? console;
    public IAnsiConsole Console => console ??= CreateConsole(output);

    private static IAnsiConsole CreateConsole(TextWriter output)
    {
        var c = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(output) });
        // Redirected output has no width: use a wide one rather than wrapping tables at 80 columns.
        if (!c.Profile.Out.IsTerminal) c.Profile.Width = 160;
        return c;
    }

    public void WriteJson(object document) => output.WriteLine(JsonSerializer.Serialize(document, Json));

    /// <summary>Reports bad input: to stderr, or as the JSON document with --json.</summary>
    public int BadInput(string command, bool json, IReadOnlyList<SpecError> errors)
    {
        if (json) WriteJson(new { command, exitCode = ExitCodes.BadInput, errors });
        else
        {
            error.WriteLine($"simbias{(command.Length > 0 ? " " + command : "")}: invalid input ({errors.Count} error{(errors.Count == 1 ? "" : "s")}):");
            foreach (var e in errors) error.WriteLine("  " + e);
        }
        return ExitCodes.BadInput;
    }

    public int BadInput(string command, bool json, string message) => BadInput(command, json, [new SpecError("", "", message)]);

    public static string VerdictMarkup(Verdict v) => v switch
    {
        Verdict.Pass => "[green]pass[/]",
        Verdict.Fail => "[red]fail[/]",
        _ => "[yellow]inconclusive[/]",
    };

    public void ChecksTable(RunRecord r)
    {
        if (r.Status != "ok")
        {
            Console.MarkupLine($"[red]run {r.Index} could not be done:[/] {Markup.Escape(r.Error ?? "")}");
            return;
        }
        Console.MarkupLine(Markup.Escape($"Training ended: {r.Code} at t = {r.Time:G4} ({r.Reason}); regime: {r.Regime}; wall time {r.WallSeconds:F1} s"));
        var t = new Table().AddColumns("check", "measured", "predicted", "tol", "rule", "verdict", "why (when not passed)");
        foreach (var c in ReportOrder.Triage(r.Checks))
            t.AddRow(Markup.Escape(c.Name), ReportWriter.F(c.Measured), ReportWriter.F(c.Predicted), ReportWriter.F(c.Tolerance),
                Markup.Escape(c.Rule), VerdictMarkup(c.Verdict), c.Verdict == Verdict.Pass ? "" : Markup.Escape(c.Reason ?? ""));
        Console.Write(t);
    }

    /// <summary>The verdict tables of a report; with <paramref name="verbose"/> records, also every check that did not pass, failures first.</summary>
    public void SummaryTable(ReportSummary s, IReadOnlyList<RunRecord>? verbose = null)
    {
        Console.MarkupLine($"[bold]{Markup.Escape(s.Title)}[/]: {VerdictMarkup(s.Verdict)} ({s.Runs} runs, {s.Errors} errors)");
        if (s.Claims.Count > 0 || s.SweepChecks.Count > 0)
        {
            var t = new Table().AddColumns("claim", "pass", "fail", "inconclusive", "verdict");
            foreach (var c in s.Claims) t.AddRow(Markup.Escape(c.Name), c.Pass.ToString(), c.Fail.ToString(), c.Inconclusive.ToString(), VerdictMarkup(c.Verdict));
            foreach (var c in s.SweepChecks)
                t.AddRow(Markup.Escape(c.Name), c.Verdict == Verdict.Pass ? "1" : "0", c.Verdict == Verdict.Fail ? "1" : "0", c.Verdict == Verdict.Inconclusive ? "1" : "0", VerdictMarkup(c.Verdict));
            Console.Write(t);
        }
        foreach (var th in s.Thresholds)
            Console.MarkupLine(Markup.Escape($"threshold d = {th.D}: estimated n* = {ReportWriter.F(th.Estimate)}" +
                (double.IsNaN(th.Lower) ? "" : $" [{ReportWriter.F(th.Lower)}, {ReportWriter.F(th.Upper)}]") + $" (assumed {ReportWriter.F(th.Assumed)}; {th.Note})"));
        if (s.ThresholdExponent is { } x)
            Console.MarkupLine(Markup.Escape($"n*(d) ~ C d^p: p = {ReportWriter.F(x.Exponent)} over {x.Dimensions} dimensions"));
        if (verbose is not null) NotPassedTable(verbose);
        foreach (var kv in s.Files) Console.MarkupLine(Markup.Escape($"{kv.Key}: {kv.Value}"));
    }

    private void NotPassedTable(IReadOnlyList<RunRecord> records)
    {
        var rows = ReportOrder.Triage(records.Where(r => r.Status == "ok"))
            .SelectMany(r => r.Checks.Where(c => c.Verdict != Verdict.Pass).Select(c => (r, c)))
            .OrderBy(x => ReportOrder.Rank(x.c.Verdict)).ThenBy(x => ReportOrder.ClaimPosition(x.c.Name)).ToList();
        if (rows.Count == 0) return;
        var t = new Table().AddColumns("verdict", "check", "run", "n", "seed", "why");
        foreach (var (r, c) in rows)
            t.AddRow(VerdictMarkup(c.Verdict), Markup.Escape(c.Name), Markup.Escape($"{r.Index} ({r.Hash[..Math.Min(12, r.Hash.Length)]})"),
                ReportWriter.F(r.SpecDouble("n")), r.SpecInt("seed").ToString(System.Globalization.CultureInfo.InvariantCulture), Markup.Escape(c.Reason ?? ""));
        Console.Write(t);
    }

    /// <summary>check: the regime chosen and why, the claims that did not apply, and which --expect the endpoint resembles.</summary>
    public void RegimeNotes(RegimeExplanation why)
    {
        Console.MarkupLine(Markup.Escape($"Regime {why.Regime}: {why.Why}."));
        if (why.NotApplied.Count > 0)
        {
            Console.MarkupLine(Markup.Escape($"Not checked ({why.NotApplied.Count}):"));
            foreach (var c in why.NotApplied) Console.MarkupLine(Markup.Escape($"  {c.Name}: {c.Why}"));
        }
        if (why.Suggestion is { } s) Console.MarkupLine(Markup.Escape($"Suggestion: {s}."));
    }

    /// <summary>Says that --strict turned inconclusive checks into a failure (or that it would have, without it).</summary>
    public void StrictNote(bool strict, int inconclusive)
    {
        if (inconclusive == 0) return;
        Console.MarkupLine(Markup.Escape(strict
            ? $"--strict: {inconclusive} inconclusive check(s) count as failures (exit 1)."
            : $"{inconclusive} check(s) inconclusive (allowed; --strict would make them fail)."));
    }

    /// <summary>--quiet after one run: the verdict and where the report is.</summary>
    public void QuietLine(string command, RunRecord r, IReadOnlyDictionary<string, string> files, bool strict)
    {
        int p = r.Checks.Count(c => c.Verdict == Verdict.Pass), f = r.Checks.Count(c => c.Verdict == Verdict.Fail), i = r.Checks.Count(c => c.Verdict == Verdict.Inconclusive);
        var verdict = r.Status != "ok" ? "error" : Verdicts.Word(r.Verdict);
        output.WriteLine($"simbias {command}: {verdict} ({p} passed, {f} failed, {i} inconclusive{(strict && i > 0 ? ", failing under --strict" : "")}); " +
            (files.TryGetValue("markdown", out var md) ? $"report {md}" : ""));
    }

    /// <summary>--quiet after a sweep: the verdict, the tally and where the report is.</summary>
    public void QuietLine(string command, ReportSummary s, IReadOnlyList<RunRecord> records, bool strict)
    {
        int p = s.Claims.Sum(c => c.Pass), f = s.Claims.Sum(c => c.Fail), i = s.Claims.Sum(c => c.Inconclusive) + s.SweepChecks.Count(c => c.Verdict == Verdict.Inconclusive);
        output.WriteLine($"simbias {command}: {Verdicts.Word(s.Verdict)} ({records.Count} run(s), {s.Errors} error(s); {p} passed, {f} failed, {i} inconclusive" +
            $"{(strict && i > 0 ? ", failing under --strict" : "")}); " + (s.Files.TryGetValue("markdown", out var md) ? $"report {md}" : $"results {s.Files.GetValueOrDefault("results")}"));
    }
}
