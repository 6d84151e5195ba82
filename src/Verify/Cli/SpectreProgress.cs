using System.Globalization;
using Spectre.Console;
using SimplicityBias.Theory.Experiments;
using SimplicityBias.Verify.Running;
using SimplicityBias.Verify.Specs;
using SimplicityBias.Verify.Sweeps;

namespace SimplicityBias.Verify.Cli;

/// <summary>
/// Progress bars on stderr: one for the whole sweep (runs done and remaining, ETA from the
/// fractional progress of the runs in flight) and one per worker (current run, t and loss).
/// </summary>
internal sealed class SpectreProgress : ISweepProgress
{
    private readonly ProgressContext ctx;
    private readonly object gate = new();
    private ProgressTask? overall;
    private ProgressTask[] workers = [];
    private double[] fractions = [];
    private long[] lastUpdate = [];
    private int total, done, resumed;

    private SpectreProgress(ProgressContext ctx) => this.ctx = ctx;

    /// <summary>Runs <paramref name="body"/> with a live progress display on <paramref name="error"/> (or without one).</summary>
    public static T Run<T>(TextWriter error, bool enabled, Func<ISweepProgress?, T> body)
    {
        if (!enabled) return body(null);
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(error) });
        return console.Progress()
            .AutoClear(false)
            .HideCompleted(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(),
                     new ElapsedTimeColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .Start(ctx => body(new SpectreProgress(ctx)));
    }

    public void Start(int toRun, int alreadyDone, int workerCount)
    {
        lock (gate)
        {
            total = toRun;
            resumed = alreadyDone;
            overall = ctx.AddTask(OverallText(), maxValue: Math.Max(toRun, 1));
            if (toRun == 0) overall.Value = 1;
            workers = new ProgressTask[workerCount];
            fractions = new double[workerCount];
            lastUpdate = new long[workerCount];
            for (int w = 0; w < workerCount; w++) workers[w] = ctx.AddTask($"[grey]worker {w + 1}: idle[/]", maxValue: 1000);
        }
    }

    public void RunStarted(int worker, int index, ExperimentSpec spec)
    {
        lock (gate)
        {
            if (worker >= workers.Length) return;
            fractions[worker] = 0;
            workers[worker].Value = 0;
            workers[worker].Description = Markup.Escape($"run {index}: n = {spec.N}, d = {spec.D}, seed = {spec.Seed}, {ExperimentChoices.Solvers.Name(spec.Solver)}");
        }
    }

    public void RunProgress(int worker, RunProgress p)
    {
        // Throttled: the integrator may report many points per second.
        long now = Environment.TickCount64;
        lock (gate)
        {
            if (worker >= workers.Length || now - lastUpdate[worker] < 100) return;
            lastUpdate[worker] = now;
            fractions[worker] = p.Fraction;
            workers[worker].Value = 1000 * p.Fraction;
            var d = workers[worker].Description;
            int cut = d.IndexOf(" | ", StringComparison.Ordinal);
            if (cut >= 0) d = d[..cut];
            workers[worker].Description = d + Markup.Escape(string.Create(CultureInfo.InvariantCulture, $" | t = {p.Time:G3}, loss = {p.Loss:G4}"));
            UpdateOverall();
        }
    }

    public void RunFinished(int worker, int index, RunRecord? record)
    {
        lock (gate)
        {
            if (record is not null) done++;
            if (worker < workers.Length)
            {
                fractions[worker] = 0;
                workers[worker].Value = 0;
                workers[worker].Description = record is null ? $"[grey]worker {worker + 1}: stopped[/]"
                    : record.Status == "ok" ? $"[grey]worker {worker + 1}: idle (run {index} done)[/]"
                    : $"[red]worker {worker + 1}: run {index} failed[/]";
            }
            UpdateOverall();
        }
    }

    private void UpdateOverall()
    {
        if (overall is null) return;
        overall.Value = Math.Min(total, done + fractions.Sum());
        overall.Description = OverallText();
    }

    private string OverallText() => $"[bold]runs: {done}/{total} done, {total - done} remaining[/]" + (resumed > 0 ? $" [grey]({resumed} resumed)[/]" : "");
}
