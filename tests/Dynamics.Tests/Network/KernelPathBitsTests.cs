using SimplicityBias.Dynamics.Network;
using static SimplicityBias.Dynamics.Tests.Network.ReferenceNetwork;

namespace SimplicityBias.Dynamics.Tests.Network;

/// <summary>
/// The kernel paths (512-bit, 256-bit, 128-bit, scalar) differ in register mapping only: loss, gradient, residuals,
/// pre-activations, signs and flip counts are the same bits on all of them, whatever this machine accelerates.
/// </summary>
public class KernelPathBitsTests
{
    static readonly KernelPath[] Others = [KernelPath.Vector256, KernelPath.Vector128, KernelPath.Scalar];

    [Theory]
    [InlineData(1000, 7, 3, Activation.Relu, false)]   // padded neurons, several blocks, tail
    [InlineData(2049, 130, 6, Activation.Relu, false)] // small blocks
    [InlineData(1000, 7, 3, Activation.Relu, true)]    // frozen fractional mask
    [InlineData(333, 5, 2, Activation.Gelu, false)]
    public void Every_path_gives_the_same_bits(int n, int m, int d, Activation act, bool masked)
    {
        var data = RandomData(n, d, (ulong)(5 * n + m));
        var net = RandomNetwork(m, d, (ulong)(n + 3 * m));
        for (int i = 1; i <= d; i++) net.Theta[(d + 1) + i] = 0; // neuron 1 at the origin: z = 0 exactly
        double[] mask = Array.Empty<double>();
        if (masked)
        {
            var rng = new SeededRandom(4);
            mask = new double[m * n];
            for (int i = 0; i < mask.Length; i++) mask[i] = i % 3 == 0 ? 0 : i % 3 == 1 ? 1 : rng.NextDouble();
        }
        var reference = Outputs(KernelPath.Vector512, data, net.Theta, m, act, mask);
        foreach (var path in Others)
        {
            var o = Outputs(path, data, net.Theta, m, act, mask);
            int first = Enumerable.Range(0, o.Length).FirstOrDefault(i => BitConverter.DoubleToInt64Bits(o[i]) != BitConverter.DoubleToInt64Bits(reference[i]), -1);
            Assert.True(first < 0, $"{path} differs from vector512 at output {first}");
        }
    }

    [Fact]
    public void Frozen_bits_signs_and_flips_are_the_same_on_every_path()
    {
        int n = 1000, m = 9, d = 4;
        var data = RandomData(n, d, 77);
        var net = RandomNetwork(m, d, 78);
        var moved = (double[])net.Theta.Clone();
        for (int i = 0; i < moved.Length; i++) moved[i] *= 1 + 0.3 * Math.Sin(i);
        var results = new List<double[]>();
        foreach (var path in new[] { KernelPath.Vector512 }.Concat(Others))
        {
            var kernel = new GradientKernel(data, m, Activation.Relu, path);
            var mask = new ActivationMask(m, n, kernel.PaddedNeurons);
            var rng = new SeededRandom(6);
            for (int j = 0; j < m; j++)
                for (int k = 0; k < n; k++) mask.Set(j, k, rng.NextDouble() < 0.5);
            var signs = new SignPattern(m, n, kernel.PaddedNeurons);
            var g = new double[net.Theta.Length];
            var outs = new List<double> { kernel.EvaluateMasked(net.Theta, g, mask, default, signs) };
            outs.AddRange(g);
            outs.AddRange(kernel.Residuals);
            outs.AddRange(signs.Positive.Select(w => (double)w));
            var pattern = new uint[kernel.PatternWords];
            kernel.EvaluateCountingFlips(net.Theta, g, pattern, out _);
            outs.Add(kernel.EvaluateCountingFlips(moved, g, pattern, out long flips));
            outs.Add(flips);
            outs.AddRange(g);
            results.Add(outs.ToArray());
        }
        for (int p = 1; p < results.Count; p++) Assert.True(Bits(results[0]).SequenceEqual(Bits(results[p])), $"{Others[p - 1]} differs from vector512");
    }

    static long[] Bits(double[] v) => v.Select(BitConverter.DoubleToInt64Bits).ToArray();

    /// <summary>Loss, gradient, residuals and pre-activations of one evaluation, concatenated.</summary>
    static double[] Outputs(KernelPath path, Dataset data, double[] theta, int m, Activation act, double[] mask)
    {
        var kernel = new GradientKernel(data, m, act, path);
        Assert.Equal(path, kernel.Path);
        var g = new double[theta.Length];
        var z = new double[m * data.N];
        double loss = kernel.Evaluate(theta, g, mask, z);
        return [loss, .. g, .. kernel.Residuals, .. z];
    }
}
