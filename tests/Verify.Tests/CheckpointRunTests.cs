using System.Text.Json.Nodes;
using SimplicityBias.Theory.Experiments;
using SimplicityBias.Verify.Running;
using SimplicityBias.Verify.Specs;
using SimplicityBias.Verify.Sweeps;

namespace SimplicityBias.Verify.Tests;

/// <summary>
/// Checkpoints through the pipeline (<see cref="CheckpointFiles"/>, <see cref="SolveTrainer"/>): a run stopped after a
/// checkpoint and started again stores the record of the run that went on; a damaged checkpoint file is not used; the
/// file is replaced whole; the field enters a spec's key only when set.
/// </summary>
public sealed class CheckpointRunTests : IDisposable
{
    readonly string _dir = Path.Combine(Path.GetTempPath(), "sbt-ckpt-" + Guid.NewGuid().ToString("N"));

    public void Dispose() { if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true); }

    // Crossings and sliding from the early phase on (the Dynamics tests' "sliding" flow, through a spec).
    static readonly ExperimentSpec Spec = new()
    {
        N = 200, D = 3, M = 30, Lambda = 1e-3, Horizon = 300, TestN = 200, Seed = 3, CheckpointsPerDecade = 2, Expect = "none",
    };

    /// <summary>A record's JSON without its wall times (the only fields a resumed run may change).</summary>
    static string WithoutWallTimes(RunRecord r)
    {
        var node = JsonNode.Parse(r.ToJsonLine())!.AsObject();
        node.Remove("wallSeconds");
        node["work"]!.AsObject().Remove("trainingSeconds");
        return node.ToJsonString();
    }

    [Fact]
    public void A_run_stopped_after_a_checkpoint_and_started_again_stores_the_record_of_the_run_that_went_on()
    {
        var whole = ExperimentRunner.Default.Run(Spec)!;
        Assert.Equal("ok", whole.Status);
        Assert.True(whole.Work["crossings"] > 0 && whole.Work["captures"] > 0, "the case must cross and slide");

        var key = CanonicalSpec.Hash(Spec);
        var notes = new List<string>();
        var files = new CheckpointFiles(_dir, resume: true) { Note = notes.Add };
        using var cts = new CancellationTokenSource();
        // Stopped between the checkpoints at t = 10 and 10^1.5, as SIGTERM stops a run.
        var stopped = ExperimentRunner.Default.Run(Spec, progress: p => { if (p.Time >= 20) cts.Cancel(); }, cancel: cts.Token, checkpoints: files);
        Assert.Null(stopped);
        Assert.True(File.Exists(files.PathOf(key)));

        var resumed = ExperimentRunner.Default.Run(Spec, checkpoints: files)!;
        Assert.Contains(notes, n => n.Contains("resumed from its checkpoint at t = 10 "));
        Assert.Equal(WithoutWallTimes(whole), WithoutWallTimes(resumed));
        files.Remove(key);
        Assert.False(File.Exists(files.PathOf(key)));
    }

    /// <summary>A run that kept no checkpoint (its folder never made) has nothing to remove, and nothing is noted.</summary>
    [Fact]
    public void Removing_a_checkpoint_that_was_never_written_notes_nothing()
    {
        var notes = new List<string>();
        var files = new CheckpointFiles(Path.Combine(_dir, "never-made"), resume: true) { Note = notes.Add };
        files.Remove(CanonicalSpec.Hash(Spec));
        Assert.Empty(notes);
    }

    /// <summary>A sweep stopped with a run in flight continues it with --resume, and removes its checkpoint once stored.</summary>
    [Fact]
    public void A_sweep_resumed_continues_its_run_in_flight_from_the_checkpoint()
    {
        var whole = ExperimentRunner.Default.Run(Spec, sweep: "ckpt")!;
        var sweep = new SweepSpec("ckpt", [Spec]);
        var store = new ResultStore(_dir, Shard.All);
        using var cts = new CancellationTokenSource();
        var stopped = new SweepRunner(ExperimentRunner.Default).Run(sweep, store, Shard.All, 1, new StopAt(20, cts), cts.Token, new CheckpointFiles(_dir, resume: true));
        Assert.True(stopped.Cancelled);
        var key = CanonicalSpec.Hash(Spec);
        Assert.True(File.Exists(new CheckpointFiles(_dir, true).PathOf(key)));

        var notes = new List<string>();
        var files = new CheckpointFiles(_dir, resume: true) { Note = notes.Add };
        var done = new SweepRunner(ExperimentRunner.Default).Run(sweep, store, Shard.All, 1, null, default, files);
        Assert.Equal(1, done.Completed);
        Assert.Contains(notes, n => n.Contains("resumed from its checkpoint at t = 10 "));
        Assert.Equal(WithoutWallTimes(whole), WithoutWallTimes(Assert.Single(ResultStore.Load(_dir).Records)));
        Assert.False(File.Exists(files.PathOf(key)));
    }

    /// <summary>Cancels once a run's progress passes flow time t.</summary>
    sealed class StopAt(double t, CancellationTokenSource cts) : ISweepProgress
    {
        public void Start(int toRun, int alreadyDone, int workers) { }
        public void RunStarted(int worker, int index, ExperimentSpec spec) { }
        public void RunProgress(int worker, RunProgress progress) { if (progress.Time >= t) cts.Cancel(); }
        public void RunFinished(int worker, int index, RunRecord? record) { }
    }

    [Fact]
    public void A_damaged_checkpoint_file_is_not_used_the_run_starts_afresh_and_a_note_says_why()
    {
        var spec = Spec with { Horizon = 20 };
        var whole = ExperimentRunner.Default.Run(spec)!;
        var notes = new List<string>();
        var files = new CheckpointFiles(_dir, resume: true) { Note = notes.Add };
        var path = files.PathOf(CanonicalSpec.Hash(spec));
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, "not a checkpoint");
        var record = ExperimentRunner.Default.Run(spec, checkpoints: files)!;
        Assert.Equal(WithoutWallTimes(whole), WithoutWallTimes(record));
        var note = Assert.Single(notes);
        Assert.Contains("not used, the run starts at t = 0: not a flow checkpoint", note);
        Assert.NotEqual("not a checkpoint", File.ReadAllText(path)); // replaced at the run's first restart
    }

    [Fact]
    public void A_checkpoint_that_cannot_be_written_is_noted_and_the_run_goes_on()
    {
        var spec = Spec with { Horizon = 20 };
        var whole = ExperimentRunner.Default.Run(spec)!;
        Directory.CreateDirectory(_dir);
        File.WriteAllText(Path.Combine(_dir, CheckpointFiles.FolderName), "a file where the folder would be");
        var notes = new List<string>();
        var record = ExperimentRunner.Default.Run(spec, checkpoints: new CheckpointFiles(_dir, resume: true) { Note = notes.Add })!;
        Assert.Equal(WithoutWallTimes(whole), WithoutWallTimes(record));
        Assert.Equal(3, notes.Count(n => n.Contains("could not be written") && n.Contains("the run goes on"))); // t = 1, 10^0.5, 10
    }

    [Fact]
    public void Without_resume_a_checkpoint_is_neither_read_nor_kept_from_before()
    {
        var files = new CheckpointFiles(_dir, resume: false);
        files.Save("k", [1, 2, 3]);
        Assert.Null(files.Load("k"));
        Assert.Equal(new byte[] { 1, 2, 3 }, new CheckpointFiles(_dir, resume: true).Load("k"));
    }

    /// <summary>
    /// The file is replaced by a rename, never rewritten in place: a reader that opened the old checkpoint still reads all
    /// of it, and no temporary file is left.
    /// </summary>
    [Fact]
    public void The_checkpoint_file_is_replaced_whole()
    {
        var files = new CheckpointFiles(_dir, resume: true);
        var old = Enumerable.Range(0, 100_000).Select(i => (byte)i).ToArray();
        files.Save("k", old);
        using var reader = new FileStream(files.PathOf("k"), FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        var fresh = Enumerable.Repeat((byte)7, 50_000).ToArray();
        files.Save("k", fresh);
        using var copy = new MemoryStream();
        reader.CopyTo(copy);
        Assert.Equal(old, copy.ToArray());
        Assert.Equal(fresh, files.Load("k"));
        Assert.Equal([files.PathOf("k")], Directory.GetFiles(Path.GetDirectoryName(files.PathOf("k"))!));
    }

    [Fact]
    public void The_field_enters_the_key_only_when_set_and_only_for_the_filippov_flow()
    {
        Assert.DoesNotContain("checkpointsPerDecade", CanonicalSpec.ToJson(new ExperimentSpec()));
        Assert.Contains("\"checkpointsPerDecade\":8", CanonicalSpec.ToJson(new ExperimentSpec { CheckpointsPerDecade = 8 }));
        Assert.NotEqual(CanonicalSpec.Hash(new ExperimentSpec()), CanonicalSpec.Hash(new ExperimentSpec { CheckpointsPerDecade = 8 }));
        Assert.Equal(8, SpecReader.Parse("""{"checkpointsPerDecade": 8}""").CheckpointsPerDecade);
        var e = Assert.Throws<SpecException>(() => SpecReader.Parse("""{"checkpointsPerDecade": 8, "solver": "gd"}"""));
        Assert.Contains(e.Errors, x => x.Message.Contains("checkpoints are for the Filippov flow"));
        Assert.Throws<SpecException>(() => SpecReader.Parse("""{"checkpointsPerDecade": -1}"""));
    }
}
