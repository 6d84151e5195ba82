using MathNet.Numerics.LinearAlgebra;
using SimplicityBias.Dynamics.Ode;
using SimplicityBias.Dynamics.Numerics;

namespace SimplicityBias.Dynamics.Tests.Ode;

/// <summary>The public building blocks used on their own.</summary>
public class BuildingBlockTests
{
    [Fact]
    public void Error_norm_is_the_weighted_rms()
    {
        double n = ErrorNorm.Rms([1e-6, -2e-6], [1.0, -3.0], [2.0, 1.0], 1e-3, 1e-6);
        double e0 = 1e-6 / (1e-6 + 1e-3 * 2), e1 = -2e-6 / (1e-6 + 1e-3 * 3);
        Assert.Equal(Math.Sqrt((e0 * e0 + e1 * e1) / 2), n, 15);
        double v = ErrorNorm.Rms([1e-6, -2e-6], [1.0, -3.0], [2.0, 1.0], 1e-3, [1e-6, 1e-3]);
        double f1 = -2e-6 / (1e-3 + 1e-3 * 3);
        Assert.Equal(Math.Sqrt((e0 * e0 + f1 * f1) / 2), v, 15);
    }

    [Fact]
    public void Controller_accepts_grows_rejects_and_clamps()
    {
        var c = new PidController { Safety = 0.9, MinFactor = 0.2, MaxFactor = 5 };
        double h = c.Propose(1.0, 0.5, 5, out bool ok);
        Assert.True(ok);
        Assert.Equal(0.9 * Math.Pow(0.5, -0.2), h, 14);
        Assert.Equal(5.0, c.Propose(1.0, 1e-12, 5, out ok)); // clamped growth
        Assert.True(ok);
        h = c.Propose(1.0, 4.0, 5, out ok);
        Assert.False(ok);
        Assert.Equal(0.9 * Math.Pow(4.0, -0.2), h, 14);
        Assert.Equal(0.2, c.Propose(1.0, 1e10, 5, out ok)); // clamped shrink
        Assert.False(ok);
        Assert.Equal(1.0, c.Propose(1.0, 1e-12, 5, out ok)); // no growth right after a rejection
        Assert.True(ok);
        Assert.Equal(0.2, c.Propose(1.0, double.NaN, 5, out ok));
        Assert.False(ok);
        Assert.True(PidController.IsAcceptable(1.0));
        Assert.False(PidController.IsAcceptable(1.0000001));
    }

    [Fact]
    public void Pi_controller_uses_the_previous_error()
    {
        var c = PidController.HairerPi();
        c.Propose(1.0, 0.01, 5, out _);
        double withHistory = c.Propose(1.0, 0.5, 5, out _);
        double expected = 0.9 * Math.Pow(0.5, -0.85 / 5) * Math.Pow(0.01, 0.2 / 5);
        Assert.Equal(expected, withHistory, 14);
        c.Reset();
        Assert.Equal(0.9 * Math.Pow(0.5, -0.85 / 5), c.Propose(1.0, 0.5, 5, out _), 14);
    }

    [Fact]
    public void Initial_step_is_sensible_and_costs_one_evaluation()
    {
        var stats = new OdeStatistics();
        OdeRhs f = (t, y, dy) => dy[0] = -50 * y[0];
        double h = InitialStep.Select(f, 0, [1.0], [-50.0], 5, 1e-6, [1e-6], double.PositiveInfinity, new double[1], new double[1], stats);
        Assert.Equal(1, stats.FunctionEvaluations);
        // The local error of one DP5 step ~ (50 h)^6 / 720 should be of the order of the tolerance, not far off.
        Assert.InRange(h, 1e-4, 1e-2);
        Assert.Equal(0.001, InitialStep.Select(f, 0, [1.0], [-50.0], 5, 1e-6, [1e-6], 0.001, new double[1], new double[1]));
    }

    [Fact]
    public void Dense_lu_solves_like_mathnet()
    {
        var rng = new Random(7);
        int n = 6;
        var a = new double[n * n];
        for (int i = 0; i < a.Length; i++) a[i] = rng.NextDouble() - 0.5;
        var b = Enumerable.Range(0, n).Select(_ => rng.NextDouble()).ToArray();
        var expected = Matrix<double>.Build.Dense(n, n, (i, j) => a[i * n + j]).Solve(Vector<double>.Build.DenseOfArray(b)).ToArray();
        var lu = (double[])a.Clone();
        var piv = new int[n];
        Assert.True(DenseLu.Factor(lu, n, piv));
        var x = (double[])b.Clone();
        DenseLu.Solve(lu, n, piv, x);
        for (int i = 0; i < n; i++) Assert.Equal(expected[i], x[i], 10);
        Assert.False(DenseLu.Factor(new double[4], 2, new int[2]));
    }

    [Fact]
    public void Dopri5_stepper_and_controller_compose_into_a_solver()
    {
        OdeRhs f = (t, y, dy) => dy[0] = -y[0];
        var stepper = new Dopri5Stepper(f, 1);
        var controller = PidController.HairerPi();
        stepper.Reset(0, [1.0]);
        double h = 0.1;
        int rejected = 0;
        while (stepper.T < 1)
        {
            h = Math.Min(h, 1 - stepper.T);
            double err = stepper.Attempt(h, 1e-9, [1e-12]);
            double next = controller.Propose(h, err, stepper.ErrorOrder, out bool ok);
            if (ok) stepper.Accept(); else rejected++;
            h = next;
        }
        Assert.True(Math.Abs(stepper.Y[0] - Math.Exp(-1)) < 1e-8);
        Assert.Equal(6 * (stepper.Statistics.FunctionEvaluations / 6), stepper.Statistics.FunctionEvaluations - 1); // 1 + 6 per attempt (FSAL)
        var mid = new double[1];
        stepper.Interpolate(0.5 * (stepper.TPrevious + stepper.T), mid);
        Assert.True(Math.Abs(mid[0] - Math.Exp(-0.5 * (stepper.TPrevious + stepper.T))) < 1e-8);
        Assert.Throws<ArgumentOutOfRangeException>(() => stepper.Interpolate(stepper.T + 1, mid));
    }

    [Fact]
    public void Rosenbrock_stepper_takes_huge_stable_steps_on_a_stiff_linear_problem()
    {
        // y' = -1e6 (y - cos t): explicit methods need h < 3.3e-6; L-stable Rodas4 follows cos t with h = 0.1.
        OdeRhs f = (t, y, dy) => dy[0] = -1e6 * (y[0] - Math.Cos(t));
        var stepper = new RosenbrockStepper(f, 1, (t, y, j) => j[0] = -1e6);
        stepper.Reset(0, [1.0]);
        for (int k = 0; k < 10; k++)
        {
            double err = stepper.Attempt(0.1, 1e-4, [1e-6]);
            Assert.True(err < 1, $"step {k}: error norm {err}");
            stepper.Accept();
        }
        Assert.True(Math.Abs(stepper.Y[0] - Math.Cos(1.0)) < 1e-5);
        Assert.Equal(10, stepper.Statistics.LuFactorizations);
        Assert.Equal(10, stepper.Statistics.JacobianEvaluations);
    }

    [Fact]
    public void Auto_switch_reports_which_method_runs()
    {
        var s = new AutoSwitchStepper((t, y, dy) => dy[0] = -y[0], 1);
        s.Reset(0, [1.0]);
        Assert.False(s.UsingStiffMethod);
        Assert.Equal(5, s.ErrorOrder);
    }
}
