using SimplicityBias.Dynamics.Numerics;
using SimplicityBias.Dynamics.Ode;

namespace SimplicityBias.Dynamics.Tests.Ode;

/// <summary>
/// The pieces of the low-rank Rosenbrock-W late phase: the small symmetric eigensolver, the Lanczos model of a
/// gradient flow's Jacobian, and ROS34PW2's order (with a Jacobian that is not the true one) and L-stability.
/// </summary>
public class RosenbrockWTests
{
    static double[] RandomSymmetric(int k, int seed)
    {
        var rng = new Random(seed);
        var a = new double[k * k];
        for (int i = 0; i < k; i++)
            for (int j = i; j < k; j++) a[i * k + j] = a[j * k + i] = rng.NextDouble() * 2 - 1;
        return a;
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(5, 2)]
    [InlineData(17, 3)]
    public void Jacobi_gives_orthonormal_eigenvectors_in_decreasing_order(int k, int seed)
    {
        var a = RandomSymmetric(k, seed);
        var copy = (double[])a.Clone();
        var values = new double[k];
        var vectors = new double[k * k];
        SymmetricEigen.Decompose(copy, k, values, vectors);
        for (int c = 0; c < k; c++)
        {
            if (c > 0) Assert.True(values[c] <= values[c - 1]);
            for (int i = 0; i < k; i++)
            {
                double av = 0;
                for (int j = 0; j < k; j++) av += a[i * k + j] * vectors[j * k + c];
                Assert.Equal(values[c] * vectors[i * k + c], av, 1e-12);
            }
            for (int c2 = 0; c2 < k; c2++)
            {
                double dot = 0;
                for (int i = 0; i < k; i++) dot += vectors[i * k + c] * vectors[i * k + c2];
                Assert.Equal(c == c2 ? 1.0 : 0.0, dot, 1e-12);
            }
        }
    }

    /// <summary>A = Q diag(lambda) Q^T with Q a product of Householder reflections (so known eigenpairs).</summary>
    static (double[] A, double[] Lambda) KnownSpectrum(int p, int seed, double[] lambda)
    {
        var rng = new Random(seed);
        var q = new double[p * p];
        for (int i = 0; i < p; i++) q[i * p + i] = 1;
        for (int r = 0; r < 3; r++)
        {
            var v = new double[p];
            double n = 0;
            for (int i = 0; i < p; i++) { v[i] = rng.NextDouble() - 0.5; n += v[i] * v[i]; }
            for (int c = 0; c < p; c++)
            {
                double s = 0;
                for (int i = 0; i < p; i++) s += v[i] * q[i * p + c];
                for (int i = 0; i < p; i++) q[i * p + c] -= 2 * v[i] * s / n;
            }
        }
        var a = new double[p * p];
        for (int i = 0; i < p; i++)
            for (int j = 0; j < p; j++)
                for (int c = 0; c < p; c++) a[i * p + j] += q[i * p + c] * lambda[c] * q[j * p + c];
        return (a, lambda);
    }

    static OdeRhs LinearGradientFlow(double[] a, int p) => (_, y, f) =>
    {
        for (int i = 0; i < p; i++)
        {
            double s = 0;
            for (int j = 0; j < p; j++) s += a[i * p + j] * y[j];
            f[i] = -s;
        }
    };

    [Fact]
    public void Lanczos_model_recovers_the_positive_curvatures_and_solves_the_stage_system()
    {
        const int p = 24;
        var lambda = Enumerable.Range(0, p).Select(i => i < 18 ? Math.Pow(0.6, i) * 50 : -1e-3 * (i - 17)).ToArray();
        var (a, _) = KnownSpectrum(p, 5, lambda);
        var f = LinearGradientFlow(a, p);
        var y = Enumerable.Range(0, p).Select(i => Math.Sin(i + 1.0)).ToArray();
        var f0 = new double[p];
        f(0, y, f0);
        var model = new LowRankJacobian(p, p);
        model.Build(f, 0, y, f0);
        Assert.True(model.Rank == 18, $"rank {model.Rank}");
        Assert.True(Math.Abs(model.Largest - 50) < 1e-5, $"largest {model.Largest:R}");
        Assert.True(model.Evaluations == p, $"evaluations {model.Evaluations}");
        // (I - c J) x = b with J = -A on the positive part: check by multiplying back.
        var b = Enumerable.Range(0, p).Select(i => Math.Cos(3.0 * i)).ToArray();
        var x = new double[p];
        const double c = 0.7;
        model.Solve(c, b, x);
        var jx = new double[p];
        model.Apply(x, jx);
        for (int i = 0; i < p; i++) Assert.Equal(b[i], x[i] - c * jx[i], 1e-9);
        // The model's J x differs from -A x only by the left-out negative curvatures (|lambda| <= 6e-3) and the
        // difference quotients' rounding.
        var exact = new double[p];
        f(0, x, exact);
        double diff = 0, xNorm = 0, aNorm = 0;
        for (int i = 0; i < p; i++) { diff += Math.Pow(exact[i] - jx[i], 2); xNorm += x[i] * x[i]; aNorm += exact[i] * exact[i]; }
        Assert.True(Math.Sqrt(diff) <= 6e-3 * Math.Sqrt(xNorm) + 1e-6 * Math.Sqrt(aNorm), $"model differs from the Jacobian by {Math.Sqrt(diff):G3}");
    }

    /// <summary>
    /// y' = -y^3 - A y (a nonlinear gradient flow) with the Jacobian model built once at the start and never updated:
    /// a W-method keeps its third order with it; halving the fixed step divides the error by about 8.
    /// </summary>
    [Fact]
    public void Ros34pw2_is_third_order_with_a_frozen_jacobian_model()
    {
        const int p = 6;
        var (a, _) = KnownSpectrum(p, 9, [20, 5, 1, 0.5, 0.2, 0.1]);
        var linear = LinearGradientFlow(a, p);
        OdeRhs f = (t, y, dy) => { linear(t, y, dy); for (int i = 0; i < p; i++) dy[i] -= y[i] * y[i] * y[i]; };
        var y0 = Enumerable.Range(0, p).Select(i => 0.5 + 0.1 * i).ToArray();
        var f0 = new double[p];
        f(0, y0, f0);
        var model = new LowRankJacobian(p, p);
        model.Build(f, 0, y0, f0);
        double Solve(int steps)
        {
            var y = (double[])y0.Clone();
            var fy = new double[p];
            var k = new[] { new double[p], new double[p], new double[p], new double[p] };
            var work = new double[p];
            var stage = new double[p];
            var y1 = new double[p];
            var err = new double[p];
            double h = 1.0 / steps;
            for (int s = 0; s < steps; s++)
            {
                f(s * h, y, fy);
                RosenbrockW.Advance(f, s * h, h, model, y, fy, k, work, stage, y1, err);
                y1.CopyTo(y, 0);
            }
            return y[0];
        }
        double reference = Solve(4096);
        double e1 = Math.Abs(Solve(64) - reference), e2 = Math.Abs(Solve(128) - reference), e3 = Math.Abs(Solve(256) - reference);
        double order1 = Math.Log2(e1 / e2), order2 = Math.Log2(e2 / e3);
        Assert.InRange(order1, 2.6, 3.4);
        Assert.InRange(order2, 2.6, 3.4);
    }

    [Fact]
    public void Ros34pw2_damps_a_very_stiff_mode_in_one_step_and_its_explicit_part_is_stable_to_1_99()
    {
        OdeRhs f = (_, y, dy) => dy[0] = -1e6 * y[0];
        var y0 = new[] { 1.0 };
        var f0 = new double[1];
        f(0, y0, f0);
        var model = new LowRankJacobian(1, 2);
        model.Build(f, 0, y0, f0);
        var y1 = new double[1];
        var err = new double[1];
        RosenbrockW.Advance(f, 0, 1.0, model, y0, f0, [new double[1], new double[1], new double[1], new double[1]], new double[1], new double[1], y1, err);
        Assert.True(Math.Abs(y1[0]) < 1e-5, $"y1 = {y1[0]:G3}, rank {model.Rank}, largest {model.Largest:G3}");
        for (double z = -0.01; z >= -1.99; z -= 0.01) Assert.True(Math.Abs(RosenbrockW.ExplicitStability(z)) <= 1, $"|R({z:G3})| > 1");
        Assert.True(Math.Abs(RosenbrockW.ExplicitStability(-2.0)) > 1);
    }

    [Fact]
    public void Bad_sizes_are_rejected_naming_the_field()
    {
        Assert.Contains("dimension", Assert.Throws<ArgumentException>(() => new LowRankJacobian(0, 4)).Message);
        Assert.Contains("iterations", Assert.Throws<ArgumentException>(() => new LowRankJacobian(3, 1)).Message);
    }
}
