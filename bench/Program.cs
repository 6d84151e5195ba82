namespace SimplicityBias.Bench;

/// <summary>Benchmarks entry point: `dotnet run -c Release --project bench -- &lt;command&gt;`.</summary>
public static class Program
{
    const string Usage = """
        usage: bench <command>
          r1 | r2 | r3 [--horizon T] [--rtol R] [--atol A] [--max-step H] [--stationarity G] [--from FILE] [--plain] [--no-stiff] [--dense-crossings] [--quiet] [--save-final FILE] [--spread K] [--seeds K] [--seed S]
                                                              gradient-flow reference problems (--spread: K tolerances in [0.8, 1.25] rtol; --seeds: K other instances)
          export r1|r2|r3 DIR                                        train.csv, test.csv, theta0.csv for bench/sidebyside
          gd r1|r2|r3 [--lr ETA] [--horizon T] [--quiet] [--save-final FILE] the toolkit's gradient descent on a reference problem
          memory [--n N] [--d D] [--m M] [--horizon T]               peak working set of a run (default n = 1e6, d = 10, m = 100, t = 1e-2)
          kernel [--size n,m,d] [--repeats k] [--masked] [--gelu] [--path P]  gradient kernel GFLOP/s (Stopwatch; --masked: the integrator's path; P: vector512, vector256, vector128, scalar)
          ode-table [--dir bench/Ode]                                ODE solver work on textbook problems
          spectrum r1|r2|r3 [--horizon T]                           Hessian spectrum at the flow's endpoint (what stiffness there is)
          compare n d m T seed                                       flow against small-step gradient descent
          endpoint SPEC [--gd-lr ETA] [--gd-time T]                  an experiment's endpoint: activation sets per sign, and gradient descent from it
          extremal-enum [d:n ...]                                    wall time of the exact extremal-vector enumeration
          extremal-recall [--sets K] [--walks W] [d:n ...]           recall by kind of the face search and the flow search against it
          extremal-time data.csv                                     wall time of the parts of a run's extremal computation
          bdn [BenchmarkDotNet args]                                 the BenchmarkDotNet suites
        """;

    /// <summary>Entry point.</summary>
    public static int Main(string[] args)
    {
        string cmd = args.Length > 0 ? args[0] : "";
        switch (cmd)
        {
            case "r1": case "r2": case "r3": case "f10": case "n1m": return Flow.ReferenceProblems.Run(args);
            case "patterns": return Late.PatternGroups.Run(args);
            case "grouped-quick": return Kernel.GroupedQuick.Run(args[1..]);
            case "compare": return Flow.Compare.Run(args);
            case "endpoint": return Flow.Endpoint.Run(args);
            case "spectrum": return Flow.Spectrum.Run(args);
            case "export": return Flow.Export.Run(args);
            case "gd": return Flow.DescentRun.Run(args);
            case "memory": return Memory.MemoryProbe.Run(args[1..]);
            case "kernel": return Kernel.KernelQuick.Run(args[1..]);
            case "block-quick": return Kernel.BlockQuick.Run(args[1..]);
            case "ode-table": return Ode.OdeTable.Run(args[1..]);
            case "extremal-enum": return Extremal.ExtremalBench.Enumerate(args[1..]);
            case "extremal-recall": return Extremal.ExtremalBench.Recall(args[1..]);
            case "extremal-time": return Extremal.ExtremalBench.Time(args[1..]);
            case "bdn":
                BenchmarkDotNet.Running.BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args[1..]);
                return 0;
            default:
                Console.Error.WriteLine(Usage);
                return 2;
        }
    }
}
