using SimplicityBias.Dynamics.Network;
using static SimplicityBias.Dynamics.Tests.Network.ReferenceNetwork;

namespace SimplicityBias.Dynamics.Tests.Network;

/// <summary>Every kernel path of GradientKernel agrees with the scalar reference.</summary>
public class GradientKernelPathTests
{
    static readonly KernelPath[] Paths = [KernelPath.Vector512, KernelPath.Vector256, KernelPath.Vector128, KernelPath.Scalar];

    public static TheoryData<KernelPath, int, int, int, Activation, bool> Cases()
    {
        var t = new TheoryData<KernelPath, int, int, int, Activation, bool>();
        foreach (var path in Paths)
        {
            t.Add(path, 1, 1, 1, Activation.Relu, false);       // everything padded
            t.Add(path, 1000, 7, 3, Activation.Relu, false);    // padded neurons, several blocks, tail
            t.Add(path, 1000, 7, 3, Activation.Relu, true);     // frozen fractional mask
            t.Add(path, 64, 8, 10, Activation.Relu, true);      // no padding at all
            t.Add(path, 333, 5, 2, Activation.Gelu, false);
            t.Add(path, 2049, 130, 6, Activation.Relu, false);  // small blocks (m large)
        }
        return t;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Matches_scalar_reference(KernelPath path, int n, int m, int d, Activation act, bool masked)
    {
        var data = RandomData(n, d, (ulong)(n + m + d));
        var net = RandomNetwork(m, d, (ulong)(n * m));
        double[]? mask = null;
        if (masked)
        {
            var rng = new SeededRandom(3);
            mask = new double[m * n];
            for (int i = 0; i < mask.Length; i++) mask[i] = i % 3 == 0 ? 0 : i % 3 == 1 ? 1 : rng.NextDouble();
        }
        var gr = new double[net.Theta.Length];
        double lr = LossAndGradient(data, net.Theta, m, act, gr, mask);
        var g = new double[net.Theta.Length];
        var z = new double[m * n];
        var kernel = new GradientKernel(data, m, act, path);
        double l = kernel.Evaluate(net.Theta, g, mask, z);
        // Residuals of the last evaluation.
        for (int k = 0; k < n; k++) Assert.Equal(Residual(data, net.Theta, m, act, mask, k), kernel.Residuals[k], 1e-12 * (1 + Math.Abs(data.Y[k])));
        // Loss only gives the same loss.
        Assert.Equal(l, kernel.Evaluate(net.Theta, default, mask));
        Assert.Equal(lr, l, 1e-12 * (1 + lr));
        double scale = 1 + MaxAbs(gr);
        for (int i = 0; i < g.Length; i++) Assert.True(Math.Abs(gr[i] - g[i]) <= 1e-12 * scale, $"grad[{i}] = {g[i]}, reference {gr[i]}");
        for (int j = 0; j < m; j++)
            for (int k = 0; k < n; k++)
            {
                double e = 0;
                for (int i = 0; i < d; i++) e += net.Theta[j * (d + 1) + 1 + i] * data.X[k * d + i];
                Assert.Equal(e, z[j * n + k], 1e-12 * (1 + Math.Abs(e)));
            }
    }

    /// <summary>
    /// The packed pattern (ActivationMask, read by the tiled kernel as bits) gives the
    /// same loss, residuals, gradient and pre-activations, to the bit, as the same 0/1 pattern given as doubles: tails
    /// of samples and of neurons, several blocks, a neuron switched off whole.
    /// </summary>
    [Theory]
    [InlineData(1000, 7, 3)]
    [InlineData(64, 8, 10)]
    [InlineData(2049, 130, 6)]
    public void Packed_pattern_matches_the_pattern_as_doubles(int n, int m, int d)
    {
        var data = RandomData(n, d, (ulong)(n + m + d));
        var net = RandomNetwork(m, d, (ulong)(n * m));
        var kernel = new GradientKernel(data, m);
        var packed = new ActivationMask(m, n, kernel.PaddedNeurons);
        var rng = new SeededRandom(5);
        for (int j = 0; j < m; j++)
            for (int k = 0; k < n; k++) packed.Set(j, k, rng.NextDouble() < 0.6);
        packed.ClearNeuron(m / 2);
        var doubles = packed.ToDoubles().ToArray();
        for (int j = 0; j < m; j++)
            for (int k = 0; k < n; k++) Assert.Equal(doubles[j * n + k], packed[j * n + k]);
        var g1 = new double[net.Theta.Length]; var g2 = new double[net.Theta.Length];
        var z1 = new double[m * n]; var z2 = new double[m * n];
        double l1 = kernel.EvaluateMasked(net.Theta, g1, packed, z1);
        var r1 = (double[])kernel.Residuals.Clone();
        double l2 = kernel.Evaluate(net.Theta, g2, doubles, z2);
        Assert.Equal(l2, l1);
        Assert.Equal(kernel.Residuals, r1);
        Assert.Equal(g2, g1);
        Assert.Equal(z2, z1);
    }

    /// <summary>
    /// The signs the integrator keeps instead of the pre-activations (SignPattern): written by the tiled kernel from
    /// its registers on every path, and recomputed neuron by neuron, they all equal the signs of the
    /// pre-activations the kernel writes as doubles (a neuron at w = 0 has none positive; tails of samples).
    /// </summary>
    [Theory]
    [InlineData(1000, 7, 3, KernelPath.Vector512)]
    [InlineData(2049, 130, 6, KernelPath.Vector512)]
    [InlineData(1000, 7, 3, KernelPath.Vector256)]
    [InlineData(1000, 7, 3, KernelPath.Scalar)]
    public void Sign_pattern_matches_the_signs_of_the_pre_activations(int n, int m, int d, KernelPath path)
    {
        var data = RandomData(n, d, (ulong)(3 * n + m));
        var net = RandomNetwork(m, d, (ulong)(n + 7 * m));
        for (int i = 1; i <= d; i++) net.Theta[2 * (d + 1) + i] = 0; // neuron 2 at the origin: z = 0 exactly
        {
            var kernel = new GradientKernel(data, m, Activation.Relu, path);
            var mask = new ActivationMask(m, n, kernel.PaddedNeurons);
            var rng = new SeededRandom(9);
            for (int j = 0; j < m; j++)
                for (int k = 0; k < n; k++) mask.Set(j, k, rng.NextDouble() < 0.5);
            var signs = new SignPattern(m, n, kernel.PaddedNeurons);
            var recomputed = new SignPattern(m, n, kernel.PaddedNeurons);
            var g = new double[net.Theta.Length];
            var z = new double[m * n];
            double withSigns = kernel.EvaluateMasked(net.Theta, g, mask, default, signs);
            double withZ = kernel.EvaluateMasked(net.Theta, g, mask, z);
            Assert.Equal(withZ, withSigns);
            for (int j = 0; j < m; j++)
            {
                recomputed.SetNeuron(j, net.Theta.AsSpan(j * (d + 1) + 1, d), data);
                for (int k0 = 0; k0 < n; k0 += 32)
                {
                    uint pos = 0;
                    for (int b = 0; b < 32 && k0 + b < n; b++)
                        if (z[j * n + k0 + b] > 0) pos |= 1u << b;
                    Assert.Equal(pos, signs.PositiveWord(j, k0));
                    Assert.Equal(pos, recomputed.PositiveWord(j, k0));
                }
            }
            for (int k0 = 0; k0 < n; k0 += 32) Assert.Equal(0u, signs.PositiveWord(2, k0));
        }
    }

    [Theory]
    [InlineData(KernelPath.Vector512)]
    [InlineData(KernelPath.Vector256)]
    [InlineData(KernelPath.Vector128)]
    [InlineData(KernelPath.Scalar)]
    public void NaN_parameters_give_NaN_loss_and_gradient(KernelPath path)
    {
        var data = RandomData(100, 3, 1);
        var net = RandomNetwork(6, 3, 2);
        net.Theta[4 * 4 + 2] = double.NaN; // an input weight of neuron 4
        var g = new double[net.Theta.Length];
        double l = new GradientKernel(data, 6, Activation.Relu, path).Evaluate(net.Theta, g);
        Assert.True(double.IsNaN(l));
        Assert.Contains(g, double.IsNaN);
    }
}
