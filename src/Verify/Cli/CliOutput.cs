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
        foreach (var c in r.Checks)
            t.AddRow(Markup.Escape(c.Name), ReportWriter.F(c.Measured), ReportWriter.F(c.Predicted), ReportWriter.F(c.Tolerance),
                Markup.Escape(c.Rule), VerdictMarkup(c.Verdict), c.Verdict == Verdict.Pass ? "" : Markup.Escape(c.Reason ?? ""));
        Console.Write(t);
    }

    public void SummaryTable(ReportSummary s)
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
        foreach (var kv in s.Files) Console.MarkupLine(Markup.Escape($"{kv.Key}: {kv.Value}"));
    }
}
