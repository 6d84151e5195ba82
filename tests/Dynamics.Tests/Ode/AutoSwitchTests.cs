using SimplicityBias.Dynamics.Ode;
using Xunit.Abstractions;

namespace SimplicityBias.Dynamics.Tests.Ode;

public class AutoSwitchTests(ITestOutputHelper output)
{
    [Fact]
    public void Switches_to_the_stiff_method_on_van_der_pol_and_saves_most_evaluations()
    {
        // Van der Pol mu = 1000 over half the span (one slow phase and the first fast jump near t = 0.81).
        OdeProblem p = TestProblems.VanDerPol(1.0);
        var options = new OdeOptions { RelativeTolerance = 1e-6, AbsoluteTolerance = 1e-6, MaxSteps = 10_000_000 };
        var auto = OdeSolver.Solve(p, new AutoSwitch(), options);
        var explicitOnly = OdeSolver.Solve(p, new Dopri5(), options);
        output.WriteLine(auto.ToString());
        output.WriteLine(explicitOnly.ToString());
        Assert.Equal(OdeReturnCode.Success, auto.ReturnCode);
        Assert.Equal(OdeReturnCode.Success, explicitOnly.ReturnCode);
        Assert.True(auto.Statistics.MethodSwitches >= 1);
        Assert.True(auto.Statistics.StiffSteps > auto.Statistics.AcceptedSteps / 2, "most steps should be stiff ones");
        Assert.True(auto.Statistics.FunctionEvaluations * 20 < explicitOnly.Statistics.FunctionEvaluations,
            $"auto {auto.Statistics.FunctionEvaluations} vs Dopri5 {explicitOnly.Statistics.FunctionEvaluations}");
        // Both agree on the answer.
        Assert.True(Math.Abs(auto.Final[0] - explicitOnly.Final[0]) < 1e-4);
    }

    [Fact]
    public void Stays_explicit_on_a_nonstiff_problem()
    {
        var options = new OdeOptions { RelativeTolerance = 1e-8, AbsoluteTolerance = 1e-8, Controller = PidController.Integral() };
        var sol = OdeSolver.Solve(TestProblems.Arenstorf(), new AutoSwitch(), options);
        Assert.Equal(0, sol.Statistics.MethodSwitches);
        Assert.Equal(0, sol.Statistics.JacobianEvaluations);
        // Same controller, same steps: identical bits to plain Dopri5.
        var dp5 = OdeSolver.Solve(TestProblems.Arenstorf(), new Dopri5(), options);
        Assert.Equal(dp5.Final, sol.Final);
    }

    [Fact]
    public void Switches_back_to_the_explicit_method_when_stiffness_ends()
    {
        // y' = -lambda(t) (y - sin t) with lambda = 1e5 for t < 1 and 1 afterwards (smoothly): stiff, then not.
        static double Lambda(double t) => 1 + 1e5 * 0.5 * (1 - Math.Tanh(20 * (t - 1)));
        var p = new OdeProblem((t, y, dy) => dy[0] = -Lambda(t) * (y[0] - Math.Sin(t)), [0.5], 0, 30,
            (t, y, j) => j[0] = -Lambda(t));
        var sol = OdeSolver.Solve(p, new AutoSwitch(), new OdeOptions { RelativeTolerance = 1e-6, AbsoluteTolerance = 1e-8 });
        output.WriteLine(sol.ToString());
        Assert.Equal(OdeReturnCode.Success, sol.ReturnCode);
        Assert.True(sol.Statistics.MethodSwitches >= 2, $"switches {sol.Statistics.MethodSwitches}");
        Assert.True(sol.Statistics.StiffSteps < sol.Statistics.AcceptedSteps);
    }
}
