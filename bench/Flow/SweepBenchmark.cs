using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Engines;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using SimplicityBias.Dynamics.Network;
using SimplicityBias.Theory.Data;

namespace SimplicityBias.Bench.Flow;

/// <summary>
/// Throughput of a sweep: <see cref="Runs"/> independent small flows (n = 200, d = 5, m = 50, lambda = 1e-3, data seeds
/// 1..Runs, horizon 100) in Parallel.For with 1 or 2 threads; the "runs/min" column is Runs / mean time.
/// Run: `bench bdn --filter *SweepBenchmark*`.
/// </summary>
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 1, iterationCount: 3)]
[Config(typeof(RunsPerMinuteConfig))]
public class SweepBenchmark
{
    /// <summary>Runs per sweep.</summary>
    public const int Runs = 8;

    /// <summary>Degree of parallelism of the sweep.</summary>
    [Params(1, 2)]
    public int Threads { get; set; }

    (Dataset Train, NetworkParameters Init)[] _runs = null!;
    FlowOptions _options = null!;

    [GlobalSetup]
    public void Setup()
    {
        _runs = new (Dataset, NetworkParameters)[Runs];
        for (int i = 0; i < Runs; i++)
            _runs[i] = (DataModel.StandardLinear(200, 5, 1.0, i + 1).Generate(), Initialization.Create(InitKind.Balanced, 50, 5, 1e-3, (ulong)(i + 100)));
        _options = new FlowOptions { Horizon = 100, Lambda = 1e-3 };
    }

    /// <summary>The whole sweep; returns the sum of final losses.</summary>
    [Benchmark]
    public double Sweep()
    {
        var loss = new double[Runs];
        Parallel.For(0, Runs, new ParallelOptions { MaxDegreeOfParallelism = Threads },
            i => loss[i] = GradientFlow.Integrate(_runs[i].Train, _runs[i].Init, _options).FinalLoss);
        return loss.Sum();
    }

    sealed class RunsPerMinuteConfig : ManualConfig
    {
        public RunsPerMinuteConfig() { AddColumn(new RunsPerMinuteColumn()); }
    }

    /// <summary>Runs per minute = Runs x 60 s / mean time of one sweep.</summary>
    sealed class RunsPerMinuteColumn : IColumn
    {
        public string Id => "RunsPerMinute";
        public string ColumnName => "runs/min";
        public bool AlwaysShow => true;
        public ColumnCategory Category => ColumnCategory.Custom;
        public int PriorityInCategory => 0;
        public bool IsNumeric => true;
        public UnitType UnitType => UnitType.Dimensionless;
        public string Legend => "runs per minute: Runs x 60 s / mean time of one sweep";
        public bool IsAvailable(Summary summary) => true;
        public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
        public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);
        public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
            => summary[benchmarkCase]?.ResultStatistics is { } s ? (Runs * 60e9 / s.Mean).ToString("F1", System.Globalization.CultureInfo.InvariantCulture) : "NA";
    }
}
