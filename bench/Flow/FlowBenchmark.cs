using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using SimplicityBias.Dynamics.Network;

namespace SimplicityBias.Bench.Flow;

/// <summary>
/// Wall time of GradientFlow.Integrate (Filippov mode, rtol 1e-6) on the reference problem R1 (n = 500, d = 5, m = 100)
/// to horizons 10 and 100. One invocation per iteration (Monitoring strategy): each run takes seconds.
/// Run: `bench bdn --filter *FlowBenchmark*`.
/// </summary>
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 1, iterationCount: 3)]
public class FlowBenchmark
{
    /// <summary>Flow-time horizon.</summary>
    [Params(10.0, 100.0)]
    public double Horizon { get; set; }

    Dataset _train = null!;
    NetworkParameters _init = null!;
    FlowOptions _options = null!;

    [GlobalSetup]
    public void Setup()
    {
        (_train, var test, _init) = ReferenceProblems.Build("r1");
        _options = new FlowOptions { Horizon = Horizon, Lambda = ReferenceProblems.Lambda, TestSet = test };
    }

    /// <summary>Integrates R1 to the horizon; returns the final loss.</summary>
    [Benchmark]
    public double IntegrateR1() => GradientFlow.Integrate(_train, _init, _options).FinalLoss;
}
