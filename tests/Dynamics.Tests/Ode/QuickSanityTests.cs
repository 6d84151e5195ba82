using SimplicityBias.Dynamics.Ode;
using Xunit.Abstractions;

namespace SimplicityBias.Dynamics.Tests.Ode;

public class QuickSanityTests(ITestOutputHelper output)
{
    [Fact]
    public void Print_basic_runs()
    {
        foreach (OdeAlgorithm alg in new OdeAlgorithm[] { new Dopri5(), new Dop853(), new Rodas4(), new AutoSwitch() })
        {
            var sol = OdeSolver.Solve(TestProblems.Harmonic(10), alg, new OdeOptions { RelativeTolerance = 1e-8, AbsoluteTolerance = 1e-10 });
            var ex = TestProblems.HarmonicExact(10);
            output.WriteLine($"{sol} err={Math.Abs(sol.Final[0] - ex[0]):G3}");
            var r = OdeSolver.Solve(TestProblems.Riccati(5), alg, new OdeOptions { RelativeTolerance = 1e-8, AbsoluteTolerance = 1e-10 });
            output.WriteLine($"  riccati {r.ReturnCode} err={Math.Abs(r.Final[0] - TestProblems.RiccatiExact(5)):G3} {r.Statistics}");
        }
        foreach (OdeAlgorithm alg in new OdeAlgorithm[] { new Dopri5(), new Dop853() })
            foreach (double tol in new[] { 1e-6, 1e-10 })
            {
                var s = OdeSolver.Solve(TestProblems.Arenstorf(), alg, new OdeOptions { RelativeTolerance = tol, AbsoluteTolerance = tol });
                output.WriteLine($"arenstorf {alg} {tol}: dy0={s.Final[0] - TestProblems.ArenstorfY0[0]:G3} dy1={s.Final[1]:G3} {s.Statistics}");
            }
        foreach (OdeAlgorithm alg in new OdeAlgorithm[] { new Rodas4(), new AutoSwitch() })
            foreach (double tol in new[] { 1e-6, 1e-8 })
            {
                var s = OdeSolver.Solve(TestProblems.VanDerPol(), alg, new OdeOptions { RelativeTolerance = tol, AbsoluteTolerance = tol });
                output.WriteLine($"vdp {alg} {tol}: {s.ReturnCode} y={s.Final[0]:R},{s.Final[1]:R} rel={(s.Final[0] - TestProblems.VdpReference[0]) / TestProblems.VdpReference[0]:G3} {s.Statistics}");
                var rb = OdeSolver.Solve(TestProblems.Robertson(1e5), alg, new OdeOptions { RelativeTolerance = tol, AbsoluteTolerances = [tol * 1e-2, tol * 1e-6, tol * 1e-2] });
                output.WriteLine($"rober {alg} {tol}: {rb.ReturnCode} rel={(rb.Final[0] - TestProblems.Robertson1e5[0]) / TestProblems.Robertson1e5[0]:G3},{(rb.Final[1] - TestProblems.Robertson1e5[1]) / TestProblems.Robertson1e5[1]:G3} {rb.Statistics}");
            }
    }
}
