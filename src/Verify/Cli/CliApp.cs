using System.CommandLine;
using System.Diagnostics;
using System.Security.Cryptography;
using Spectre.Console;
using SimplicityBias.Dynamics.Network;
using SimplicityBias.Theory.Experiments;
using SimplicityBias.Verify.Reports;
using SimplicityBias.Verify.Results;
using SimplicityBias.Verify.Running;
using SimplicityBias.Verify.Specs;
using SimplicityBias.Verify.Sweeps;

namespace SimplicityBias.Verify.Cli;

/// <summary>
/// The simbias command line: reproduce, run, sweep, merge, report, extremal, check. Output goes to the
/// given writers (so tests can capture it); progress goes to the error writer.
/// </summary>
public sealed partial class CliApp
{
    private readonly CliOutput io;
    private readonly ExperimentRunner runner;
    private readonly CancellationToken cancel;
    private readonly bool progressEnabled;

    /// <summary>
    /// Where run, check, sweep and reproduce write when no --out is given: a folder of the current directory that
    /// .gitignore lists, so trying the tool in a clone never touches tracked files (the committed reports are
    /// written only when --out names them).
    /// </summary>
    public const string OutputRoot = "simbias-out";

    /// <summary>Creates the application.</summary>
    /// <param name="output">Results (tables or the JSON document).</param>
    /// <param name="error">Errors and progress bars.</param>
    /// <param name="trainers">Trainers (a fake in tests); null = the real integrators.</param>
    /// <param name="cancel">Ctrl+C: stops cleanly, keeping finished runs.</param>
    /// <param name="progress">Whether to show progress bars (off in tests).</param>
    public CliApp(TextWriter output, TextWriter error, ITrainerFactory? trainers = null, CancellationToken cancel = default, bool progress = true)
    {
        io = new CliOutput(output, error);
        runner = new ExperimentRunner(trainers ?? DefaultTrainerFactory.Instance);
        this.cancel = cancel;
        progressEnabled = progress;
    }

    /// <summary>Parses and runs; returns the exit code (see <see cref="ExitCodes"/>).</summary>
    public int Run(string[] args)
    {
        var root = BuildRoot(args);
        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            bool json = args.Contains("--json");
            var cmd = parsed.CommandResult.Command;
            int code = io.BadInput(cmd is RootCommand ? "" : cmd.Name, json,
                parsed.Errors.Select(e => new SpecError("command line", "", e.Message)).ToList());
            if (!json) io.Err.WriteLine($"See: simbias {(cmd is RootCommand ? "" : cmd.Name + " ")}--help");
            return code;
        }
        // Ctrl+C is handled by the caller's token (the library's own handler would kill the process too early to save a report).
        return parsed.Invoke(new InvocationConfiguration { Output = io.Out, Error = io.Err, ProcessTerminationTimeout = null, EnableDefaultExceptionHandler = false });
    }

    private static Option<bool> JsonOption() => new("--json") { Description = "Print one JSON document instead of tables" };
    private static Option<bool> ForceOption() => new("--force")
    {
        Description = "Start over even if the output directory holds other results: they are set aside (NAME.old) and deleted once the new results are complete",
    };
    private static Option<int> ThreadsOption() => new("--threads")
    {
        Description = "Runs in parallel (default: the number of cores); results do not depend on it",
        DefaultValueFactory = _ => Environment.ProcessorCount,
        Validators = { r => AtLeastOne(r, "--threads") },
    };

    // A token that is not an integer already has the parser's error; reading its value would throw.
    private static void AtLeastOne(System.CommandLine.Parsing.OptionResult r, string name)
    {
        if (r.Tokens.Count == 0) return;
        var text = r.Tokens[^1].Value;
        if (int.TryParse(text, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out int v) && v < 1)
            r.AddError($"{name} must be >= 1, got {text}");
    }

    private RootCommand BuildRoot(string[] args)
    {
        var root = new RootCommand(
            "simbias: checks numerically the theorems of Boursier & Flammarion, \"Simplicity bias and optimization threshold in two-layer ReLU networks\".\n" +
            "Exit codes: 0 all checks passed (inconclusive allowed; with --strict, not), 1 a check failed or a run could not be done, 2 bad input, 130 interrupted (finished runs are kept).\n" +
            $"Results go to ./{OutputRoot}/ under the current directory unless --out says otherwise.");
        root.Subcommands.Add(ReproduceCommand(args));
        root.Subcommands.Add(RunCommand(args));
        root.Subcommands.Add(SweepCommand(args));
        root.Subcommands.Add(MergeCommand());
        root.Subcommands.Add(RefineCommand());
        root.Subcommands.Add(ReportCommand());
        root.Subcommands.Add(PlotCommand());
        root.Subcommands.Add(ExtremalCommand());
        root.Subcommands.Add(CheckCommand(args));
        root.Subcommands.Add(SchemaCommand());
        return root;
    }

    // ---------------------------------------------------------------- reproduce

    private Command ReproduceCommand(string[] args)
    {
        var scale = new Option<string>("--scale")
        {
            Description = "quick (minutes, d = 2: both regimes), full (the d = 5 threshold figure and a d = 10 spot check), " +
                "dimensions (n*(d) for d = 2..10, refined adaptively; hours), dimensions-small (d = 2..5 to t = 1e4) or " +
                "dimensions-settings (d = 2..6 for lambda in {1e-2, 1e-3, 1e-5, 1e-7} and m in {100, 400}, to t = 1e4)",
            DefaultValueFactory = _ => "quick",
        };
        scale.AcceptOnlyFromAmong("quick", "full", "dimensions", "dimensions-small", "dimensions-settings");
        var output = new Option<string?>("--out") { Description = $"Output directory (default: {OutputRoot}/reproduce-<scale>; the committed reports are rewritten only when named, e.g. --out reports/reproduce-quick)" };
        var grid = new Option<FileInfo?>("--grid") { Description = "A sweep file to use instead of the built-in grid of the scale" };
        var resume = new Option<bool>("--resume") { Description = "Keep the finished runs found in the output directory (default: start afresh)" };
        var force = ForceOption();
        var mixed = AllowMixedCodeOption();
        var threads = ThreadsOption();
        var outputs = new OutputOptions();
        var cmd = new Command("reproduce", "The main job: the verification in the default setting (this toolkit's choice: d = 5, m = 100, lambda = 1e-3, sigma = 1), writing results, figures and reports (Markdown and self-contained HTML).")
        { scale, output, grid, resume, force, mixed, threads };
        foreach (var o in outputs.All) cmd.Options.Add(o);
        cmd.SetAction(pr => Guard("reproduce", pr.GetValue(outputs.Json), () =>
        {
            var mode = outputs.Read(pr);
            var sc = pr.GetValue(scale)!;
            var sweep = pr.GetValue(grid) is { } g ? SweepReader.Load(g.FullName) : BuiltInGrid(sc);
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

    // ---------------------------------------------------------------- run

    private Command RunCommand(string[] args)
    {
        var spec = new Argument<FileInfo>("spec") { Description = "Experiment spec (JSON); omitted fields take the toolkit's defaults (src/Verify/SPEC.md)" };
        var output = new Option<string?>("--out") { Description = $"Output directory (default: {OutputRoot}/runs/<spec hash>)" };
        var force = ForceOption();
        var outputs = new OutputOptions();
        var set = SetOption("the spec's field");
        var init = InitOption("d must be the spec's; m is taken from the file");
        var cmd = new Command("run", "One experiment: data, initialization, gradient flow, endpoint summary, predictions, checks; writes a report.")
        { spec, output, set, init, force };
        foreach (var o in outputs.All) cmd.Options.Add(o);
        cmd.SetAction(pr => Guard("run", pr.GetValue(outputs.Json), () =>
        {
            var mode = outputs.Read(pr);
            var overrides = SpecOverrides.Parse(pr.GetValue(set) ?? []);
            var s = SpecReader.Load(pr.GetValue(spec)!.FullName, overrides);
            var start = LoadInit(pr.GetValue(init), s.D, "the spec has");
            if (start is not null) { s = s with { M = start.Parameters.M }; Revalidate(s); }
            var key = start is null ? CanonicalSpec.Hash(s) : InitKey(CanonicalSpec.ToUtf8(s), start);
            var dir = pr.GetValue(output) ?? Path.Combine(OutputRoot, "runs", key[..12]);
            return SingleRun("run", s, sp => RunInputs.FromSpec(sp) with { Init = start }, key, dir, pr.GetValue(force), mode, "simbias " + string.Join(' ', args));
        }));
        return cmd;
    }

    private int SingleRun(string command, ExperimentSpec spec, Func<ExperimentSpec, RunInputs> inputs, string key, string dir, bool force, OutputMode mode, string commandText,
        Func<RunRecord, Checks.RegimeExplanation>? explain = null)
    {
        bool json = mode.Json;
        OutputDirectory.Prepare(dir, "--out", [ResultStore.MainFile, .. OutputDirectory.ReportFiles], OutputDirectory.ReportDirectories);
        var store = new ResultStore(dir, Shard.All);
        using var writer = Lock(store, "--out");
        var setAside = ResultsRule.Prepare(dir, Shard.All, new HashSet<string>(StringComparer.Ordinal) { key }, null, resume: false, force, refuseOwn: false, "--out");
        var sw = Stopwatch.StartNew();
        var record = SpectreProgress.Run(io.Err, mode.Progress && progressEnabled, p =>
        {
            p?.Start(1, 0, 1);
            p?.RunStarted(0, 0, spec);
            RunRecord? r;
            try { r = runner.Run(spec, inputs(spec), 0, command, pr => p?.RunProgress(0, pr), cancel, key); }
            catch (ArgumentException e) { throw new BadInputException(e.Message); }
            p?.RunFinished(0, 0, r);
            return r;
        });
        if (record is null) return Interrupted(command, json, dir, setAside);
        store.Append(record);
        ResultStore.DropSetAside(setAside);
        var summary = ReportWriter.Write([record], dir, $"Verification report: {command} ({record.Data})",
            new Manifest { Command = commandText, WallSeconds = sw.Elapsed.TotalSeconds }, spec.Tolerances.Slope, spec.Tolerances.AlignmentCosine);
        int inconclusive = record.Checks.Count(c => c.Verdict == Checks.Verdict.Inconclusive);
        int exit = mode.Exit(record.Status != "ok" || record.Verdict == Checks.Verdict.Fail ? ExitCodes.CheckFailed : ExitCodes.Ok, inconclusive);
        var why = record.Status == "ok" ? explain?.Invoke(record) : null;
        if (json) io.WriteJson(new { command, exitCode = exit, strict = mode.Strict, verdict = record.Status == "ok" ? record.Verdict.ToString().ToLowerInvariant() : "error", regime = why, run = RunJson(record), files = summary.Files });
        else if (mode.Verbosity == Verbosity.Quiet) io.QuietLine(command, record, summary.Files, mode.Strict);
        else
        {
            io.ChecksTable(record);
            if (why is not null) io.RegimeNotes(why);
            io.StrictNote(mode.Strict, inconclusive);
            foreach (var kv in summary.Files) io.Console.MarkupLine(Markup.Escape($"{kv.Key}: {kv.Value}"));
        }
        return exit;
    }

    private static Option<FileInfo?> InitOption(string rule) => new("--init")
    {
        Description = "Start from these parameters instead of the drawn initialization: a CSV or NPY file (float64 or float32, " +
            $"2-D, C order), one row per neuron: a, w_1, ..., w_d ({rule}); its SHA-256 enters the run's key (docs/RESULTS-COLUMNS.md)",
    };

    /// <summary>The init file of --init, checked against the data's dimension; null without --init.</summary>
    private static InitFile? LoadInit(FileInfo? file, int d, string against)
    {
        if (file is null) return null;
        if (!file.Exists) throw new BadInputException($"--init: no file '{file.FullName}'");
        InitFile init;
        try { init = InitFile.Load(file.FullName); }
        catch (FormatException e) { throw new BadInputException($"--init: {e.Message}"); }
        if (init.Parameters.D != d)
            throw new BadInputException($"--init: {init.Name} has d = {init.Parameters.D} ({init.Parameters.D + 1} values per row: a, w_1, ..., w_d) but {against} d = {d}");
        return init;
    }

    /// <summary>The key of a run from an init file: the spec's key material followed by the file's SHA-256.</summary>
    private static string InitKey(byte[] material, InitFile init)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData(material);
        sha.AppendData(System.Text.Encoding.UTF8.GetBytes("\ninit-sha256:" + init.Sha256));
        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }

    /// <summary>The one-writer lock of a store's file, or bad input naming the option.</summary>
    private static WriterLock Lock(ResultStore store, string option)
        => WriterLock.TryAcquire(store.FilePath) ?? throw new BadInputException(
            $"{option}: '{store.FilePath}' is being written by another simbias process (lock {WriterLock.LockPathOf(store.FilePath)}); wait for it to end or choose another directory");

    private static object RunJson(RunRecord r) => new
    {
        r.Hash, r.Status, r.Error, r.Data, r.Regime, r.Code, r.Reason, r.Time, r.EarlyPhaseTime, r.WallSeconds,
        r.Metrics, r.Checks, r.Work, r.InitFile, r.InitSha256, spec = r.Spec,
    };

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
        var outcome = SpectreProgress.Run(io.Err, mode.Progress && progressEnabled,
            p => new SweepRunner(runner).Run(sweep, store, shard, threads, p, cancel), mode.Verbosity == Verbosity.Verbose);
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

    // ---------------------------------------------------------------- user data

    private Command ExtremalCommand()
    {
        var data = new Argument<FileInfo>("data") { Description = "CSV file: columns x1..xd then y (a header line is allowed)" };
        var maxEnum = new Option<long>("--max-enumeration")
        {
            Description = "Largest exact enumeration attempted, in candidate faces (about C(n, d-1) 4 3^(d-1)); above it the face search runs",
            DefaultValueFactory = _ => Theory.Extremal.ExtremalVectors.DefaultMaxCandidates,
            Validators = { r => { if (r.GetValueOrDefault<long>() < 0) r.AddError($"--max-enumeration must be >= 0, got {r.GetValueOrDefault<long>()}"); } },
        };
        var walks = new Option<int?>("--walks")
        {
            Description = "Walks of the face search when the enumeration does not fit (default: 4000, fewer for large n)",
            Validators = { r => { if (r.GetValueOrDefault<int?>() is < 1 and var w) r.AddError($"--walks must be >= 1, got {w}"); } },
        };
        var starts = new Option<int>("--starts")
        {
            Description = "Random starts of the flow search that runs alongside (it finds the attractors)", DefaultValueFactory = _ => 64,
            Validators = { r => AtLeastOne(r, "--starts") },
        };
        var seed = new Option<int>("--seed") { Description = "Seed of the searches", DefaultValueFactory = _ => 1 };
        var json = JsonOption();
        var cmd = new Command("extremal", """
            The extremal vectors of your data: unit directions u with D_n(u) = +-c u, c > 0, where
            D_n(u) = 1/n sum_{<u,x_k> > 0} y_k x_k (on a data hyperplane <u,x_k> = 0 the point counts with a weight eta_k in [0, 1]).
            All of them by exact enumeration when it fits (d = 2 always; d = 3 up to n of a few hundred, d = 5 up to about 30):
            then `complete: true`. Otherwise a face search (walks to vertices of the hyperplane arrangement, every face around
            each vertex checked exactly) plus a flow search: `complete: false`, with `coverage`, the fraction of a fresh sample of
            directions whose arrangement cell was examined.
            Columns: sign (+: where positive neurons go, -: negative); c = |D_n(u)| = |G_n(u)|; kind: local max or min of
            G_n(u) = <u, D_n(u)> on the sphere, or saddle (max/min/saddle say where the early phase can settle: positive neurons at
            + local maxima, negative at - local minima); |A|: size of the activation set {k : <u,x_k> > 0}; B: the boundary set
            {k : <u,x_k> = 0} (0-based rows, empty inside a cell) with the eta chosen for each; u: the direction.
            """) { data, maxEnum, walks, starts, seed, json };
        cmd.SetAction(pr => Guard("extremal", pr.GetValue(json), () =>
        {
            var ds = LoadData(pr.GetValue(data)!, "data");
            var search = Predictions.BudgetedFaceSearch(ds, pr.GetValue(seed));
            if (pr.GetValue(walks) is int w) search = search with { Walks = w };
            var ex = Predictions.Extremal(ds, [], pr.GetValue(seed), pr.GetValue(starts), parallel: true, pr.GetValue(maxEnum), search);
            var list = ex.Vectors;
            static string Kind(ExtremalDirection v) => v.Kind switch
            {
                Theory.Extremal.CriticalPointKind.LocalMaximum => "local max",
                Theory.Extremal.CriticalPointKind.LocalMinimum => "local min",
                Theory.Extremal.CriticalPointKind.Saddle => "saddle",
                _ => "unclassified",
            };
            if (pr.GetValue(json))
                io.WriteJson(new
                {
                    command = "extremal", exitCode = 0, n = ds.N, d = ds.D, count = list.Count, complete = ex.Complete,
                    coverage = ex.Coverage, method = ex.Method, flowSearchCount = ex.FlowSearchCount,
                    vectors = list.Select(v => new
                    {
                        sign = v.Sign, c = v.C, kind = Kind(v), direction = v.Direction, vector = v.Vector,
                        activationSetSize = v.ActiveCount, activationSet = v.ActivationSet, boundarySet = v.BoundarySet, eta = v.Eta, stable = v.Stable,
                    }),
                });
            else
            {
                io.Console.MarkupLine(Markup.Escape($"{list.Count} extremal direction(s) of {ds.N} points in d = {ds.D}; complete: {(ex.Complete ? "true" : "false")} " +
                    (ex.Complete ? $"(exact enumeration, {ex.Method})" : $"(face search and flow search; coverage {ex.Coverage:F4}: the fraction of a fresh sample of directions whose cell was examined)")));
                var t = new Table().AddColumns("#", "sign", "c", "kind", "|A|", "B (eta)", "direction u");
                int i = 0;
                var inv = System.Globalization.CultureInfo.InvariantCulture;
                foreach (var v in list)
                    t.AddRow((i++).ToString(inv), v.Sign > 0 ? "+" : "-", ReportWriter.F(v.C), Kind(v), v.ActiveCount.ToString(inv),
                        Markup.Escape(v.BoundarySet.Length == 0 ? "-" : string.Join(" ", v.BoundarySet.Take(6).Select((k, p) => $"{k} ({v.Eta[p].ToString("F3", inv)})")) + (v.BoundarySet.Length > 6 ? " ..." : "")),
                        Markup.Escape("(" + string.Join(", ", v.Direction.Take(8).Select(x => x.ToString("F4", inv))) + (v.Direction.Length > 8 ? ", ..." : "") + ")"));
                io.Console.Write(t);
            }
            return ExitCodes.Ok;
        }));
        return cmd;
    }

    private Command CheckCommand(string[] args)
    {
        var data = new Argument<FileInfo>("data") { Description = "Training data, CSV: columns x1..xd then y (a header line is allowed)" };
        var test = new Option<FileInfo?>("--test") { Description = "Test data, same format (enables the test-loss checks)" };
        var spec = new Option<FileInfo?>("--spec") { Description = "Spec for everything but the data (width, init, solver, tolerances, expect...)" };
        var m = new Option<int?>("--m") { Description = "Width m (overrides the spec)" };
        var lambda = new Option<double?>("--lambda") { Description = "Initialization scale (overrides the spec)" };
        var seed = new Option<int?>("--seed") { Description = "Seed of the initialization (overrides the spec)" };
        var solver = new Option<string?>("--solver") { Description = "flow, flow-plain, gd or adam (overrides the spec)" };
        solver.AcceptOnlyFromAmong([.. ExperimentChoices.Solvers.Names]);
        var horizon = new Option<double?>("--horizon") { Description = "Final time (overrides the spec)" };
        var expect = new Option<string?>("--expect") { Description = "Regime to check: auto, ols, interpolation or none (overrides the spec)" };
        expect.AcceptOnlyFromAmong(SpecFields.Expects);
        var output = new Option<string?>("--out") { Description = $"Output directory (default: {OutputRoot}/checks/<data file name>)" };
        var init = InitOption("d must be the data's; m is taken from the file");
        var force = ForceOption();
        var outputs = new OutputOptions();
        var cmd = new Command("check", "The whole verification on your data: train from the paper's small initialization (balanced, scale lambda), then hold the endpoint against the theory.")
        { data, test, spec, m, lambda, seed, solver, horizon, expect, init, output, force };
        foreach (var o in outputs.All) cmd.Options.Add(o);
        cmd.SetAction(pr => Guard("check", pr.GetValue(outputs.Json), () =>
        {
            var mode = outputs.Read(pr);
            var file = pr.GetValue(data)!;
            var train = LoadData(file, "data");
            var testFile = pr.GetValue(test);
            var testSet = testFile is null ? null : LoadData(testFile, "--test");
            if (testSet is not null && testSet.D != train.D) throw new BadInputException($"--test: {testFile!.Name} has d = {testSet.D}, the data have d = {train.D}");
            var s = pr.GetValue(spec) is { } sf ? SpecReader.Load(sf.FullName) : new ExperimentSpec();
            s = s with { N = train.N, D = train.D, Beta = null, TestN = testSet?.N ?? 0, DataModel = InputLawKind.Gaussian };
            if (pr.GetValue(m) is int mm) s = s with { M = mm };
            if (pr.GetValue(lambda) is double l) s = s with { Lambda = FiniteOverride(pr, lambda, l) };
            if (pr.GetValue(seed) is int sd) s = s with { Seed = sd };
            if (pr.GetValue(solver) is { } so && ExperimentChoices.Solvers.TryParse(so, out var method)) s = s with { Solver = method };
            if (pr.GetValue(horizon) is double h) s = s with { Horizon = FiniteOverride(pr, horizon, h) };
            if (pr.GetValue(expect) is { } ex) s = s with { Expect = ex };
            var start = LoadInit(pr.GetValue(init), train.D, "the data have");
            if (start is not null)
            {
                if (pr.GetValue(m) is int given && given != start.Parameters.M)
                    throw new BadInputException($"--init: {start.Name} has m = {start.Parameters.M} rows (neurons) but --m is {given}");
                s = s with { M = start.Parameters.M };
            }
            Revalidate(s);
            // The key covers the data: the same spec on other data is another run.
            using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            sha.AppendData(CanonicalSpec.ToUtf8(s));
            sha.AppendData(File.ReadAllBytes(file.FullName));
            if (testFile is not null) sha.AppendData(File.ReadAllBytes(testFile.FullName));
            var key = start is null ? Convert.ToHexStringLower(sha.GetHashAndReset()) : InitKey(sha.GetHashAndReset(), start);
            var dir = pr.GetValue(output) ?? Path.Combine(OutputRoot, "checks", Path.GetFileNameWithoutExtension(file.Name));
            var desc = file.Name + (testFile is null ? "" : $" (test: {testFile.Name})");
            return SingleRun("check", s, _ => new RunInputs(train, testSet, false, desc) { Init = start }, key, dir, pr.GetValue(force), mode, "simbias " + string.Join(' ', args),
                r => Checks.RegimeExplanation.For(s, r, synthetic: false, hasTest: testSet is not null, train.Y));
        }));
        return cmd;
    }

    /// <summary>A real override as given: finite, and not a nonzero number that parsed to 0 (1e-400), named as typed.</summary>
    private static double FiniteOverride(ParseResult pr, Option<double?> option, double value)
    {
        var text = pr.GetResult(option)?.Tokens is { Count: > 0 } t ? t[^1].Value : value.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (!double.IsFinite(value)) throw new BadInputException($"{option.Name}: expected a finite number, got {text}");
        if (value == 0 && text.Split('e', 'E')[0].Any(c => c is >= '1' and <= '9'))
            throw new BadInputException($"{option.Name}: {text} is too small to represent (it rounds to 0)");
        return value;
    }

    /// <summary>Validates a spec built in code (overrides) through the same JSON validator, for the same messages.</summary>
    private static void Revalidate(ExperimentSpec s)
    {
        var errors = new List<SpecError>();
        using var doc = System.Text.Json.JsonDocument.Parse(CanonicalSpec.ToUtf8(s));
        SpecReader.FromElement(doc.RootElement, "$", errors);
        if (errors.Count > 0) throw new SpecException(errors);
    }

    private static Dataset LoadData(FileInfo file, string what)
    {
        if (!file.Exists) throw new BadInputException($"{what}: no file '{file.FullName}'");
        try { return Dataset.LoadCsv(file.FullName); }
        catch (FormatException e) { throw new BadInputException($"{what}: {e.Message}"); }
        catch (ArgumentException e) { throw new BadInputException($"{what}: {file.Name}: {e.Message}"); }
    }

    /// <summary>Turns bad input into exit code 2 with a message (or JSON), before or instead of any work.</summary>
    private int Guard(string command, bool json, Func<int> body)
    {
        try { return body(); }
        catch (SpecException e) { return io.BadInput(command, json, e.Errors); }
        catch (BadInputException e) { return io.BadInput(command, json, e.Message); }
        catch (FileNotFoundException e) { return io.BadInput(command, json, e.Message); }
        catch (DirectoryNotFoundException e) { return io.BadInput(command, json, e.Message); }
        // The paths were checked before any work; what still fails here (a disk filled up, a directory
        // removed mid-run) gets a message and a non-zero exit instead of a stack trace.
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Failed(command, json, $"cannot write the results: {e.Message}");
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return Failed(command, json, $"internal error: {e.GetType().Name}: {e.Message}");
        }
    }

    private int Failed(string command, bool json, string message)
    {
        if (json) io.WriteJson(new { command, exitCode = ExitCodes.CheckFailed, error = message });
        else io.Err.WriteLine($"simbias {command}: {message}");
        return ExitCodes.CheckFailed;
    }
}
