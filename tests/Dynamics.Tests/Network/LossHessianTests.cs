using FsCheck;
using FsCheck.Fluent;
using SimplicityBias.Dynamics.Network;
using static SimplicityBias.Dynamics.Tests.Network.ReferenceNetwork;

namespace SimplicityBias.Dynamics.Tests.Network;

public class LossHessianTests
{
    /// <summary>
    /// Column i of H by central differences of the gradient. ReLU: with the pattern frozen (mask) the gradient is at most
    /// quadratic along any coordinate, so central differences are exact up to rounding; GeLU: O(h^2).
    /// </summary>
    static double[] FiniteDifferenceHessian(Dataset data, double[] theta, int m, Activation act, double[]? mask, double h)
    {
        int p = theta.Length;
        var kernel = new GradientKernel(data, m, act);
        var th = (double[])theta.Clone();
        var gp = new double[p]; var gm = new double[p];
        var hess = new double[p * p];
        for (int i = 0; i < p; i++)
        {
            double t = th[i];
            th[i] = t + h; kernel.Evaluate(th, gp, mask);
            th[i] = t - h; kernel.Evaluate(th, gm, mask);
            th[i] = t;
            for (int r = 0; r < p; r++) hess[r * p + i] = (gp[r] - gm[r]) / (2 * h);
        }
        return hess;
    }

    static void AssertHessianMatches(int n, int m, int d, ulong seed, Activation act, bool explicitMask)
    {
        var data = RandomData(n, d, seed);
        var net = RandomNetwork(m, d, seed + 99);
        double[]? mask = act == Activation.Relu ? PatternMask(data, net.Theta, m) : null;
        int p = net.Theta.Length;
        var h = new double[p * p];
        var g = new double[p];
        var lh = new LossHessian(data, m, act);
        double loss = lh.Evaluate(net.Theta, h, explicitMask ? mask : default, g);
        var fd = FiniteDifferenceHessian(data, net.Theta, m, act, mask, act == Activation.Relu ? 1e-4 : 1e-5);
        double scale = MaxAbs(fd);
        double tol = (act == Activation.Relu ? 1e-8 : 1e-6) * scale;
        for (int i = 0; i < p; i++)
            for (int c = 0; c < p; c++)
                Assert.True(Math.Abs(h[i * p + c] - fd[i * p + c]) <= tol, $"H[{i},{c}] = {h[i * p + c]}, finite differences {fd[i * p + c]}");
        // Exactly symmetric (the lower triangle is a copy).
        for (int i = 0; i < p; i++)
            for (int c = 0; c < i; c++)
                Assert.Equal(h[c * p + i], h[i * p + c]);
        // Loss and gradient for the same pattern agree with the gradient kernel.
        var gk = new double[p];
        double lk = new GradientKernel(data, m, act).Evaluate(net.Theta, gk, mask);
        Assert.Equal(lk, loss, 1e-12 * (1 + lk));
        for (int i = 0; i < p; i++) Assert.Equal(gk[i], g[i], 1e-12 * (1 + MaxAbs(gk)));
    }

    [Theory]
    [InlineData(40, 3, 2, 1ul, false)]      // P = 9: one partial tile
    [InlineData(1100, 7, 4, 2ul, true)]     // P = 35: edge tiles, several sample blocks
    [InlineData(1100, 7, 4, 2ul, false)]
    [InlineData(300, 8, 3, 3ul, true)]      // P = 32: full tiles only
    [InlineData(5, 2, 1, 4ul, false)]       // d = 1
    public void Relu_hessian_matches_finite_differences_with_frozen_pattern(int n, int m, int d, ulong seed, bool explicitMask)
        => AssertHessianMatches(n, m, d, seed, Activation.Relu, explicitMask);

    [Theory]
    [InlineData(60, 3, 2, 5ul)]
    [InlineData(700, 6, 4, 6ul)]
    public void Gelu_hessian_matches_finite_differences(int n, int m, int d, ulong seed)
        => AssertHessianMatches(n, m, d, seed, Activation.Gelu, false);

    [Fact]
    public void Fractional_mask_hessian_matches_finite_differences()
    {
        // Filippov selections eta in [0, 1] are part of the mask convention too.
        var data = RandomData(200, 3, 10);
        var net = RandomNetwork(5, 3, 11);
        var rng = new SeededRandom(12);
        var mask = new double[5 * 200];
        for (int i = 0; i < mask.Length; i++) mask[i] = rng.NextDouble();
        int p = net.Theta.Length;
        var h = new double[p * p];
        new LossHessian(data, 5).Evaluate(net.Theta, h, mask);
        var fd = FiniteDifferenceHessian(data, net.Theta, 5, Activation.Relu, mask, 1e-4);
        for (int i = 0; i < p * p; i++) Assert.Equal(fd[i], h[i], 1e-8 * MaxAbs(fd));
    }

    static readonly Gen<(int n, int m, int d, int seed)> Shapes =
        from n in Gen.Choose(1, 700)
        from m in Gen.Choose(1, 12)
        from d in Gen.Choose(1, 6)
        from seed in Gen.Choose(0, 1_000_000)
        select (n, m, d, seed);

    [FsCheck.Xunit.Property(MaxTest = 40, Replay = "(4127,9176128384319743977)")]
    public Property Hessian_vector_product_equals_H_times_v()
        => Prop.ForAll(Shapes.ToArbitrary(), Gen.Elements(Activation.Relu, Activation.Gelu).ToArbitrary(), (s, act) =>
        {
            var data = RandomData(s.n, s.d, (ulong)s.seed);
            var net = RandomNetwork(s.m, s.d, (ulong)s.seed + 3);
            int p = net.Theta.Length;
            var lh = new LossHessian(data, s.m, act);
            var h = new double[p * p];
            lh.Evaluate(net.Theta, h);
            var v = new double[p];
            new SeededRandom((ulong)s.seed + 5).FillGaussian(v);
            var hv = new double[p];
            lh.HessianVectorProduct(net.Theta, v, hv);
            double scale = MaxAbs(h) * p;
            for (int i = 0; i < p; i++)
            {
                double e = 0;
                for (int c = 0; c < p; c++) e += h[i * p + c] * v[c];
                if (!(Math.Abs(e - hv[i]) <= 1e-11 * (1 + scale))) return false;
            }
            return true;
        });

    [Theory]
    [InlineData(Activation.Relu)]
    [InlineData(Activation.Gelu)]
    public void Portable_tile_kernel_equals_vectorized(Activation act)
    {
        var data = RandomData(900, 5, 20);
        var net = RandomNetwork(9, 5, 21); // P = 54
        int p = net.Theta.Length;
        var h1 = new double[p * p]; var h2 = new double[p * p];
        new LossHessian(data, 9, act, KernelPath.Vector512).Evaluate(net.Theta, h1);
        new LossHessian(data, 9, act, KernelPath.Scalar).Evaluate(net.Theta, h2);
        // The same fused chains in the same order: the same bits.
        for (int i = 0; i < p * p; i++) Assert.Equal(BitConverter.DoubleToInt64Bits(h1[i]), BitConverter.DoubleToInt64Bits(h2[i]));
    }

    [Fact]
    public void Bad_input_names_the_field()
    {
        var data = RandomData(10, 2, 1);
        var lh = new LossHessian(data, 3);
        var theta = new double[9];
        Assert.Equal("theta", Assert.Throws<ArgumentException>(() => lh.Evaluate(new double[8], new double[81])).ParamName);
        Assert.Equal("hessian", Assert.Throws<ArgumentException>(() => lh.Evaluate(theta, new double[80])).ParamName);
        Assert.Equal("mask", Assert.Throws<ArgumentException>(() => lh.Evaluate(theta, new double[81], new double[29])).ParamName);
        Assert.Equal("grad", Assert.Throws<ArgumentException>(() => lh.Evaluate(theta, new double[81], default, new double[8])).ParamName);
        Assert.Equal("v", Assert.Throws<ArgumentException>(() => lh.HessianVectorProduct(theta, new double[8], new double[9])).ParamName);
        Assert.Equal("mask", Assert.Throws<ArgumentException>(() => new LossHessian(data, 3, Activation.Gelu).Evaluate(theta, new double[81], new double[30])).ParamName);
        Assert.Equal("m", Assert.Throws<ArgumentException>(() => new LossHessian(data, 0)).ParamName);
    }
}
