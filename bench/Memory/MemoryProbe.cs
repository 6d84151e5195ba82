using System.Diagnostics;
using System.Globalization;
using SimplicityBias.Dynamics.Network;
using SimplicityBias.Theory.Data;

namespace SimplicityBias.Bench.Memory;

/// <summary>
/// `bench memory [--n N] [--d D] [--m M] [--horizon T]`: builds a StandardLinear run (default n = 1,000,000, d = 10,
/// m = 100, balanced init lambda = 1e-3), integrates the flow to a small horizon (default 1e-2) and reports the peak
/// working set (Process.PeakWorkingSet64) after the data, after the run, and the GC's view (heap, allocations, pauses).
/// </summary>
public static class MemoryProbe
{
    /// <summary>Runs the probe; returns the exit code.</summary>
    public static int Run(string[] args)
    {
        int n = (int)Option(args, "--n", 1_000_000), d = (int)Option(args, "--d", 10), m = (int)Option(args, "--m", 100);
        double horizon = Option(args, "--horizon", 1e-2);
        var proc = Process.GetCurrentProcess();
        long allocated0 = GC.GetTotalAllocatedBytes(precise: true);
        var sw = Stopwatch.StartNew();
        var train = DataModel.StandardLinear(n, d, 1.0, 1).Generate();
        var init = Initialization.Create(InitKind.Balanced, m, d, 1e-3, 2);
        double dataSeconds = sw.Elapsed.TotalSeconds;
        proc.Refresh();
        long peakAfterData = proc.PeakWorkingSet64, allocatedData = GC.GetTotalAllocatedBytes(precise: true) - allocated0;
        int gen0 = GC.CollectionCount(0), gen1 = GC.CollectionCount(1), gen2 = GC.CollectionCount(2);
        sw.Restart();
        var res = GradientFlow.Integrate(train, init, new FlowOptions { Horizon = horizon });
        double runSeconds = sw.Elapsed.TotalSeconds;
        proc.Refresh();
        long allocatedRun = GC.GetTotalAllocatedBytes(precise: true) - allocated0 - allocatedData;
        var info = GC.GetGCMemoryInfo(GCKind.Any);
        var s = res.Statistics;
        double mb = 1024.0 * 1024.0;
        var inv = CultureInfo.InvariantCulture;
        Console.WriteLine(string.Create(inv, $"memory: n={n} d={d} m={m} horizon={horizon:G3}; x stored twice (X, XT) = {2.0 * n * d * 8 / mb:F0} MB, one n*m double array = {(double)n * m * 8 / mb:F0} MB"));
        Console.WriteLine(string.Create(inv, $"data: {dataSeconds:F1} s, allocated {allocatedData / mb:F0} MB, peak working set {peakAfterData / mb:F0} MB"));
        Console.WriteLine(string.Create(inv, $"run: {res.Code} t={res.Time:G4} rhs={s.RhsEvaluations} accepted={s.AcceptedSteps} rejected={s.RejectedSteps} loss={res.FinalLoss:G8} wall={runSeconds:F1} s"));
        Console.WriteLine(string.Create(inv, $"run allocated {allocatedRun / mb:F0} MB; peak working set {proc.PeakWorkingSet64 / mb:F0} MB (working set now {proc.WorkingSet64 / mb:F0} MB)"));
        Console.WriteLine(string.Create(inv, $"GC: collections gen0/1/2 during run {GC.CollectionCount(0) - gen0}/{GC.CollectionCount(1) - gen1}/{GC.CollectionCount(2) - gen2}, heap {info.HeapSizeBytes / mb:F0} MB, committed {info.TotalCommittedBytes / mb:F0} MB, pause time total {GC.GetTotalPauseDuration().TotalMilliseconds:F0} ms, server GC {System.Runtime.GCSettings.IsServerGC}"));
        GC.KeepAlive(train);
        return 0;
    }

    static double Option(string[] args, string name, double fallback)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? double.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
    }
}
