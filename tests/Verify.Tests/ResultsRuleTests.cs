using System.Text.Json;
using SimplicityBias.Verify.Cli;

namespace SimplicityBias.Verify.Tests;

/// <summary>No command rewrites its inputs or deletes results before their replacement is complete.</summary>
public class ResultsRuleTests : IDisposable
{
    private readonly TempDir tmp = new();
    public void Dispose() => tmp.Dispose();

    private static (int Code, string Out, string Err) Sbt(ScriptedTrainer? trainer, CancellationToken cancel, params string[] args)
    {
        var o = new StringWriter();
        var e = new StringWriter();
        int code = new CliApp(o, e, new FixedFactory(trainer ?? new ScriptedTrainer()), cancel, progress: false).Run(args);
        return (code, o.ToString(), e.ToString());
    }

    private static (int Code, string Out, string Err) Sbt(params string[] args) => Sbt(null, default, args);

    private string Write(string name, string text) { File.WriteAllText(tmp[name], text); return tmp[name]; }

    private const string Spec = """{"d": 2, "n": 40, "m": 4, "testN": 100, "expect": "none"}""";
    private const string Sweep = """{"name": "s", "base": {"d": 2, "m": 4, "testN": 100, "expect": "none"}, "grid": {"n": [20, 30], "seed": [1, 2]}}""";
    private const string Other = """{"name": "o", "base": {"d": 2, "m": 4, "testN": 100, "expect": "none"}, "grid": {"n": [25]}}""";

    private static string Runs(string dir) => Path.Combine(dir, "runs.jsonl");

    [Fact]
    public void Merge_never_drops_lines_of_its_output_and_writes_nothing_without_records()
    {
        var sweep = Write("s.json", Sweep);
        var dir = tmp["d"];
        Assert.Equal(0, Sbt("sweep", sweep, "--out", dir, "--shard", "0/2").Code);
        var mine = Runs(dir);
        File.WriteAllText(mine, "not a record\n{\"truncated\":\n");
        var before = File.ReadAllBytes(mine);
        var (code, _, err) = Sbt("merge", dir);
        Assert.Equal(2, code);
        Assert.Contains("2 unreadable line(s)", err);
        Assert.Equal(before, File.ReadAllBytes(mine)); // untouched

        var empty = tmp["empty"];
        Directory.CreateDirectory(empty);
        Assert.Equal(2, Sbt("merge", empty).Code);
        Assert.Empty(Directory.GetFiles(empty));
        Assert.Equal(2, Sbt("merge", empty, "--out", tmp["elsewhere"]).Code);
        Assert.False(Directory.Exists(tmp["elsewhere"]));

        // Into another directory: the shard file is read, not rewritten.
        var shard = Path.Combine(dir, "runs.shard-0-of-2.jsonl");
        var shardBytes = File.ReadAllBytes(shard);
        Assert.Equal(0, Sbt("merge", dir, "--out", tmp["m"]).Code);
        Assert.Equal(shardBytes, File.ReadAllBytes(shard));
        Assert.Equal(2, File.ReadAllLines(Runs(tmp["m"])).Length);
    }

    [Fact]
    public void Run_check_and_reproduce_refuse_another_jobs_results_unless_forced()
    {
        var dir = tmp["d"];
        Assert.Equal(0, Sbt("sweep", Write("o.json", Other), "--out", dir).Code);
        var before = File.ReadAllBytes(Runs(dir));
        var spec = Write("r.json", Spec);
        var (code, _, err) = Sbt("run", spec, "--out", dir);
        Assert.Equal(2, code);
        Assert.Contains("--force", err);
        Assert.Equal(2, Sbt("reproduce", "--grid", Write("s.json", Sweep), "--out", dir).Code);
        Assert.Equal(2, Sbt("sweep", tmp["s.json"], "--out", dir).Code);
        Assert.Equal(before, File.ReadAllBytes(Runs(dir)));

        Assert.Equal(0, Sbt("run", spec, "--out", dir, "--force").Code);
        Assert.Single(File.ReadAllLines(Runs(dir)));
        Assert.Empty(Directory.GetFiles(dir, "*.old")); // set aside, then deleted once the new record was in
    }

    [Fact]
    public void A_rerun_keeps_the_old_record_until_the_new_one_is_complete()
    {
        var dir = tmp["d"];
        var spec = Write("r.json", Spec);
        Assert.Equal(0, Sbt("run", spec, "--out", dir).Code);
        var old = File.ReadAllText(Runs(dir));

        using var cts = new CancellationTokenSource();
        var (code, _, _) = Sbt(new ScriptedTrainer { OnTrain = _ => cts.Cancel() }, cts.Token, "run", spec, "--out", dir);
        Assert.Equal(130, code);
        Assert.Equal(old, File.ReadAllText(Runs(dir) + ".old")); // kept aside, not deleted

        Assert.Equal(0, Sbt("run", spec, "--out", dir).Code);
        Assert.Single(File.ReadAllLines(Runs(dir)));
    }

    [Fact]
    public void A_rerun_into_a_relative_directory_redoes_its_results()
    {
        // As `reproduce` does by default (simbias-out/reproduce-quick): a relative --out that already holds this job's results.
        var dir = Path.GetRelativePath(Environment.CurrentDirectory, tmp["rel"]);
        var spec = Write("r.json", Spec);
        Assert.Equal(0, Sbt("run", spec, "--out", dir).Code);
        var (code, _, err) = Sbt("run", spec, "--out", dir);
        Assert.True(code == 0, err);
        Assert.Single(File.ReadAllLines(Runs(tmp["rel"])));
    }

    [Fact]
    public void Reproduce_redoes_its_own_results_but_never_deletes_another_sweeps()
    {
        var dir = tmp["d"];
        var grid = Write("s.json", Sweep);
        Assert.True(Sbt("reproduce", "--grid", grid, "--out", dir).Code is 0 or 1);
        Assert.True(Sbt("reproduce", "--grid", grid, "--out", dir).Code is 0 or 1); // its own results: start afresh
        Assert.Equal(4, File.ReadAllLines(Runs(dir)).Length);
        // Its grid changed since (other keys, same sweep name): still its own results.
        var changed = Write("s2.json", Sweep.Replace("[20, 30]", "[20, 35]"));
        Assert.True(Sbt("reproduce", "--grid", changed, "--out", dir).Code is 0 or 1);
        Assert.Equal(4, File.ReadAllLines(Runs(dir)).Length);

        // Another sweep's shard file in the directory: refused, and the file survives.
        Assert.Equal(0, Sbt("sweep", Write("o.json", Other), "--out", dir, "--shard", "0/3").Code);
        var other = Path.Combine(dir, "runs.shard-0-of-3.jsonl");
        var bytes = File.ReadAllBytes(other);
        Assert.Equal(2, Sbt("reproduce", "--grid", grid, "--out", dir).Code);
        Assert.Equal(bytes, File.ReadAllBytes(other));
    }

    [Fact]
    public void Starting_over_never_moves_a_file_another_writer_holds()
    {
        var dir = tmp["d"];
        var sweep = Write("s.json", Sweep);
        Assert.Equal(0, Sbt("sweep", sweep, "--out", dir, "--shard", "1/2").Code);
        var shard = Path.Combine(dir, "runs.shard-1-of-2.jsonl");
        using (var held = SimplicityBias.Verify.Sweeps.WriterLock.TryAcquire(shard))
        {
            Assert.NotNull(held);
            var (code, _, err) = Sbt("sweep", sweep, "--out", dir, "--force");
            Assert.Equal(2, code);
            Assert.Contains("is being written by another simbias process", err);
            Assert.True(File.Exists(shard));
        }
        Assert.Equal(0, Sbt("sweep", sweep, "--out", dir, "--force").Code);
        Assert.False(File.Exists(shard));
        Assert.Empty(Directory.GetFiles(dir, "*.old"));
    }

    [Fact]
    public void A_forced_slice_after_a_merge_redoes_its_runs_and_the_next_merge_takes_them()
    {
        var dir = tmp["d"];
        var sweep = Write("s.json", Sweep);
        Assert.Equal(0, Sbt("sweep", sweep, "--out", dir, "--shard", "0/2").Code);
        Assert.Equal(0, Sbt("sweep", sweep, "--out", dir, "--shard", "1/2").Code);
        Assert.Equal(0, Sbt("merge", dir).Code);
        var slice = Path.Combine(dir, "runs.shard-1-of-2.jsonl");
        var sliceHashes = File.ReadAllLines(slice).Select(l => SimplicityBias.Verify.Running.RunRecord.TryParse(l)!.Hash).ToHashSet();
        Assert.Equal(2, sliceHashes.Count);

        // The merged runs.jsonl holds the slice's runs too; a forced slice must still train both of them.
        var trainer = new ScriptedTrainer();
        var (code, output, err) = Sbt(trainer, default, "sweep", sweep, "--out", dir, "--shard", "1/2", "--force");
        Assert.True(code == 0, err);
        Assert.Equal(2, trainer.Calls);
        Assert.Contains("0 already done, 2 finished now", output);
        Assert.Equal(sliceHashes, File.ReadAllLines(slice).Select(l => SimplicityBias.Verify.Running.RunRecord.TryParse(l)!.Hash).ToHashSet());
        // The merged file lost only the slice's records (set aside, then dropped once the slice was complete).
        var merged = File.ReadAllLines(Runs(dir)).Select(l => SimplicityBias.Verify.Running.RunRecord.TryParse(l)!.Hash).ToList();
        Assert.Equal(2, merged.Count);
        Assert.DoesNotContain(merged, sliceHashes.Contains);
        Assert.Empty(Directory.GetFiles(dir, "*.old"));

        Assert.Equal(0, Sbt("merge", dir).Code);
        Assert.Equal(4, File.ReadAllLines(Runs(dir)).Length);
        // Slice 0, forced in turn, redoes its own two runs as well.
        var other = new ScriptedTrainer();
        Assert.Equal(0, Sbt(other, default, "sweep", sweep, "--out", dir, "--shard", "0/2", "--force").Code);
        Assert.Equal(2, other.Calls);
    }

    [Fact]
    public void A_bad_first_row_is_an_error_not_a_header()
    {
        var data = Write("d.csv", "1,2,3x\n4,5,6\n7,8,9\n");
        var (code, output, _) = Sbt("extremal", data, "--json");
        Assert.Equal(2, code);
        using var doc = JsonDocument.Parse(output);
        Assert.Contains("line 1, column 3", doc.RootElement.GetProperty("errors")[0].GetProperty("message").GetString());
        // A header is a row with no numeric cell.
        Assert.Equal(0, Sbt("extremal", Write("h.csv", "a,b,y\n1,2,3\n4,5,6\n7,8,9\n-1,2,0\n"), "--starts", "4").Code);
        var (c2, _, e2) = Sbt("extremal", Write("n.csv", "a,b,y\n1,2,3\n4,NaN,6\n"));
        Assert.Equal(2, c2);
        Assert.Contains("line 3, column 2", e2);
    }

    [Fact]
    public void Sweep_names_cannot_leave_the_sweeps_directory()
    {
        Assert.DoesNotContain("/", CliApp.SafeName("../../x"));
        Assert.False(CliApp.SafeName("../../x").StartsWith('.'));
        Assert.Equal("threshold-d5", CliApp.SafeName("threshold-d5"));
    }

    [Fact]
    public void A_message_without_a_path_has_no_empty_prefix()
    {
        var (code, _, err) = Sbt("sweep", Write("s.json", Sweep), "--shard", "3/2", "--out", tmp["x"]);
        Assert.Equal(2, code);
        Assert.Contains("\n  --shard:", err);
        Assert.DoesNotContain(": --shard", err);
    }
}
