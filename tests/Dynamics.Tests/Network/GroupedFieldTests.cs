using SimplicityBias.Dynamics.Network;
using Xunit.Abstractions;
using static SimplicityBias.Dynamics.Tests.Network.ReferenceNetwork;

namespace SimplicityBias.Dynamics.Tests.Network;

/// <summary>The grouped form of the frozen-pattern field against the direct kernel, on unstructured and on late-phase-like patterns.</summary>
public class GroupedFieldTests
{
    readonly ITestOutputHelper _out;
    public GroupedFieldTests(ITestOutputHelper output) { _out = output; }

    static double MaxRelative(double[] a, double[] b)
    {
        double scale = 0, diff = 0;
        for (int i = 0; i < a.Length; i++) { scale = Math.Max(scale, Math.Abs(a[i])); diff = Math.Max(diff, Math.Abs(a[i] - b[i])); }
        return diff / scale;
    }

    /// <summary>
    /// Neurons around <paramref name="bases"/> directions (relative perturbation <paramref name="spread"/>), the
    /// pattern their signs, then <paramref name="flips"/> pairs flipped at random: a frozen pattern need not be the signs.
    /// </summary>
    static (double[] Theta, ActivationMask Mask) LatePhase(Dataset data, int m, int bases, double spread, int flips, ulong seed)
    {
        int n = data.N, d = data.D;
        var rng = new SeededRandom(seed);
        var u = new double[bases * d];
        rng.FillGaussian(u);
        var theta = new double[m * (d + 1)];
        var mask = new ActivationMask(m, n, new GradientKernel(data, m).PaddedNeurons);
        for (int j = 0; j < m; j++)
        {
            theta[j * (d + 1)] = rng.NextGaussian();
            for (int q = 0; q < d; q++) theta[j * (d + 1) + 1 + q] = u[j % bases * d + q] + spread * rng.NextGaussian();
            for (int k = 0; k < n; k++)
            {
                double z = 0;
                for (int q = 0; q < d; q++) z += theta[j * (d + 1) + 1 + q] * data.X[k * d + q];
                mask.Set(j, k, z > 0);
            }
        }
        for (int f = 0; f < flips; f++) mask.Flip((int)(rng.NextDouble() * m) * n + (int)(rng.NextDouble() * n));
        return (theta, mask);
    }

    [Theory]
    [InlineData(300, 3, 7, 1, 0.0, 0, 1UL)]      // identical patterns within each base: deltas empty
    [InlineData(2000, 5, 24, 2, 0.02, 50, 2UL)]   // a late phase: two directions, few differing pairs
    [InlineData(1500, 10, 40, 4, 0.1, 500, 3UL)]  // four directions, wider spread
    [InlineData(997, 4, 13, 13, 1.0, 0, 4UL)]     // unstructured: every neuron its own direction
    [InlineData(64, 1, 4, 2, 0.0, 10, 5UL)]       // d = 1
    public void Loss_and_gradient_equal_the_direct_kernel(int n, int d, int m, int bases, double spread, int flips, ulong seed)
    {
        var data = RandomData(n, d, seed);
        var (theta, mask) = LatePhase(data, m, bases, spread, flips, seed + 10);
        var kernel = new GradientKernel(data, m);
        var grouped = new GroupedField(data, m);
        var gg = new double[theta.Length];
        var gd = new double[theta.Length];
        double lg = grouped.Evaluate(theta, gg, mask);
        double ld = kernel.EvaluateMasked(theta, gd, mask);
        _out.WriteLine($"{grouped.Groups} groups, {grouped.DifferingPairs} differing pairs; gradient {MaxRelative(gd, gg):G3}, loss {Math.Abs(lg - ld) / ld:G3} (relative)");
        Assert.True(MaxRelative(gd, gg) < 1e-12, $"gradient differs by {MaxRelative(gd, gg):G3} (relative to its largest entry)");
        Assert.True(Math.Abs(lg - ld) <= 1e-12 * Math.Abs(ld), $"loss {lg:R} against {ld:R}");
        if (spread == 0 && flips == 0) Assert.Equal(0, grouped.DifferingPairs);
    }

    [Fact]
    public void The_grouping_finds_the_directions_of_a_late_phase()
    {
        var data = RandomData(4000, 6, 11);
        var (_, mask) = LatePhase(data, 60, 3, 0.0, 0, 12);
        var grouped = new GroupedField(data, 60);
        grouped.Regroup(mask);
        Assert.Equal(4, grouped.Groups); // the three patterns and the empty one
        Assert.Equal(0, grouped.DifferingPairs);
    }

    [Fact]
    public void Deltas_follow_the_mask_between_evaluations_and_a_regrouping_keeps_the_field_exact()
    {
        int n = 1200, d = 4, m = 16;
        var data = RandomData(n, d, 21);
        var (theta, mask) = LatePhase(data, m, 2, 0.01, 0, 22);
        var kernel = new GradientKernel(data, m);
        var grouped = new GroupedField(data, m);
        var gg = new double[theta.Length];
        var gd = new double[theta.Length];
        grouped.Evaluate(theta, gg, mask);
        var rng = new SeededRandom(23);
        long regroupings = grouped.Regroupings;
        for (int round = 0; round < 6; round++)
        {
            // More flips each round, until the deltas outgrow the grouping and it is redone.
            for (int f = 0; f < 200 << round; f++) mask.Flip((int)(rng.NextDouble() * m) * n + (int)(rng.NextDouble() * n));
            grouped.Evaluate(theta, gg, mask);
            kernel.EvaluateMasked(theta, gd, mask);
            Assert.True(MaxRelative(gd, gg) < 1e-12, $"round {round}: gradient differs by {MaxRelative(gd, gg):G3}");
        }
        grouped.Evaluate(theta, gg, mask);
        kernel.EvaluateMasked(theta, gd, mask);
        Assert.True(MaxRelative(gd, gg) < 1e-12);
        Assert.True(grouped.Regroupings > regroupings, "the deltas grew past the limit without a regrouping");
    }
}
