using System.CommandLine;
using System.Diagnostics;
using Spectre.Console;
using SimplicityBias.Verify.Reports;
using SimplicityBias.Verify.Results;
using SimplicityBias.Verify.Running;
using SimplicityBias.Verify.Specs;
using SimplicityBias.Verify.Sweeps;

namespace SimplicityBias.Verify.Cli;

/// <summary>`simbias reproduce`, `sweep`, `schema`, `merge` and `report`: many runs, their results directory and its report.</summary>
public sealed partial class CliApp
{
    // ---------------------------------------------------------------- reproduce

    private Command ReproduceCommand(string[] args)
    {
        var scale = new Option<string>("--scale")
        {
            Description = "quick (minutes, d = 2: both regimes), full (the d = 5 threshold figure and a d = 10 spot check), " +
                "dimensions (n*(d) for d = 2..10, refined adaptively; hours), dimensions-small (d = 2..5 to t = 1e4) or " +
                "dimensions-settings (d = 2..6 to t = 1e4, one factor at a time: lambda in {1e-2, 1e-3, 1e-5, 1e-7} at m = 100, and m = 400 at lambda = 1e-3)",
            DefaultValueFactory = _ => "quick",
        };
        scale.AcceptOnlyFromAmong("quick", "full", "dimensions", "dimensions-small", "dimensions-settings");
        var output = new Option<string?>("--out") { Description = $"Output directory (default: {OutputRoot}/reproduce-<scale>; the committed reports are rewritten only when named, e.g. --out reports/reproduce-quick)" };
        var grid = new Option<FileInfo?>("--grid") { Description = "A sweep file to use instead of the built-in grid of the scale" };
        var resume = new Option<bool>("--resume") { Description = "Keep the finished runs found in the output directory, and continue the runs in flight from their checkpoints (default: start afresh)" };
        var checkpoints = new Option<int?>("--checkpoints")
        {
            Description = "Restart every flow run N times per decade of t and keep its state there, so that --resume continues a stopped " +
                "run from its last checkpoint (8 suits long runs). Sets checkpointsPerDecade on every run: part of each run's key. Not for the adaptive scales " +
                "(put checkpointsPerDecade in the base of a --grid file there)",
        };
        var force = ForceOption();
        var mixed = AllowMixedCodeOption();
        var threads = ThreadsOption();
        var outputs = new OutputOptions();
        var cmd = new Command("reproduce", "The main job: the verification in the default setting (this toolkit's choice: d = 5, m = 100, lambda = 1e-3, sigma = 1), writing results, figures and reports (Markdown and self-contained HTML).")
        { scale, output, grid, resume, checkpoints, force, mixed, threads };
        foreach (var o in outputs.All) cmd.Options.Add(o);
        cmd.SetAction(pr => Guard("reproduce", pr.GetValue(outputs.Json), () =>
        {
            var mode = outputs.Read(pr);
            var sc = pr.GetValue(scale)!;
            var perDecade = pr.GetValue(checkpoints);
            if (perDecade is < 1 or > 1000) throw new BadInputException($"--checkpoints: expected an integer in [1, 1000], got {perDecade}");
            if (perDecade is not null && IsAdaptiveScale(sc))
                throw new BadInputException($"--checkpoints: not for --scale {sc}, whose passes rewrite the sweep; put \"checkpointsPerDecade\": {perDecade} in the base of a --grid file instead");
            var overrides = perDecade is { } k ? SpecOverrides.Parse([$"checkpointsPerDecade={k}"]) : SpecOverrides.None;
            var sweep = pr.GetValue(grid) is { } g ? SweepReader.Load(g.FullName, overrides) : SweepReader.Parse(BuiltInGridText(sc), "reproduce-" + sc, overrides);
            var dir = pr.GetValue(output) ?? Path.Combine(OutputRoot, "reproduce-" + sc);
            bool resuming = pr.GetValue(resume), forcing = pr.GetValue(force);
            if (resuming && forcing) throw new BadInputException("--resume and --force exclude each other");
            if (IsAdaptiveScale(sc))
                return RunAdaptive(pr.GetValue(grid) is { } gf ? SpecReader.ReadFile(gf.FullName) : BuiltInGridText(sc), sweep.Name, dir, resuming, forcing,
                    pr.GetValue(mixed), pr.GetValue(threads), mode, $"Reproduction of Boursier & Flammarion: {sc} scale", "simbias " + string.Join(' ', args));
            if (resuming) ResumeGuard.Check(sweep, dir, Shard.All, pr.GetValue(mixed));
            return RunSweep("reproduce", sweep, dir, Shard.All, resuming, forcing, refuseOwn: false, pr.GetValue(threads), mode,
                $"Reproduction of Boursier & Flammarion: {sc} scale", "simbias " + string.Join(' ', args));
        }));
        return cmd;
    }

    /// <summary>The built-in grid of a reproduce scale (embedded JSON, same format as sweep files).</summary>
    public static SweepSpec BuiltInGrid(string scale) => SweepReader.Parse(BuiltInGridText(scale), "reproduce-" + scale);

    /// <summary>The JSON text of a reproduce scale's built-in grid.</summary>
    public static string BuiltInGridText(string scale)
    {
        using var s = typeof(CliApp).Assembly.GetManifestResourceStream($"Grids.reproduce-{scale}.json")
            ?? throw new BadInputException($"--scale: no built-in grid '{scale}'");
        using var r = new StreamReader(s);
        return r.ReadToEnd();
    }

    // ---------------------------------------------------------------- sweep

    private Command SweepCommand(string[] args)
    {
        var spec = new Argument<FileInfo>("spec") { Description = "Sweep file (JSON): base, grid and/or runs; see src/Verify/SLURM.md" };
        var output = new Option<string?>("--out") { Description = $"Results directory (default: {OutputRoot}/sweeps/<sweep name>)" };
        var shard = new Option<string?>("--shard") { Description = "Run only slice i of N (0 <= i < N): runs whose index is i mod N; writes runs.shard-i-of-N.jsonl" };
        var resume = new Option<bool>("--resume") { Description = "Continue: skip the runs already finished in the results directory" };
        var force = ForceOption();
        var mixed = AllowMixedCodeOption();
        var threads = ThreadsOption();
        var outputs = new OutputOptions();
        var set = SetOption("the field of the sweep's base (grid axes and runs rows still apply after it)");
        var cmd = new Command("sweep", "Many runs in parallel, each recorded as it finishes (resumable); writes the results table and report.")
        { spec, output, set, shard, resume, force, mixed, threads };
        foreach (var o in outputs.All) cmd.Options.Add(o);
        cmd.SetAction(pr => Guard("sweep", pr.GetValue(outputs.Json), () =>
        {
            var mode = outputs.Read(pr);
            var overrides = SpecOverrides.Parse(pr.GetValue(set) ?? []);
            var sweep = SweepReader.Load(pr.GetValue(spec)!.FullName, overrides);
            Shard sh;
            try { sh = pr.GetValue(shard) is { } text ? Shard.Parse(text) : Shard.All; }
            catch (FormatException e) { throw new BadInputException(e.Message); }
            var dir = pr.GetValue(output) ?? Path.Combine(OutputRoot, "sweeps", SafeName(sweep.Name));
            bool resuming = pr.GetValue(resume), forcing = pr.GetValue(force);
            if (resuming && forcing) throw new BadInputException("--resume and --force exclude each other");
            if (resuming) ResumeGuard.Check(sweep, dir, sh, pr.GetValue(mixed));
            return RunSweep("sweep", sweep, dir, sh, resuming, forcing, refuseOwn: true, pr.GetValue(threads), mode,
                $"Verification report: sweep {sweep.Name}", "simbias " + string.Join(' ', args));
        }));
        return cmd;
    }

    private static Option<string[]> SetOption(string what) => new("--set")
    {
        Description = $"key=value (repeatable): overrides {what}, validated as in a spec file; the value is JSON " +
            "(n=200, beta=[1,0], threshold=null) or else a string (dataModel=sphere); tolerances.ols=0.1 sets one tolerance",
        Arity = ArgumentArity.OneOrMore,
        AllowMultipleArgumentsPerToken = false,
    };

    // ---------------------------------------------------------------- schema

    private Command SchemaCommand()
    {
        var output = new Option<string?>("--out") { Description = "Write the schema to this file (default: print it)" };
        var cmd = new Command("schema", $"The JSON Schema of spec and sweep files, generated from the field table (committed as {SpecSchema.RepositoryPath}); name it in a file's \"$schema\" for completion in an editor.")
        { output };
        cmd.SetAction(pr => Guard("schema", false, () =>
        {
            var text = SpecSchema.Generate();
            if (pr.GetValue(output) is not { } file) { io.Out.Write(text); return ExitCodes.Ok; }
            var full = Path.GetFullPath(file);
            if (Directory.Exists(full)) throw new BadInputException($"--out: '{file}' is a directory; give a file name");
            var dir = Path.GetDirectoryName(full)!;
            if (!Directory.Exists(dir)) throw new BadInputException($"--out: no directory '{dir}'");
            // Written beside and moved into place, so a reader never sees half a schema.
            var tmp = full + ".tmp-" + Environment.ProcessId;
            File.WriteAllText(tmp, text);
            File.Move(tmp, full, overwrite: true);
            io.Err.WriteLine($"simbias schema: wrote {full}");
            return ExitCodes.Ok;
        }));
        return cmd;
    }

    private static Option<bool> AllowMixedCodeOption() => new("--allow-mixed-code")
    { Description = "With --resume: keep finished runs made by another code version or kernel path (refused otherwise)" };

    private int RunSweep(string command, SweepSpec sweep, string dir, Shard shard, bool resume, bool force, bool refuseOwn, int threads, OutputMode mode, string title, string commandText, bool print = true, double earlierSeconds = 0)
    {
        bool json = mode.Json;
        OutputDirectory.Prepare(dir, "--out", shard.IsAll ? [ResultStore.MainFile, .. OutputDirectory.ReportFiles] : [ResultStore.FileName(shard)],
            shard.IsAll ? OutputDirectory.ReportDirectories : []);
        var hashes = sweep.Runs.Where((_, i) => shard.Contains(i)).Select(CanonicalSpec.Hash).ToHashSet(StringComparer.Ordinal);
        var store = new ResultStore(dir, shard);
        using var writer = Lock(store, "--out");
        var setAside = ResultsRule.Prepare(dir, shard, hashes, sweep.Name, resume, force, refuseOwn, "--out");
        var sw = Stopwatch.StartNew();
        // Runs in flight keep checkpoints (specs with checkpointsPerDecade); --resume continues them, a fresh sweep replaces them.
        var checkpoints = new CheckpointFiles(dir, resume);
        var outcome = SpectreProgress.Run(io.Err, mode.Progress && progressEnabled, p =>
        {
            checkpoints.Note = NoteSink(p);
            return new SweepRunner(runner).Run(sweep, store, shard, threads, p, cancel, checkpoints);
        }, mode.Verbosity == Verbosity.Verbose);
        if (!outcome.Cancelled) ResultStore.DropSetAside(setAside);
        var records = ResultStore.Load(dir).Records.Where(r => hashes.Contains(r.Hash)).ToList();
        double slope = sweep.Runs.Count > 0 ? sweep.Runs[0].Tolerances.Slope : 0.2;
        double cosine = sweep.Runs.Count > 0 ? sweep.Runs[0].Tolerances.AlignmentCosine : 0.9;
        var manifest = new Manifest { Command = commandText, WallSeconds = earlierSeconds + sw.Elapsed.TotalSeconds };
        // A shard writes only its results file; the report comes after `simbias merge` (see SLURM.md).
        var summary = shard.IsAll
            ? ReportWriter.Write(records, dir, title, manifest, slope, cosine)
            : ReportWriter.Summarize(records, title + $" (shard {shard})", slope);
        summary.Files["results"] = shard.IsAll ? Path.Combine(Path.GetFullPath(dir), ResultStore.MainFile) : store.FilePath;
        // A shard answers for its own runs: sweep-level fits on its slice alone would fail where the merged sweep
        // passes, and break a Slurm afterok chain.
        int checksExit = shard.IsAll ? summary.ExitCode : ShardExit(records);
        int inconclusive = shard.IsAll
            ? summary.Claims.Sum(c => c.Inconclusive) + summary.SweepChecks.Count(c => c.Verdict == Checks.Verdict.Inconclusive)
            : records.Where(r => r.Status == "ok").Sum(r => r.Checks.Count(c => c.Verdict == Checks.Verdict.Inconclusive));
        int exit = outcome.Cancelled ? ExitCodes.Interrupted : mode.Exit(checksExit, inconclusive);
        if (!print) return exit;
        if (json) io.WriteJson(new { command, exitCode = exit, strict = mode.Strict, interrupted = outcome.Cancelled, shard = shard.ToString(), outcome, summary });
        else if (mode.Verbosity == Verbosity.Quiet)
        {
            if (outcome.Cancelled) io.Err.WriteLine($"simbias {command}: interrupted; {outcome.Completed} run(s) finished and kept; rerun with --resume to continue.");
            io.QuietLine(command, summary, records, mode.Strict);
        }
        else
        {
            if (outcome.Cancelled) io.Console.MarkupLine(Markup.Escape($"Interrupted: {outcome.Completed} run(s) finished and kept; rerun with --resume to continue." +
                (setAside.Count > 0 ? $" The results this run was replacing are kept as {string.Join(", ", setAside)}." : "")));
            io.Console.MarkupLine(Markup.Escape($"{outcome.InShard} run(s) in {(shard.IsAll ? "the sweep" : "shard " + shard)}: {outcome.Skipped} already done, {outcome.Completed} finished now ({outcome.Errors} with errors)."));
            io.SummaryTable(summary, mode.Verbosity == Verbosity.Verbose ? records : null);
            io.StrictNote(mode.Strict, inconclusive);
        }
        return exit;
    }

    internal static int ShardExit(IReadOnlyList<RunRecord> records)
        => records.Any(r => r.Status != "ok" || r.Verdict == Checks.Verdict.Fail) ? ExitCodes.CheckFailed : ExitCodes.Ok;

    /// <summary>A sweep name as a directory name: no separators or dot-dot, so a default --out stays under sweeps/.</summary>
    internal static string SafeName(string name)
    {
        var chars = name.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_').ToArray();
        var safe = new string(chars).TrimStart('.');
        return safe.Length == 0 ? "sweep" : safe;
    }

    private int Interrupted(string command, bool json, string dir, IReadOnlyList<string> setAside)
    {
        if (json) io.WriteJson(new { command, exitCode = ExitCodes.Interrupted, interrupted = true, keptAside = setAside });
        else io.Err.WriteLine($"simbias {command}: interrupted; no new record was written to {dir}" +
            (setAside.Count > 0 ? $"; the results it was replacing are kept as {string.Join(", ", setAside)}." : "."));
        return ExitCodes.Interrupted;
    }

    // ---------------------------------------------------------------- merge and report

    private Command MergeCommand()
    {
        var dirs = new Argument<string[]>("dirs") { Description = "Results directories (shard outputs); the files runs*.jsonl of each are joined", Arity = ArgumentArity.OneOrMore };
        var output = new Option<string?>("--out") { Description = "Directory of the merged runs.jsonl and results tables (default: the first directory)" };
        var json = JsonOption();
        var cmd = new Command("merge", "Joins the results of sweep shards (one record per spec hash) into runs.jsonl and the results tables (results.csv, runs/trajectories/parameters as .parquet and .csv).") { dirs, output, json };
        cmd.SetAction(pr => Guard("merge", pr.GetValue(json), () =>
        {
            var ds = pr.GetValue(dirs)!;
            foreach (var d in ds) if (!Directory.Exists(d)) throw new BadInputException($"dirs: no directory '{d}'");
            var outDir = pr.GetValue(output) ?? ds[0];
            string outOption = pr.GetValue(output) is null ? "dirs" : "--out";
            int bad = ResultStore.Load(ds).BadLines;
            if (ResultStore.Load([.. ds, outDir]).Records.Count == 0) throw new BadInputException($"dirs: no results (runs*.jsonl) in {string.Join(", ", ds)}");
            OutputDirectory.Prepare(outDir, outOption, [ResultStore.MainFile, .. ResultsFiles.Names], []);
            var store = new ResultStore(outDir, Shard.All);
            using var writer = Lock(store, outOption);
            // Merging rewrites the output's runs.jsonl: refuse rather than drop lines of it that do not parse.
            int lost = ResultStore.BadLines(store.FilePath);
            if (lost > 0)
                throw new BadInputException($"{outOption}: {store.FilePath} has {lost} unreadable line(s) that merging would drop; move the file or merge with --out into another directory");
            var records = ResultStore.Merge(ds, outDir);
            var tables = ResultsFiles.Write(records, outDir);
            var csv = tables["csv"];
            var main = Path.Combine(Path.GetFullPath(outDir), ResultStore.MainFile);
            if (pr.GetValue(json)) io.WriteJson(new { command = "merge", exitCode = 0, runs = records.Count, errors = records.Count(r => r.Status != "ok"), skippedLines = bad, results = main, csv, files = tables });
            else io.Console.MarkupLine(Markup.Escape($"merged {records.Count} run(s) ({records.Count(r => r.Status != "ok")} with errors, {bad} unreadable line(s) skipped) into {main}, {csv} and the Parquet tables beside it"));
            return ExitCodes.Ok;
        }));
        return cmd;
    }

    private Command ReportCommand()
    {
        var dir = new Argument<string>("results-dir") { Description = "A results directory (runs*.jsonl)" };
        var title = new Option<string?>("--title") { Description = "Report title" };
        var json = JsonOption();
        var cmd = new Command("report", "Writes the results tables (results.csv, *.parquet; docs/RESULTS-COLUMNS.md), figures, report.md and report.html from a results directory; prints the verdicts.") { dir, title, json };
        cmd.SetAction(pr => Guard("report", pr.GetValue(json), () =>
        {
            var d = pr.GetValue(dir)!;
            if (!Directory.Exists(d)) throw new BadInputException($"results-dir: no directory '{d}'");
            var records = ResultStore.Load(d).Records;
            if (records.Count == 0) throw new BadInputException($"results-dir: no results (runs*.jsonl) in '{d}'");
            OutputDirectory.Prepare(d, "results-dir", OutputDirectory.ReportFiles, OutputDirectory.ReportDirectories);
            var t = pr.GetValue(title) ?? $"Verification report: {records[0].Sweep}";
            var summary = ReportWriter.Write(records, d, t, Manifest.ForRerender(d, $"simbias report {d}"));
            if (pr.GetValue(json)) io.WriteJson(new { command = "report", exitCode = summary.ExitCode, summary });
            else io.SummaryTable(summary);
            return summary.ExitCode;
        }));
        return cmd;
    }
}
