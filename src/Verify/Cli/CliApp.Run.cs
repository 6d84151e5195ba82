using System.CommandLine;
using System.Diagnostics;
using System.Security.Cryptography;
using Spectre.Console;
using SimplicityBias.Verify.Reports;
using SimplicityBias.Verify.Running;
using SimplicityBias.Verify.Specs;
using SimplicityBias.Verify.Sweeps;

namespace SimplicityBias.Verify.Cli;

/// <summary>`simbias run`: one experiment from a spec, with --init.</summary>
public sealed partial class CliApp
{
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
        // A run started again continues from its checkpoint (specs with checkpointsPerDecade): same bits, less work.
        var checkpoints = new CheckpointFiles(dir, resume: true);
        var record = SpectreProgress.Run(io.Err, mode.Progress && progressEnabled, p =>
        {
            checkpoints.Note = NoteSink(p);
            p?.Start(1, 0, 1);
            p?.RunStarted(0, 0, spec);
            RunRecord? r;
            try { r = runner.Run(spec, inputs(spec), 0, command, pr => p?.RunProgress(0, pr), cancel, key, checkpoints); }
            catch (ArgumentException e) { throw new BadInputException(e.Message); }
            p?.RunFinished(0, 0, r);
            return r;
        });
        if (record is null) return Interrupted(command, json, dir, setAside);
        store.Append(record);
        checkpoints.Remove(key);
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

    /// <summary>Where checkpoint notes go: beside the live progress, else to stderr (never into --json's stdout).</summary>
    private Action<string> NoteSink(Sweeps.ISweepProgress? progress)
    {
        if (progress is not null) return progress.Note;
        var gate = new object();
        return message => { lock (gate) io.Err.WriteLine("simbias: " + message); };
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
}
