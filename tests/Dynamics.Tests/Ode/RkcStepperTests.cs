using SimplicityBias.Dynamics.Ode;

namespace SimplicityBias.Dynamics.Tests.Ode;

/// <summary>The Runge-Kutta-Chebyshev algorithm, its spectral-radius estimate and the stiffness switch, on textbook problems.</summary>
public class RkcStepperTests
{
    const int Points = 60;
    const double Dx = 1.0 / (Points + 1);

    /// <summary>u_t = u_xx on (0, 1), u = 0 at both ends, second differences on 60 interior points.</summary>
    static OdeProblem Heat(double t1, double[] u0) => new((t, u, du) =>
    {
        for (int i = 0; i < Points; i++)
        {
            double left = i > 0 ? u[i - 1] : 0, right = i < Points - 1 ? u[i + 1] : 0;
            du[i] = (left - 2 * u[i] + right) / (Dx * Dx);
        }
    }, u0, 0, t1);

    /// <summary>The k-th eigenvalue of the second-difference matrix: -4 / dx^2 sin^2(k pi dx / 2).</summary>
    static double Eigenvalue(int k) => -4 / (Dx * Dx) * Math.Pow(Math.Sin(k * Math.PI * Dx / 2), 2);

    static double Mode(int k, int i) => Math.Sin(k * Math.PI * (i + 1) * Dx);

    /// <summary>
    /// sin(pi x) + sin(3 pi x) decays mode by mode, exactly exp(lambda_k t) for the semi-discrete system: RKC matches
    /// it to the tolerance with far fewer evaluations than Dormand-Prince, whose step the stiffest mode
    /// (|lambda| ~ 1.5e4) holds at its stability boundary.
    /// </summary>
    [Fact]
    public void Solves_the_heat_equation_against_its_exact_solution_with_fewer_evaluations_than_Dopri5()
    {
        var u0 = new double[Points];
        for (int i = 0; i < Points; i++) u0[i] = Mode(1, i) + Mode(3, i);
        const double t1 = 0.5;
        var options = new OdeOptions { RelativeTolerance = 1e-6, AbsoluteTolerance = 1e-10 };
        var rkc = OdeSolver.Solve(Heat(t1, u0), new Rkc(), options);
        var dp5 = OdeSolver.Solve(Heat(t1, u0), new Dopri5(), options);
        Assert.Equal(OdeReturnCode.Success, rkc.ReturnCode);
        double worst = 0;
        for (int i = 0; i < Points; i++)
        {
            double exact = Math.Exp(Eigenvalue(1) * t1) * Mode(1, i) + Math.Exp(Eigenvalue(3) * t1) * Mode(3, i);
            worst = Math.Max(worst, Math.Abs(rkc.Final[i] - exact));
        }
        Assert.True(worst < 1e-6, $"largest error {worst:G3} (solution ~ {Math.Exp(Eigenvalue(1) * t1):G3})");
        Assert.True(rkc.Statistics.FunctionEvaluations * 2 < dp5.Statistics.FunctionEvaluations,
            $"RKC used {rkc.Statistics.FunctionEvaluations} evaluations, Dopri5 {dp5.Statistics.FunctionEvaluations}");
    }

    /// <summary>On y' = cos t (exact sin t) with fixed steps the error falls as h^2: the stages see their own times.</summary>
    [Fact]
    public void Is_second_order_on_a_time_dependent_problem()
    {
        double Error(double h)
        {
            var p = new OdeProblem((t, y, dy) => { dy[0] = Math.Cos(5 * t); dy[1] = -10 * (y[1] - Math.Sin(t)); }, [0.0, 0.0], 0, 2);
            var s = OdeSolver.Solve(p, new Rkc(), new OdeOptions { FixedStep = h });
            return Math.Abs(s.Final[0] - Math.Sin(10) / 5);
        }
        double e1 = Error(0.02), e2 = Error(0.01);
        Assert.InRange(Math.Log2(e1 / e2), 1.8, 2.3);
    }

    /// <summary>
    /// y' = 2t: a second-order method is exact on a quadratic solution, and so is the dense output between its steps
    /// (the cubic Hermite interpolant of the end values and slopes); a wrong slope or a wrong end would show.
    /// </summary>
    [Fact]
    public void Dense_output_is_exact_on_a_quadratic()
    {
        var p = new OdeProblem((t, y, dy) => dy[0] = 2 * t, [0.0], 0, 1);
        var s = OdeSolver.Solve(p, new Rkc(), new OdeOptions { FixedStep = 0.5, SaveAt = [0.3, 0.8] });
        Assert.Equal(2, s.SavedStates.Count);
        Assert.Equal(0.09, s.SavedStates[0][0], 12);
        Assert.Equal(0.64, s.SavedStates[1][0], 12);
        Assert.Equal(1.0, s.Final[0], 12);
    }

    /// <summary>The power iteration finds the largest |eigenvalue| of the heat operator (times its 1.2 margin).</summary>
    [Fact]
    public void Spectral_radius_estimate_finds_the_stiffest_mode()
    {
        var u = new double[Points];
        for (int i = 0; i < Points; i++) u[i] = Mode(1, i);
        var problem = Heat(1, u);
        var f = new double[Points];
        problem.Rhs(0, u, f);
        var estimator = new SpectralRadiusEstimator();
        double rho = estimator.Estimate(problem.Rhs, 0, u, f, new double[Points], new double[Points], 200);
        double exact = -Eigenvalue(Points);
        // It stops once two iterates agree to 1%, which on a spectrum this dense is within ~15% below the top.
        Assert.InRange(rho / SpectralRadiusEstimator.Margin, 0.8 * exact, 1.0001 * exact);
        Assert.Equal(1, estimator.Estimates);
    }

    /// <summary>Hysteresis: stiff after 15 net verdicts above 3, back after 10 steps in a row below 2.</summary>
    [Fact]
    public void Stiffness_switch_needs_net_verdicts_and_a_run_of_stable_steps()
    {
        var policy = new StiffnessSwitch();
        for (int i = 0; i < 14; i++) Assert.False(policy.Update(3.5));
        Assert.False(policy.Update(1.0)); // takes one verdict back
        Assert.False(policy.Update(3.5));
        Assert.True(policy.Update(3.5));
        Assert.True(policy.Stiff);
        for (int i = 0; i < 9; i++) Assert.False(policy.Update(1.0));
        Assert.False(policy.Update(5.0)); // the run is broken
        for (int i = 0; i < 9; i++) Assert.False(policy.Update(1.0));
        Assert.True(policy.Update(1.0));
        Assert.False(policy.Stiff);
        Assert.Equal(2, policy.Switches);
    }
}
