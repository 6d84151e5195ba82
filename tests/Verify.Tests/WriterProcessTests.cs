using System.Diagnostics;
using SimplicityBias.Verify.Cli;
using SimplicityBias.Verify.Running;
using SimplicityBias.Verify.Sweeps;

namespace SimplicityBias.Verify.Tests;

/// <summary>
/// Real simbias processes on one results directory: a second writer is refused while the first runs, a killed writer
/// leaves the directory free (a requeued Slurm task may start), SIGTERM stops cleanly with the report written.
/// Every wait is bounded and every started process is killed at the end.
/// </summary>
public class WriterProcessTests : IDisposable
{
    private readonly TempDir tmp = new();
    private readonly List<Process> started = [];

    public void Dispose()
    {
        foreach (var p in started)
        {
            try { if (!p.HasExited) p.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
            p.Dispose();
        }
        tmp.Dispose();
    }

    private static readonly string ToolDll = Path.Combine(Path.GetDirectoryName(typeof(CliApp).Assembly.Location)!, "simbias.dll");
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(60);

    private Process Start(params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(ToolDll);
        foreach (var a in args) psi.ArgumentList.Add(a);
        var p = Process.Start(psi)!;
        started.Add(p);
        return p;
    }

    private static (int Code, string Err) Finish(Process p)
    {
        var err = p.StandardError.ReadToEndAsync();
        var output = p.StandardOutput.ReadToEndAsync();
        Assert.True(p.WaitForExit(Limit), "simbias did not end within the time limit");
        return (p.ExitCode, err.Result + output.Result);
    }

    // Long enough (40 runs on one thread) to be caught while it runs.
    private string LongSweep()
    {
        var path = tmp["long.json"];
        File.WriteAllText(path, """{"name": "long", "base": {"d": 2, "m": 30, "testN": 100, "horizon": 1e4, "lambda": 1e-6}, "grid": {"n": [100, 200, 300, 400], "seed": [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]}}""");
        return path;
    }

    /// <summary>Waits until the writer has recorded a run (so it holds the lock); bounded.</summary>
    private static void WaitForFirstRecord(string dir, Process writer)
    {
        var file = Path.Combine(dir, ResultStore.MainFile);
        var clock = Stopwatch.StartNew();
        while (!(File.Exists(file) && File.ReadAllText(file).Contains('\n')))
        {
            Assert.False(writer.HasExited, "the writer ended before recording a run");
            Assert.True(clock.Elapsed < Limit, "no run was recorded within the time limit");
            Thread.Sleep(100);
        }
    }

    [Fact]
    public void A_second_writer_is_refused_and_a_killed_one_frees_the_directory()
    {
        var dir = tmp["out"];
        var spec = LongSweep();
        var first = Start("sweep", spec, "--out", dir, "--threads", "1", "--no-progress");
        WaitForFirstRecord(dir, first);

        var (code, err) = Finish(Start("sweep", spec, "--out", dir, "--threads", "1", "--no-progress", "--resume"));
        Assert.Equal(2, code);
        Assert.Contains("being written by another simbias process", err);

        first.Kill(); // SIGKILL, as a Slurm preemption or an OOM kill would
        Assert.True(first.WaitForExit(Limit));
        using (var again = WriterLock.TryAcquire(Path.Combine(dir, ResultStore.MainFile)))
            Assert.NotNull(again); // requeue-safe: the kernel dropped the lock with the process
        foreach (var line in File.ReadAllLines(Path.Combine(dir, ResultStore.MainFile)).SkipLast(1))
            Assert.NotNull(RunRecord.TryParse(line)); // at most the last line is cut short by the kill
    }

    [Fact]
    public void Sigterm_stops_like_ctrl_c_keeping_finished_runs_and_writing_the_report()
    {
        var dir = tmp["out"];
        var writer = Start("sweep", LongSweep(), "--out", dir, "--threads", "1", "--no-progress");
        WaitForFirstRecord(dir, writer);
        using (var kill = Process.Start("kill", ["-TERM", writer.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            Assert.True(kill.WaitForExit(Limit));
        var (code, err) = Finish(writer);
        Assert.Equal(130, code);
        Assert.Contains("SIGTERM", err);
        Assert.True(File.Exists(Path.Combine(dir, "report.md")));
        var lines = File.ReadAllLines(Path.Combine(dir, ResultStore.MainFile));
        Assert.NotEmpty(lines);
        Assert.All(lines, l => Assert.NotNull(RunRecord.TryParse(l)));
    }

    [Fact]
    public void In_one_process_the_lock_is_exclusive_too()
    {
        var file = tmp["runs.jsonl"];
        using var a = WriterLock.TryAcquire(file);
        Assert.NotNull(a);
        Assert.Null(WriterLock.TryAcquire(file));
    }
}
