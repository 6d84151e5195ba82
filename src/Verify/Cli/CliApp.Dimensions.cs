using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using SimplicityBias.Verify.Results;
using SimplicityBias.Verify.Specs;
using SimplicityBias.Verify.Sweeps;

namespace SimplicityBias.Verify.Cli;

/// <summary>The dimension study's adaptive passes: `reproduce --scale dimensions[-small]` and `refine`.</summary>
public sealed partial class CliApp
{
    /// <summary>Passes after the first that the adaptive scales may run (each adds at most one n per curve).</summary>
    public const int MaxRefinementPasses = 6;
    /// <summary>The width the adaptive scales narrow each bracket to, as a factor.</summary>
    public const double TargetRatio = 1.3;
    /// <summary>The file, in the results directory, holding the sweep of the last pass (the first pass plus the rows refinement added).</summary>
    public const string RefinedSweepFile = "sweep-refined.json";

    private static bool IsAdaptiveScale(string scale) => scale.StartsWith("dimensions", StringComparison.Ordinal);

    // Runs the first pass, then as long as a curve's bracket is wider than the target (and the budget of passes
    // lasts) the pass the refinement asks for; every pass resumes the one before, in the same directory.
    private int RunAdaptive(string sweepJson, string name, string dir, bool resume, bool force, bool mixed, int threads, OutputMode mode, string title, string commandText)
    {
        bool json = mode.Json, progress = mode.Progress;
        if (resume && force) throw new BadInputException("--resume and --force exclude each other");
        var sweep = SweepReader.Parse(sweepJson, name);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        for (int pass = 0; pass <= MaxRefinementPasses; pass++)
        {
            bool resuming = resume || pass > 0;
            if (resuming) ResumeGuard.Check(sweep, dir, Shard.All, mixed);
            if (!json && progress) io.Err.WriteLine($"simbias reproduce: pass {pass + 1} ({sweep.Runs.Count} runs)");
            int exit = RunSweep("reproduce", sweep, dir, Shard.All, resuming, force && pass == 0, refuseOwn: false, threads, mode, title, commandText, print: false);
            if (exit == ExitCodes.Interrupted)
            {
                if (json) io.WriteJson(new { command = "reproduce", exitCode = exit, interrupted = true, pass = pass + 1 });
                else io.Err.WriteLine($"simbias reproduce: interrupted in pass {pass + 1}; the finished runs are kept in {dir}: rerun with --resume to continue.");
                return exit;
            }
            var plan = ThresholdRefiner.Plan(sweepJson, name, Sweeps.ResultStore.Load(dir).Records, TargetRatio);
            if (plan.Added == 0 || pass == MaxRefinementPasses) break;
            sweepJson = plan.SweepJson;
            sweep = SweepReader.Parse(sweepJson, name);
            AtomicFile.WriteAllText(Path.Combine(dir, RefinedSweepFile), sweepJson);
        }
        // Everything is stored by now: this last call runs nothing, writes the report and prints the summary once.
        return RunSweep("reproduce", sweep, dir, Shard.All, true, false, false, threads, mode with { Progress = false }, title, commandText, earlierSeconds: clock.Elapsed.TotalSeconds);
    }

    private Command RefineCommand()
    {
        var spec = new Argument<FileInfo>("sweep") { Description = "The sweep file of the pass just finished (a threshold sweep: seeds as a grid axis, sigma > 0)" };
        var results = new Argument<string>("results") { Description = "Its results directory (after `simbias merge` when it ran as shards)" };
        var output = new Option<string>("--out") { Description = "Where to write the next pass's sweep file (written only when a run is added)", Required = true };
        var ratio = new Option<double>("--ratio") { Description = "Target width of each bracket around the crossing of sigma^2/4, as a factor", DefaultValueFactory = _ => TargetRatio };
        var maxN = new Option<int>("--max-n") { Description = "Largest n the refinement may ask for", DefaultValueFactory = _ => 1_000_000 };
        var json = JsonOption();
        var cmd = new Command("refine",
            "The next pass of a threshold sweep: for each curve (runs differing only in n and seed), the log-midpoint of the bracket around the first crossing " +
            "of sigma^2/4 by the median train loss, or a larger (smaller) n when the crossing lies beyond the grid, appended as rows to the sweep file. " +
            "Exit 0 with no file written when every bracket is narrow enough.")
        { spec, results, output, ratio, maxN, json };
        cmd.SetAction(pr => Guard("refine", pr.GetValue(json), () =>
        {
            var file = pr.GetValue(spec)!;
            var dir = pr.GetValue(results)!;
            if (!Directory.Exists(dir)) throw new BadInputException($"results: no directory '{dir}'");
            var outPath = Path.GetFullPath(pr.GetValue(output)!);
            if (Directory.Exists(outPath)) throw new BadInputException($"--out: '{pr.GetValue(output)}' is a directory; give a file name");
            if (!Directory.Exists(Path.GetDirectoryName(outPath))) throw new BadInputException($"--out: no directory '{Path.GetDirectoryName(outPath)}'");
            var (records, bad) = Sweeps.ResultStore.Load(dir);
            if (bad > 0) throw new BadInputException($"results: '{dir}' has {bad} unreadable line(s); repair or merge the results first");
            var plan = ThresholdRefiner.Plan(SpecReader.ReadFile(file.FullName), Path.GetFileNameWithoutExtension(file.FullName), records, pr.GetValue(ratio), pr.GetValue(maxN));
            if (plan.Added > 0) AtomicFile.WriteAllText(outPath, plan.SweepJson);
            if (pr.GetValue(json))
                io.WriteJson(new
                {
                    command = "refine", exitCode = ExitCodes.Ok, added = plan.Added, written = plan.Added > 0 ? outPath : null,
                    curves = plan.Curves.Select(c => new { family = c.Label, step = c.Step.Kind.ToString(), nextN = c.Step.NextN, below = c.Step.Bracket.Below, above = c.Step.Bracket.Above }),
                });
            else
            {
                foreach (var c in plan.Curves)
                    io.Console.MarkupLine(Markup.Escape($"{c.Label}: bracket [{Num(c.Step.Bracket.Below)}, {Num(c.Step.Bracket.Above)}], {c.Step.Kind}" + (c.Step.NextN > 0 ? $" -> n = {c.Step.NextN}" : "")));
                io.Console.MarkupLine(Markup.Escape(plan.Added > 0 ? $"{plan.Added} row(s) added: {outPath}" : "every bracket is narrow enough (or cannot narrow further): no next pass"));
            }
            return ExitCodes.Ok;
        }));
        return cmd;
    }

    private static string Num(double x) => double.IsNaN(x) ? "-" : x.ToString("G6", CultureInfo.InvariantCulture);
}
