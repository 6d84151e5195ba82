using FsCheck;
using FsCheck.Fluent;
using SimplicityBias.Dynamics.Network;
using static SimplicityBias.Dynamics.Tests.Network.ReferenceNetwork;

namespace SimplicityBias.Dynamics.Tests.Network;

public class GradientTests
{
    /// <summary>Central differences of the loss; exact up to rounding within one ReLU pattern (the loss is quadratic along each coordinate).</summary>
    static double[] FiniteDifferenceGradient(NetworkParameters p, Dataset data, Activation act, double h)
    {
        var kernel = new GradientKernel(data, p.M, act);
        var th = (double[])p.Theta.Clone();
        var g = new double[th.Length];
        for (int i = 0; i < th.Length; i++)
        {
            double t = th[i];
            th[i] = t + h; double lp = kernel.Evaluate(th, default);
            th[i] = t - h; double lm = kernel.Evaluate(th, default);
            th[i] = t;
            g[i] = (lp - lm) / (2 * h);
        }
        return g;
    }

    static bool GradientMatchesFiniteDifferences(int n, int m, int d, int seed, Activation act)
    {
        var data = RandomData(n, d, (ulong)seed);
        var p = RandomNetwork(m, d, (ulong)seed + 1000);
        // Stay inside the pattern: the step must not reach the nearest kink (|dz| <= h |x|).
        double h = act == Activation.Relu ? Math.Min(1e-5, 0.5 * KinkMargin(data, p.Theta, m)) : 1e-5;
        if (h < 1e-9) return true; // a sample lies (almost) on a kink: nothing to check at this point
        var g = new double[p.Theta.Length];
        new GradientKernel(data, m, act).Evaluate(p.Theta, g);
        var fd = FiniteDifferenceGradient(p, data, act, h);
        double scale = 1 + MaxAbs(g);
        double tol = (act == Activation.Relu ? 1e-9 / h * 1e-5 : 1e-7) * scale + 1e-12 / h;
        for (int i = 0; i < g.Length; i++)
            if (!(Math.Abs(g[i] - fd[i]) <= tol)) return false;
        return true;
    }

    static readonly Gen<(int n, int m, int d, int seed)> Shapes =
        from n in Gen.Choose(1, 60)
        from m in Gen.Choose(1, 9)
        from d in Gen.Choose(1, 7)
        from seed in Gen.Choose(0, 1_000_000)
        select (n, m, d, seed);

    [FsCheck.Xunit.Property(MaxTest = 60, Replay = "(6011,9176128384319743977)")]
    public Property Relu_gradient_matches_central_differences_away_from_kinks()
        => Prop.ForAll(Shapes.ToArbitrary(), s => GradientMatchesFiniteDifferences(s.n, s.m, s.d, s.seed, Activation.Relu));

    [FsCheck.Xunit.Property(MaxTest = 40, Replay = "(4127,9176128384319743977)")]
    public Property Gelu_gradient_matches_central_differences()
        => Prop.ForAll(Shapes.ToArbitrary(), s => GradientMatchesFiniteDifferences(s.n, s.m, s.d, s.seed, Activation.Gelu));

    [Theory]
    [InlineData(300, 6, 3, 1, Activation.Relu)]   // n > one kernel block (256)
    [InlineData(700, 5, 4, 2, Activation.Gelu)]
    [InlineData(33, 1, 1, 3, Activation.Relu)]
    public void Gradient_matches_finite_differences_on_fixed_problems(int n, int m, int d, int seed, Activation act)
        => Assert.True(GradientMatchesFiniteDifferences(n, m, d, seed, act));

    [FsCheck.Xunit.Property(MaxTest = 60, Replay = "(6011,9176128384319743977)")]
    public Property Kernel_matches_scalar_reference()
        => Prop.ForAll(Shapes.ToArbitrary(), Gen.Elements(Activation.Relu, Activation.Gelu).ToArbitrary(), (s, act) =>
        {
            var data = RandomData(s.n * 9, s.d, (ulong)s.seed); // up to 540 samples: several kernel blocks
            var p = RandomNetwork(s.m, s.d, (ulong)s.seed + 7);
            var g = new double[p.Theta.Length];
            var gr = new double[p.Theta.Length];
            double l = new GradientKernel(data, s.m, act).Evaluate(p.Theta, g);
            double lr = LossAndGradient(data, p.Theta, s.m, act, gr);
            double scale = 1 + MaxAbs(gr);
            if (!(Math.Abs(l - lr) <= 1e-12 * (1 + lr))) return false;
            for (int i = 0; i < g.Length; i++) if (!(Math.Abs(g[i] - gr[i]) <= 1e-12 * scale)) return false;
            return true;
        });

    [Fact]
    public void Kernel_with_fractional_mask_matches_scalar_reference()
    {
        var data = RandomData(530, 4, 5);
        var p = RandomNetwork(7, 4, 6);
        var rng = new SeededRandom(8);
        var mask = new double[7 * 530];
        for (int i = 0; i < mask.Length; i++) mask[i] = rng.NextDouble();
        var g = new double[p.Theta.Length];
        var gr = new double[p.Theta.Length];
        double l = new GradientKernel(data, 7).Evaluate(p.Theta, g, mask);
        double lr = LossAndGradient(data, p.Theta, 7, Activation.Relu, gr, mask);
        Assert.Equal(lr, l, 1e-12 * (1 + lr));
        for (int i = 0; i < g.Length; i++) Assert.Equal(gr[i], g[i], 1e-12 * (1 + MaxAbs(gr)));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Masked_gradient_with_own_pattern_equals_unmasked(int seed)
    {
        var data = RandomData(611, 5, (ulong)seed);
        var p = RandomNetwork(8, 5, (ulong)seed + 50);
        var mask = PatternMask(data, p.Theta, 8);
        var kernel = new GradientKernel(data, 8);
        var g1 = new double[p.Theta.Length];
        var g2 = new double[p.Theta.Length];
        double l1 = kernel.Evaluate(p.Theta, g1);
        double l2 = kernel.Evaluate(p.Theta, g2, mask);
        Assert.Equal(l1, l2);
        Assert.Equal(g1, g2);
    }

    [Fact]
    public void PreActivations_are_the_inner_products()
    {
        var data = RandomData(300, 3, 4);
        var p = RandomNetwork(5, 3, 4);
        var z = new double[5 * 300];
        new GradientKernel(data, 5).Evaluate(p.Theta, default, default, z);
        for (int j = 0; j < 5; j++)
            for (int k = 0; k < 300; k++)
            {
                double e = 0;
                for (int i = 0; i < 3; i++) e += p.W(j)[i] * data.X[k * 3 + i];
                Assert.Equal(e, z[j * 300 + k], 1e-13);
            }
    }
}
