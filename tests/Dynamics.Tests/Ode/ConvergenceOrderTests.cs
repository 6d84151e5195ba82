using SimplicityBias.Dynamics.Ode;
using Xunit.Abstractions;

namespace SimplicityBias.Dynamics.Tests.Ode;

/// <summary>Fixed-step global error vs step size: the fitted log-log slope must be within 0.3 of the order.</summary>
public class ConvergenceOrderTests(ITestOutputHelper output)
{
    private static double GlobalError(OdeProblem problem, OdeAlgorithm algorithm, int steps, Func<double, double[]> exact)
    {
        double h = (problem.T1 - problem.T0) / steps;
        var sol = OdeSolver.Solve(problem, algorithm, new OdeOptions { FixedStep = h, MaxSteps = steps + 10 });
        Assert.Equal(OdeReturnCode.Success, sol.ReturnCode);
        Assert.Equal(steps, sol.Statistics.AcceptedSteps);
        double[] ex = exact(problem.T1);
        double err = 0;
        for (int i = 0; i < ex.Length; i++) err = Math.Max(err, Math.Abs(sol.Final[i] - ex[i]));
        return err;
    }

    private double FittedSlope(OdeProblem problem, OdeAlgorithm algorithm, int[] steps, Func<double, double[]> exact)
    {
        var xs = new double[steps.Length];
        var ys = new double[steps.Length];
        for (int k = 0; k < steps.Length; k++)
        {
            double h = (problem.T1 - problem.T0) / steps[k];
            double e = GlobalError(problem, algorithm, steps[k], exact);
            output.WriteLine($"{algorithm} N={steps[k]} h={h:G4} err={e:G4}");
            xs[k] = Math.Log(h);
            ys[k] = Math.Log(e);
        }
        double mx = xs.Average(), my = ys.Average(), sxy = 0, sxx = 0;
        for (int k = 0; k < xs.Length; k++)
        {
            sxy += (xs[k] - mx) * (ys[k] - my);
            sxx += (xs[k] - mx) * (xs[k] - mx);
        }
        double slope = sxy / sxx;
        output.WriteLine($"{algorithm}: slope {slope:F3}");
        return slope;
    }

    public static TheoryData<string, int> Methods => new()
    {
        { "Dopri5", 5 },
        { "Dop853", 8 },
        { "Rodas4", 4 },
    };

    private static OdeAlgorithm Make(string name) => name switch
    {
        "Dopri5" => new Dopri5(),
        "Dop853" => new Dop853(),
        "Rodas4" => new Rodas4(),
        _ => throw new ArgumentException(name),
    };

    private static int[] StepsFor(string name) => name switch
    {
        "Dop853" => [12, 16, 24, 32, 48],
        _ => [40, 80, 160, 320, 640],
    };



    [Theory]
    [MemberData(nameof(Methods))]
    public void Harmonic_oscillator_slope_matches_order(string method, int order)
    {
        double slope = FittedSlope(TestProblems.Harmonic(10), Make(method), StepsFor(method), TestProblems.HarmonicExact);
        Assert.InRange(slope, order - 0.3, order + 0.3);
    }

    [Theory]
    [MemberData(nameof(Methods))]
    public void Nonautonomous_exp_sin_slope_matches_order(string method, int order)
    {
        // On [0, 10] the leading global error term of Rodas4 nearly cancels for this problem (observed slope 5.1);
        // on [0, 1] it does not, and the asymptotic order 4 shows.
        bool rodas = method == "Rodas4";
        OdeProblem problem = TestProblems.ExpSin(rodas ? 1 : 10);
        int[] steps = rodas ? [10, 20, 40, 80, 160] : StepsFor(method);
        double slope = FittedSlope(problem, Make(method), steps, t => [TestProblems.ExpSinExact(t)]);
        Assert.InRange(slope, order - 0.3, order + 0.3);
    }

    [Theory]
    [InlineData("Dopri5", 4)]
    [InlineData("Dop853", 7)]
    [InlineData("Rodas4", 3)]
    public void Dense_output_error_shrinks_with_its_order(string method, int denseOrder)
    {
        // Local dense error: one step of size h from t = 0.3, compared at the middle of the step with the exact
        // solution; the local error of an order-p interpolant is O(h^(p+1)).
        double[] hs = [0.4, 0.2, 0.1, 0.05];
        var xs = new List<double>();
        var ys = new List<double>();
        foreach (double h in hs)
        {
            OdeProblem p = TestProblems.Riccati(5);
            OdeStepper stepper = Make(method).CreateStepper(p, new OdeStatistics());
            stepper.Reset(0.3, [TestProblems.RiccatiExact(0.3)]);
            double err = stepper.Attempt(h, 1e-6, [1e-6]);
            Assert.True(double.IsFinite(err));
            stepper.Accept();
            var y = new double[1];
            double worst = 0;
            foreach (double theta in new[] { 0.3, 0.5, 0.7 })
            {
                stepper.Interpolate(0.3 + theta * h, y);
                worst = Math.Max(worst, Math.Abs(y[0] - TestProblems.RiccatiExact(0.3 + theta * h)));
            }
            output.WriteLine($"{method} h={h} dense err={worst:G4}");
            xs.Add(Math.Log(h));
            ys.Add(Math.Log(worst));
        }
        double slope = (ys[^1] - ys[0]) / (xs[^1] - xs[0]);
        output.WriteLine($"{method}: local dense slope {slope:F3}");
        Assert.InRange(slope, denseOrder + 1 - 0.5, denseOrder + 1 + 1.5);
    }
}
