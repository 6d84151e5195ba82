using System.Globalization;
using Spectre.Console;
using SimplicityBias.Verify.Checks;
using SimplicityBias.Theory.Experiments;
using SimplicityBias.Verify.Running;
using SimplicityBias.Verify.Specs;
using SimplicityBias.Verify.Sweeps;

namespace SimplicityBias.Verify.Cli;

/// <summary>
/// Progress on stderr: one row for the sweep (runs finished of the total) and one row per run in flight, removed
/// when the run ends. A run's bar is flow time on a log scale, and says so: it is not a share of the work (the late
/// decades of t can take most of the wall time, or none when the run becomes stationary early), so no ETA is shown;
/// the elapsed time is. After the training a run shows "analysing endpoint" until its checks are done.
/// With <c>verbose</c>, each finished run also leaves one line (verdict, wall time, checks that did not pass).
/// </summary>
internal sealed class SpectreProgress : ISweepProgress
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;
    private readonly ProgressContext ctx;
    private readonly IAnsiConsole console;
    private readonly bool verbose;
    private readonly object gate = new();
    private ProgressTask? overall;
    private ProgressTask?[] workers = [];
    private string[] labels = [];
    private long[] lastUpdate = [];
    private int total, done, resumed;

    private SpectreProgress(ProgressContext ctx, IAnsiConsole console, bool verbose)
    {
        this.ctx = ctx;
        this.console = console;
        this.verbose = verbose;
    }

    /// <summary>Runs <paramref name="body"/> with a live progress display on <paramref name="error"/> (or without one).</summary>
    public static T Run<T>(TextWriter error, bool enabled, Func<ISweepProgress?, T> body, bool verbose = false)
    {
        if (!enabled) return body(null);
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(error) });
        return console.Progress()
            .AutoClear(false)
            .HideCompleted(true)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn { Width = 16 }, new ElapsedTimeColumn(), new SpinnerColumn())
            .Start(ctx => body(new SpectreProgress(ctx, console, verbose)));
    }

    public void Start(int toRun, int alreadyDone, int workerCount)
    {
        lock (gate)
        {
            total = toRun;
            resumed = alreadyDone;
            overall = ctx.AddTask(OverallText(), maxValue: Math.Max(toRun, 1));
            if (toRun == 0) overall.Value = 1;
            workers = new ProgressTask?[workerCount];
            labels = new string[workerCount];
            lastUpdate = new long[workerCount];
        }
    }

    public void RunStarted(int worker, int index, ExperimentSpec spec)
    {
        lock (gate)
        {
            if (worker >= workers.Length) return;
            labels[worker] = Markup.Escape($"run {index}: n = {spec.N}, d = {spec.D}, seed = {spec.Seed}, {ExperimentChoices.Solvers.Name(spec.Solver)}");
            workers[worker] = ctx.AddTask(labels[worker] + Markup.Escape(string.Create(Inv, $" | t = 0 of {spec.Horizon:G3} (bar: log t)")), maxValue: 1000);
        }
    }

    public void RunProgress(int worker, RunProgress p)
    {
        long now = Environment.TickCount64;
        lock (gate)
        {
            if (worker >= workers.Length || workers[worker] is not { } task) return;
            // The analysis is shown at once; flow updates are throttled (the integrator may report many points per second).
            if (!p.Analysing && now - lastUpdate[worker] < 100) return;
            lastUpdate[worker] = now;
            task.Value = 1000 * p.Fraction;
            task.Description = labels[worker] + (p.Analysing
                ? Markup.Escape(string.Create(Inv, $" | trained to t = {p.Time:G3}, loss = {p.Loss:G4}; ")) + "[yellow]analysing endpoint[/]"
                : Markup.Escape(string.Create(Inv, $" | t = {p.Time:G3} of {p.Horizon:G3} (bar: log t), loss = {p.Loss:G4}")));
        }
    }

    public void RunFinished(int worker, int index, RunRecord? record)
    {
        lock (gate)
        {
            if (record is not null) done++;
            if (worker < workers.Length && workers[worker] is { } task)
            {
                task.Value = task.MaxValue;
                task.StopTask();
                workers[worker] = null;
            }
            if (overall is not null)
            {
                overall.Value = Math.Min(total, done);
                overall.Description = OverallText();
            }
            if (verbose && record is not null) console.MarkupLine(FinishedLine(index, record));
        }
    }

    public void Note(string message)
    {
        lock (gate) console.MarkupLine("[grey]" + Markup.Escape(message) + "[/]");
    }

    /// <summary>One line per finished run (verbose): verdict, wall time and the checks that did not pass.</summary>
    internal static string FinishedLine(int index, RunRecord r)
    {
        var head = Markup.Escape($"run {index} ({r.Hash[..Math.Min(12, r.Hash.Length)]}, n = {r.SpecDouble("n").ToString(Inv)}, seed = {r.SpecInt("seed")}): ");
        if (r.Status != "ok") return head + "[red]error[/] " + Markup.Escape(r.Error ?? "");
        var notPassed = Reports.ReportOrder.Triage(r.Checks).Where(c => c.Verdict != Verdict.Pass).Select(c => $"{c.Name} {Verdicts.Word(c.Verdict)}").ToList();
        return head + CliOutput.VerdictMarkup(r.Verdict) + Markup.Escape(string.Create(Inv, $", {r.Code} at t = {r.Time:G3}, {r.WallSeconds:F1} s") +
            (notPassed.Count > 0 ? "; " + string.Join(", ", notPassed) : ""));
    }

    private string OverallText() => $"[bold]runs: {done}/{total} finished, {total - done} remaining[/]" + (resumed > 0 ? $" [grey]({resumed} resumed)[/]" : "") +
        " [grey](no ETA: run times vary by decades)[/]";
}
