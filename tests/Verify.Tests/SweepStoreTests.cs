using System.Text.Json.Nodes;
using SimplicityBias.Verify.Results;
using SimplicityBias.Verify.Running;
using SimplicityBias.Verify.Specs;
using SimplicityBias.Verify.Sweeps;

namespace SimplicityBias.Verify.Tests;

public class SweepStoreTests
{
    private static SweepSpec Sweep() => SweepReader.Parse("""
        { "name": "t", "base": {"d": 2, "m": 4, "testN": 200, "expect": "none"}, "grid": {"n": [20, 30, 40], "seed": [1, 2]} }
        """);

    /// <summary>A record without what legitimately varies between executions (wall times).</summary>
    private static string Stable(RunRecord r)
    {
        var node = JsonNode.Parse(r.ToJsonLine())!.AsObject();
        node.Remove("wallSeconds");
        node["work"]!.AsObject().Remove("trainingSeconds");
        return node.ToJsonString();
    }

    [Fact]
    public void Sweep_expands_in_order_and_drops_duplicates()
    {
        var s = SweepReader.Parse("""
            { "base": {"d": 2}, "grid": {"seed": [1, 2]},
              "runs": [ {"n": [5, 6]}, {"n": 5}, {"dataModel": "orthogonal", "n": 2, "seed": 9} ] }
            """);
        Assert.Equal([(5, 1), (5, 2), (6, 1), (6, 2), (2, 9)], s.Runs.Select(r => (r.N, r.Seed)));
        Assert.Equal(InputLawKind.Orthogonal, s.Runs[^1].DataModel);
    }

    [Fact]
    public void Built_in_reproduce_grids_are_valid()
    {
        Assert.True(Cli.CliApp.BuiltInGrid("quick").Runs.Count >= 10);
        var full = Cli.CliApp.BuiltInGrid("full");
        Assert.Contains(full.Runs, r => r.D == 10 && r.N == 25000);
        Assert.Contains(full.Runs, r => r.D == 5 && r.N == 20000);
    }

    [Fact]
    public void Append_resume_shard_merge_round_trip()
    {
        using var tmp = new TempDir();
        var sweep = Sweep();

        // Whole sweep on two workers.
        var t1 = new ScriptedTrainer();
        var whole = new SweepRunner(new ExperimentRunner(new FixedFactory(t1)));
        var o1 = whole.Run(sweep, new ResultStore(tmp["whole"], Shard.All), Shard.All, 2, null, default);
        Assert.Equal((6, 0, 6, 0, false), (o1.InShard, o1.Skipped, o1.Completed, o1.Errors, o1.Cancelled));
        Assert.Equal(6, File.ReadAllLines(Path.Combine(tmp["whole"], ResultStore.MainFile)).Length);

        // Resume: nothing left to do.
        var o2 = whole.Run(sweep, new ResultStore(tmp["whole"], Shard.All), Shard.All, 2, null, default);
        Assert.Equal((6, 0), (o2.Skipped, o2.Completed));
        Assert.Equal(6, t1.Calls);

        // Two shards into one directory, then merge: the same records as the whole sweep.
        var runner = new SweepRunner(new ExperimentRunner(new FixedFactory(new ScriptedTrainer())));
        var a = runner.Run(sweep, new ResultStore(tmp["sharded"], new Shard(0, 2)), new Shard(0, 2), 1, null, default);
        var b = runner.Run(sweep, new ResultStore(tmp["sharded"], new Shard(1, 2)), new Shard(1, 2), 1, null, default);
        Assert.Equal((3, 3), (a.InShard, b.InShard));
        Assert.True(File.Exists(Path.Combine(tmp["sharded"], "runs.shard-0-of-2.jsonl")));
        var merged = ResultStore.Merge([tmp["sharded"]], tmp["merged"]);
        var reference = ResultStore.Load(tmp["whole"]).Records;
        Assert.Equal(reference.Select(Stable), merged.Select(Stable));
        Assert.Equal(Enumerable.Range(0, 6), merged.Select(r => r.Index));
    }

    [Fact]
    public void Results_do_not_depend_on_the_number_of_workers()
    {
        using var tmp = new TempDir();
        var sweep = SweepReader.Parse("""{ "name": "t", "base": {"d": 2, "m": 6, "testN": 300, "expect": "ols"}, "grid": {"n": [40, 60, 80], "seed": [1, 2]} }""");
        var r = new SweepRunner(new ExperimentRunner(new FixedFactory(new OlsFakeTrainer())));
        r.Run(sweep, new ResultStore(tmp["one"], Shard.All), Shard.All, 1, null, default);
        r.Run(sweep, new ResultStore(tmp["two"], Shard.All), Shard.All, 2, null, default);
        Assert.Equal(ResultStore.Load(tmp["one"]).Records.Select(Stable), ResultStore.Load(tmp["two"]).Records.Select(Stable));
    }

    [Fact]
    public void A_killed_sweep_resumes_and_redoes_only_the_runs_in_flight()
    {
        using var tmp = new TempDir();
        var sweep = Sweep();
        using var cts = new CancellationTokenSource();
        int calls = 0;
        // The third run cancels the sweep while it is in flight: it must not be recorded.
        var stopping = new ScriptedTrainer { OnTrain = _ => { if (Interlocked.Increment(ref calls) == 3) cts.Cancel(); } };
        var o = new SweepRunner(new ExperimentRunner(new FixedFactory(stopping)))
            .Run(sweep, new ResultStore(tmp.Path, Shard.All), Shard.All, 1, null, cts.Token);
        Assert.True(o.Cancelled);
        Assert.Equal(2, o.Completed);
        Assert.Equal(2, ResultStore.Load(tmp.Path).Records.Count);

        var again = new ScriptedTrainer();
        var o2 = new SweepRunner(new ExperimentRunner(new FixedFactory(again)))
            .Run(sweep, new ResultStore(tmp.Path, Shard.All), Shard.All, 2, null, default);
        Assert.Equal((2, 4), (o2.Skipped, o2.Completed));
        Assert.Equal(4, again.Calls);
        Assert.Equal(Enumerable.Range(0, 6), ResultStore.Load(tmp.Path).Records.Select(r => r.Index));
    }

    [Fact]
    public void A_line_cut_short_is_skipped_and_appending_continues_on_a_new_line()
    {
        using var tmp = new TempDir();
        var store = new ResultStore(tmp.Path, Shard.All);
        var runner = new ExperimentRunner(new FixedFactory(new ScriptedTrainer()));
        var specs = Sweep().Runs;
        store.Append(runner.Run(specs[0])!);
        File.AppendAllText(store.FilePath, "{\"hash\": \"abc\", \"ind"); // a kill in the middle of a write
        store.Append(runner.Run(specs[1])!);
        var (records, bad) = ResultStore.Load(tmp.Path);
        Assert.Equal(2, records.Count);
        Assert.Equal(1, bad);
    }

    [Fact]
    public void Failed_runs_are_recorded_but_redone_on_resume()
    {
        using var tmp = new TempDir();
        var sweep = Sweep();
        var o = new SweepRunner(new ExperimentRunner(new FixedFactory(new ScriptedTrainer { Throw = true })))
            .Run(sweep, new ResultStore(tmp.Path, Shard.All), Shard.All, 2, null, default);
        Assert.Equal(6, o.Errors);
        Assert.All(ResultStore.Load(tmp.Path).Records, r => Assert.Equal("error", r.Status));
        var o2 = new SweepRunner(new ExperimentRunner(new FixedFactory(new ScriptedTrainer())))
            .Run(sweep, new ResultStore(tmp.Path, Shard.All), Shard.All, 2, null, default);
        Assert.Equal((0, 6, 0), (o2.Skipped, o2.Completed, o2.Errors));
        Assert.All(ResultStore.Load(tmp.Path).Records, r => Assert.Equal("ok", r.Status)); // ok wins over error
    }

    [Theory]
    [InlineData("0/1", 0, 1)]
    [InlineData("3/8", 3, 8)]
    public void Shard_parses(string text, int i, int n) => Assert.Equal(new Shard(i, n), Shard.Parse(text));

    [Theory]
    [InlineData("2/2")]
    [InlineData("-1/2")]
    [InlineData("1/0")]
    [InlineData("1")]
    [InlineData("a/b")]
    public void Bad_shards_are_rejected_naming_the_value(string text)
        => Assert.Contains(text, Assert.Throws<FormatException>(() => Shard.Parse(text)).Message);

    [Fact]
    public void Atomic_write_replaces_or_keeps_the_old_file()
    {
        using var tmp = new TempDir();
        var path = tmp["f.txt"];
        AtomicFile.WriteAllText(path, "old");
        AtomicFile.WriteAllText(path, "new");
        Assert.Equal("new", File.ReadAllText(path));
        Assert.Throws<InvalidOperationException>(() => AtomicFile.Write(path, s => { s.Write("partial"u8); throw new InvalidOperationException("killed"); }));
        Assert.Equal("new", File.ReadAllText(path));
        Assert.Single(Directory.GetFiles(tmp.Path)); // no temporary file left behind
    }
}
