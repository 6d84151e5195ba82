using BenchmarkDotNet.Attributes;
using SimplicityBias.Dynamics.Ode;

namespace SimplicityBias.Bench.Ode;

/// <summary>
/// Wall time of the project's ODE solvers on the textbook problems at rtol = atol = 1e-6 (Robertson: atol = 1e-8, 1e-12, 1e-8).
/// Explicit solvers on the non-stiff orbit, implicit and switching solvers on the stiff ones (an explicit solver on
/// Van der Pol mu = 1000 needs millions of steps: bench/Ode/RESULTS.md). Run: `bench bdn --filter *OdeSolverBenchmark*`.
/// </summary>
[SimpleJob(launchCount: 1, warmupCount: 1, iterationCount: 3)]
public class OdeSolverBenchmark
{
    /// <summary>Problem and solver, as "problem/solver".</summary>
    [Params("Arenstorf/Dopri5", "Arenstorf/Dop853", "VanDerPol/Rodas4", "VanDerPol/AutoSwitch", "Robertson/Rodas4", "Robertson/AutoSwitch")]
    public string Case { get; set; } = "Arenstorf/Dopri5";

    OdeProblem _problem = null!;
    OdeAlgorithm _algorithm = null!;
    OdeOptions _options = null!;

    [GlobalSetup]
    public void Setup()
    {
        var parts = Case.Split('/');
        _problem = parts[0] switch
        {
            "Arenstorf" => TextbookProblems.Arenstorf(),
            "VanDerPol" => TextbookProblems.VanDerPol(),
            "Robertson" => TextbookProblems.Robertson(),
            _ => throw new ArgumentException($"unknown problem '{parts[0]}'", nameof(Case)),
        };
        _algorithm = parts[1] switch
        {
            "Dopri5" => new Dopri5(),
            "Dop853" => new Dop853(),
            "Rodas4" => new Rodas4(),
            "AutoSwitch" => new AutoSwitch(),
            _ => throw new ArgumentException($"unknown solver '{parts[1]}'", nameof(Case)),
        };
        _options = parts[0] == "Robertson"
            ? new OdeOptions { RelativeTolerance = 1e-6, AbsoluteTolerances = [1e-8, 1e-12, 1e-8] }
            : new OdeOptions { RelativeTolerance = 1e-6, AbsoluteTolerance = 1e-6 };
    }

    /// <summary>One solve; returns the first component of the final state so the work is not elided.</summary>
    [Benchmark]
    public double Solve() => OdeSolver.Solve(_problem, _algorithm, _options).Final[0];
}
