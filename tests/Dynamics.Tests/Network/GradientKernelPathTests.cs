using SimplicityBias.Dynamics.Network;
using static SimplicityBias.Dynamics.Tests.Network.ReferenceNetwork;

namespace SimplicityBias.Dynamics.Tests.Network;

/// <summary>The AVX-512 tiled path and the portable path of GradientKernel both agree with the scalar reference.</summary>
[Collection("Kernel switches")] // the switches are static: keep these tests off other threads' kernels
public class GradientKernelPathTests
{
    public static TheoryData<bool, int, int, int, Activation, bool> Cases()
    {
        var t = new TheoryData<bool, int, int, int, Activation, bool>();
        foreach (bool portable in new[] { false, true })
        {
            t.Add(portable, 1, 1, 1, Activation.Relu, false);       // everything padded
            t.Add(portable, 1000, 7, 3, Activation.Relu, false);    // padded neurons, several blocks, tail
            t.Add(portable, 1000, 7, 3, Activation.Relu, true);     // frozen fractional mask
            t.Add(portable, 64, 8, 10, Activation.Relu, true);      // no padding at all
            t.Add(portable, 333, 5, 2, Activation.Gelu, false);
            t.Add(portable, 2049, 130, 6, Activation.Relu, false);  // small blocks (m large)
        }
        return t;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Matches_scalar_reference(bool portable, int n, int m, int d, Activation act, bool masked)
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
        double l;
        try
        {
            GradientKernel.ForcePortable = portable;
            var kernel = new GradientKernel(data, m, act);
            l = kernel.Evaluate(net.Theta, g, mask, z);
            // Residuals of the last evaluation.
            for (int k = 0; k < n; k++) Assert.Equal(Residual(data, net.Theta, m, act, mask, k), kernel.Residuals[k], 1e-12 * (1 + Math.Abs(data.Y[k])));
            // Loss only gives the same loss.
            Assert.Equal(l, kernel.Evaluate(net.Theta, default, mask));
        }
        finally { GradientKernel.ForcePortable = false; }
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
    /// The packed pattern (ActivationMask, read by the tiled kernel as bits, expanded for the portable one) gives the
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
        // The portable kernel gets the pattern expanded to doubles.
        try
        {
            GradientKernel.ForcePortable = true;
            var portable = new GradientKernel(data, m);
            double l3 = portable.EvaluateMasked(net.Theta, g1, packed, z1);
            double l4 = portable.Evaluate(net.Theta, g2, doubles, z2);
            Assert.Equal(l4, l3);
            Assert.Equal(g2, g1);
            Assert.Equal(z2, z1);
        }
        finally { GradientKernel.ForcePortable = false; }
    }

    /// <summary>
    /// The signs the integrator keeps instead of the pre-activations (SignPattern): written by the tiled kernel from
    /// its registers, converted by the portable one, and recomputed neuron by neuron, they all equal the signs of the
    /// pre-activations the kernel writes as doubles (a neuron at w = 0 has none positive; tails of samples).
    /// </summary>
    [Theory]
    [InlineData(1000, 7, 3, false)]
    [InlineData(2049, 130, 6, false)]
    [InlineData(1000, 7, 3, true)]
    public void Sign_pattern_matches_the_signs_of_the_pre_activations(int n, int m, int d, bool portable)
    {
        var data = RandomData(n, d, (ulong)(3 * n + m));
        var net = RandomNetwork(m, d, (ulong)(n + 7 * m));
        for (int i = 1; i <= d; i++) net.Theta[2 * (d + 1) + i] = 0; // neuron 2 at the origin: z = 0 exactly
        try
        {
            GradientKernel.ForcePortable = portable;
            var kernel = new GradientKernel(data, m);
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
                    if (portable) continue; // the portable kernel's products are not fused: its z may differ in the last bit
                    Assert.Equal(pos, recomputed.PositiveWord(j, k0));
                }
            }
            for (int k0 = 0; k0 < n; k0 += 32) Assert.Equal(0u, signs.PositiveWord(2, k0));
        }
        finally { GradientKernel.ForcePortable = false; }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void NaN_parameters_give_NaN_loss_and_gradient(bool portable)
    {
        var data = RandomData(100, 3, 1);
        var net = RandomNetwork(6, 3, 2);
        net.Theta[4 * 4 + 2] = double.NaN; // an input weight of neuron 4
        var g = new double[net.Theta.Length];
        try
        {
            GradientKernel.ForcePortable = portable;
            double l = new GradientKernel(data, 6).Evaluate(net.Theta, g);
            Assert.True(double.IsNaN(l));
            Assert.Contains(g, double.IsNaN);
        }
        finally { GradientKernel.ForcePortable = false; }
    }

    [Fact]
    public void Tiled_and_portable_paths_agree_closely()
    {
        var data = RandomData(3001, 5, 9);
        var net = RandomNetwork(100, 5, 10);
        var g1 = new double[net.Theta.Length]; var g2 = new double[net.Theta.Length];
        double l1, l2;
        try
        {
            l1 = new GradientKernel(data, 100).Evaluate(net.Theta, g1);
            GradientKernel.ForcePortable = true;
            l2 = new GradientKernel(data, 100).Evaluate(net.Theta, g2);
        }
        finally { GradientKernel.ForcePortable = false; }
        Assert.Equal(l2, l1, 1e-13 * l2);
        for (int i = 0; i < g1.Length; i++) Assert.Equal(g2[i], g1[i], 1e-12 * (1 + MaxAbs(g2)));
    }
}

[CollectionDefinition("Kernel switches", DisableParallelization = true)]
public class KernelSwitchesCollection { }
