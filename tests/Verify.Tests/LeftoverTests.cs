using SimplicityBias.Verify.Cli;
using SimplicityBias.Verify.Results;
using SimplicityBias.Verify.Running;
using SimplicityBias.Verify.Specs;

namespace SimplicityBias.Verify.Tests;

/// <summary>What a killed writer leaves is cleaned; a shard answers for its own runs only.</summary>
public class LeftoverTests : IDisposable
{
    private readonly TempDir tmp = new();
    public void Dispose() => tmp.Dispose();

    [Fact]
    public void The_next_write_removes_a_dead_writers_temporary_file_and_keeps_a_live_ones()
    {
        var dead = tmp[AtomicFile.TempPrefix("report.md") + $"{int.MaxValue - 7}.0123.tmp"];
        var live = tmp[AtomicFile.TempPrefix("report.md") + $"{Environment.ProcessId}.4567.tmp"];
        var other = tmp[AtomicFile.TempPrefix("report.html") + $"{int.MaxValue - 7}.89ab.tmp"];
        foreach (var f in new[] { dead, live, other }) File.WriteAllText(f, "partial");
        AtomicFile.WriteAllText(tmp["report.md"], "# report");
        Assert.False(File.Exists(dead));
        Assert.True(File.Exists(live));
        Assert.True(File.Exists(other)); // another file's leftovers wait for that file's next write
        Assert.Equal("# report", File.ReadAllText(tmp["report.md"]));
    }

    [Fact]
    public void A_shard_exits_on_its_own_runs_checks()
    {
        var ok = new ExperimentRunner(new FixedFactory(new ScriptedTrainer()))
            .Run(SpecReader.Parse("""{"d": 2, "n": 40, "m": 4, "testN": 100, "expect": "none"}"""))!;
        var failed = new ExperimentRunner(new FixedFactory(new ScriptedTrainer { IncreasingLoss = true }))
            .Run(SpecReader.Parse("""{"d": 2, "n": 50, "m": 4, "testN": 100, "expect": "none"}"""))!;
        var errored = new ExperimentRunner(new FixedFactory(new ScriptedTrainer { Throw = true }))
            .Run(SpecReader.Parse("""{"d": 2, "n": 60, "m": 4, "testN": 100, "expect": "none"}"""))!;
        Assert.Equal(ExitCodes.Ok, CliApp.ShardExit([ok]));
        Assert.Equal(ExitCodes.CheckFailed, CliApp.ShardExit([ok, failed]));
        Assert.Equal(ExitCodes.CheckFailed, CliApp.ShardExit([ok, errored]));
    }
}
