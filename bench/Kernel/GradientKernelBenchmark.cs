using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using SimplicityBias.Dynamics.Network;

namespace SimplicityBias.Bench.Kernel;

/// <summary>BenchmarkDotNet timing of one loss-and-gradient evaluation, with a GFLOP/s column (4 n m d / mean time).</summary>
[Config(typeof(GflopsConfig))]
[SimpleJob(launchCount: 1, warmupCount: 1, iterationCount: 3)]
public class GradientKernelBenchmark
{
    public IEnumerable<string> Sizes => new[] { "500,100,5", "10000,100,5", "100000,100,10" };

    /// <summary>n,m,d.</summary>
    [ParamsSource(nameof(Sizes))]
    public string Size { get; set; } = "10000,100,5";

    [Params(Activation.Relu)]
    public Activation Activation { get; set; }

    KernelProblem _p = null!;

    [GlobalSetup]
    public void Setup()
    {
        var s = Size.Split(',');
        _p = new KernelProblem(int.Parse(s[0]), int.Parse(s[1]), int.Parse(s[2]), Activation);
    }

    [Benchmark]
    public double Evaluate() => _p.Evaluate();

    sealed class GflopsConfig : ManualConfig
    {
        public GflopsConfig() { AddColumn(new GflopsColumn()); }
    }

    /// <summary>GFLOP/s = 4 n m d / mean time of the case.</summary>
    sealed class GflopsColumn : IColumn
    {
        public string Id => "GFLOPs";
        public string ColumnName => "GFLOP/s";
        public bool AlwaysShow => true;
        public ColumnCategory Category => ColumnCategory.Custom;
        public int PriorityInCategory => 0;
        public bool IsNumeric => true;
        public UnitType UnitType => UnitType.Dimensionless;
        public string Legend => "4 n m d flops per evaluation / mean time";
        public bool IsAvailable(Summary summary) => true;
        public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
        public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
        {
            var report = summary[benchmarkCase];
            if (report?.ResultStatistics is not { } stats) return "NA";
            var size = (string)benchmarkCase.Parameters["Size"];
            var s = size.Split(',');
            double flops = 4.0 * double.Parse(s[0]) * double.Parse(s[1]) * double.Parse(s[2]);
            return (flops / stats.Mean).ToString("F2"); // Mean is in ns: flops/ns = GFLOP/s
        }
    }
}
