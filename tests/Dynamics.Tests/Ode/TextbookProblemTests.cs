using SimplicityBias.Dynamics.Ode;
using Xunit.Abstractions;

namespace SimplicityBias.Dynamics.Tests.Ode;

/// <summary>Textbook problems against published reference values or analytic answers.</summary>
public class TextbookProblemTests(ITestOutputHelper output)
{
    private static double RelErr(double x, double reference) => Math.Abs(x - reference) / Math.Abs(reference);

    [Theory]
    [InlineData("Dopri5", 1e-6, 0.1)]
    [InlineData("Dopri5", 1e-10, 1e-5)]
    [InlineData("Dop853", 1e-6, 0.1)]
    [InlineData("Dop853", 1e-10, 1e-5)]
    public void Arenstorf_orbit_returns_to_its_start_after_one_period(string method, double tol, double bound)
    {
        // The orbit passes close to the moon twice; errors there are amplified about 1e4-fold by the end,
        // hence bounds of 1e5 * tol on the largest component (a velocity).
        OdeAlgorithm alg = method == "Dopri5" ? new Dopri5() : new Dop853();
        var sol = OdeSolver.Solve(TestProblems.Arenstorf(), alg, new OdeOptions { RelativeTolerance = tol, AbsoluteTolerance = tol });
        output.WriteLine(sol.ToString());
        Assert.Equal(OdeReturnCode.Success, sol.ReturnCode);
        Assert.Equal(TestProblems.ArenstorfPeriod, sol.Time);
        double err = 0;
        for (int i = 0; i < 4; i++) err = Math.Max(err, Math.Abs(sol.Final[i] - TestProblems.ArenstorfY0[i]));
        output.WriteLine($"max |y(T) - y0| = {err:G3}");
        Assert.True(err < bound, $"error {err} >= {bound}");
        // Half way round the orbit the state is far from the start: the test would catch a solver that stalls.
        var half = OdeSolver.Solve(TestProblems.Arenstorf().With(t1: TestProblems.ArenstorfPeriod / 2), alg, new OdeOptions { RelativeTolerance = tol, AbsoluteTolerance = tol });
        Assert.True(Math.Abs(half.Final[0] - TestProblems.ArenstorfY0[0]) > 1);
    }

    [Theory]
    [InlineData("Rodas4")]
    [InlineData("AutoSwitch")]
    public void Van_der_pol_mu_1000_matches_the_test_set_reference(string method)
    {
        // Reference: Bari test set / Hairer's VDPOL, mu = 1000 (eps = 1e-6), y(2) in the scaled time; the unscaled
        // form at t = 2000 has the same y1 and y2/mu (-0.8928...e-3).
        OdeAlgorithm alg = method == "Rodas4" ? new Rodas4() : new AutoSwitch();
        var sol = OdeSolver.Solve(TestProblems.VanDerPol(), alg, new OdeOptions { RelativeTolerance = 1e-8, AbsoluteTolerance = 1e-8 });
        output.WriteLine(sol.ToString());
        Assert.Equal(OdeReturnCode.Success, sol.ReturnCode);
        Assert.True(RelErr(sol.Final[0], TestProblems.VdpReference[0]) < 1e-6, $"y1 = {sol.Final[0]:R}");
        Assert.True(RelErr(sol.Final[1], TestProblems.VdpReference[1]) < 1e-6, $"y2 = {sol.Final[1]:R}");
    }

    [Theory]
    [InlineData("Rodas4", true)]
    [InlineData("Rodas4", false)]
    [InlineData("AutoSwitch", true)]
    public void Robertson_to_1e5_matches_published_reference_to_1e_6(string method, bool analyticJacobian)
    {
        OdeAlgorithm alg = method == "Rodas4" ? new Rodas4() : new AutoSwitch();
        var options = new OdeOptions { RelativeTolerance = 1e-8, AbsoluteTolerances = [1e-10, 1e-14, 1e-10], SaveAt = [40.0, 1e5] };
        var sol = OdeSolver.Solve(TestProblems.Robertson(1e5, analyticJacobian), alg, options);
        output.WriteLine(sol.ToString());
        Assert.Equal(OdeReturnCode.Success, sol.ReturnCode);
        for (int i = 0; i < 3; i++)
        {
            Assert.True(RelErr(sol.Final[i], TestProblems.Robertson1e5[i]) < 1e-6, $"y{i + 1}(1e5) = {sol.Final[i]:R}");
            Assert.True(RelErr(sol.SavedStates[0][i], TestProblems.Robertson40[i]) < 1e-6, $"y{i + 1}(40) = {sol.SavedStates[0][i]:R}");
        }
        Assert.Equal(sol.Final, sol.SavedStates[1]);
        if (!analyticJacobian) Assert.True(sol.Statistics.FunctionEvaluations > 3 * sol.Statistics.JacobianEvaluations);
    }

    [Fact]
    public void Robertson_to_1e11_matches_published_reference_to_1e_6()
    {
        var options = new OdeOptions { RelativeTolerance = 1e-8, AbsoluteTolerances = [1e-16, 1e-22, 1e-16] };
        var sol = OdeSolver.Solve(TestProblems.Robertson(1e11), new Rodas4(), options);
        output.WriteLine(sol.ToString());
        Assert.Equal(OdeReturnCode.Success, sol.ReturnCode);
        for (int i = 0; i < 3; i++)
            Assert.True(RelErr(sol.Final[i], TestProblems.Robertson1e11[i]) < 1e-6, $"y{i + 1}(1e11) = {sol.Final[i]:R}");
    }

    public static TheoryData<string> AllMethods => new() { "Dopri5", "Dop853", "Rodas4", "AutoSwitch" };

    private static OdeAlgorithm Make(string name) => name switch
    {
        "Dopri5" => new Dopri5(),
        "Dop853" => new Dop853(),
        "Rodas4" => new Rodas4(),
        _ => new AutoSwitch(),
    };

    [Theory]
    [MemberData(nameof(AllMethods))]
    public void Bouncing_ball_event_times_are_analytic(string method)
    {
        // h'' = -g from h = 1 at rest; at each impact v -> -e v. Impact k+1 comes 2 e^k v1 / g after impact k.
        const double g = 9.81, e = 0.8, h0 = 1.0;
        var problem = new OdeProblem((t, y, dy) => { dy[0] = y[1]; dy[1] = -g; }, [h0, 0.0], 0, 3.0,
            (t, y, j) => { j[0] = 0; j[1] = 1; j[2] = 0; j[3] = 0; }) { IsAutonomous = true };
        var bounce = new OdeEvent((t, y) => y[0], EventDirection.Falling, affect: (t, y) => y[1] = -e * y[1]) { Name = "ground" };
        var sol = OdeSolver.Solve(problem, Make(method), new OdeOptions { RelativeTolerance = 1e-8, AbsoluteTolerance = 1e-10, Events = [bounce] });
        output.WriteLine(sol.ToString());
        Assert.Equal(OdeReturnCode.Success, sol.ReturnCode);
        double t1 = Math.Sqrt(2 * h0 / g), v1 = g * t1;
        var expected = new List<double> { t1 };
        for (int k = 1; expected[^1] + 2 * Math.Pow(e, k) * v1 / g < 3.0; k++) expected.Add(expected[^1] + 2 * Math.Pow(e, k) * v1 / g);
        Assert.Equal(expected.Count, sol.Events.Count);
        Assert.Equal(expected.Count, sol.Statistics.Events);
        for (int k = 0; k < expected.Count; k++)
        {
            double rel = Math.Abs(sol.Events[k].Time - expected[k]) / expected[k];
            output.WriteLine($"impact {k}: t={sol.Events[k].Time:R} exact={expected[k]:R} rel={rel:G3}");
            Assert.True(rel < 1e-11, $"impact {k} at {sol.Events[k].Time:R}, exact {expected[k]:R}");
            Assert.False(sol.Events[k].Rising);
            Assert.True(Math.Abs(sol.Events[k].State[0]) < 1e-9);
        }
        // After the last impact the flight is a parabola: compare the final state with it.
        double tLast = expected[^1], u = Math.Pow(e, expected.Count) * v1, dt = 3.0 - tLast;
        Assert.True(Math.Abs(sol.Final[0] - (u * dt - 0.5 * g * dt * dt)) < 1e-8, $"final height {sol.Final[0]:R}");
        Assert.True(Math.Abs(sol.Final[1] - (u - g * dt)) < 1e-8, $"final velocity {sol.Final[1]:R}");
    }

    [Theory]
    [MemberData(nameof(AllMethods))]
    public void Terminal_event_stops_at_the_apex(string method)
    {
        const double g = 9.81, v0 = 5.0;
        var problem = new OdeProblem((t, y, dy) => { dy[0] = y[1]; dy[1] = -g; }, [0.0, v0], 0, 10.0) { IsAutonomous = true };
        var apex = new OdeEvent((t, y) => y[1], EventDirection.Falling, terminal: true);
        var ignoredRising = new OdeEvent((t, y) => y[1], EventDirection.Rising);
        var sol = OdeSolver.Solve(problem, Make(method), new OdeOptions { Events = [ignoredRising, apex] });
        Assert.Equal(OdeReturnCode.Terminated, sol.ReturnCode);
        Assert.Single(sol.Events);
        Assert.Equal(1, sol.Events[0].EventIndex);
        Assert.True(Math.Abs(sol.Time - v0 / g) < 1e-12 * (v0 / g), $"apex at {sol.Time:R}");
        Assert.True(Math.Abs(sol.Final[0] - v0 * v0 / (2 * g)) < 1e-9);
    }
}
