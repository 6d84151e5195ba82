using SimplicityBias.Dynamics.Network;
using SimplicityBias.Dynamics.Numerics;
using static SimplicityBias.Dynamics.Tests.Network.ReferenceNetwork;

namespace SimplicityBias.Dynamics.Tests.Network;

/// <summary>
/// Signs and reach from the near lists (<see cref="MarginSigns"/>) are exactly those of a full pass, along random
/// motions: small steps, jumps, growth, neurons updated at some states and written by the full pass at others,
/// samples put on a neuron's hyperplane to rounding, and a zero sample.
/// </summary>
public class MarginSignsTests
{
    /// <summary>Data whose first few samples lie on the hyperplanes of the starting neurons, to rounding.</summary>
    static Dataset DataNearHyperplanes(int n, int d, double[] theta, ulong seed)
    {
        var data = RandomData(n, d, seed);
        var x = (double[])data.X.Clone();
        int m = theta.Length / (d + 1);
        for (int k = 0; k < Math.Min(n, 3 * m); k++)
        {
            // x_k minus its component along w_j: <w_j, x_k> is 0 up to rounding.
            var w = theta.AsSpan(k % m * (d + 1) + 1, d);
            double wx = 0, ww = 0;
            for (int i = 0; i < d; i++) { wx += w[i] * x[k * d + i]; ww += w[i] * w[i]; }
            for (int i = 0; i < d; i++) x[k * d + i] -= wx / ww * w[i];
        }
        for (int i = 0; i < d; i++) x[(n - 1) * d + i] = 0; // the last sample at the origin: z = 0, never positive
        return new Dataset(n, d, x, data.Y);
    }

    [Theory]
    [InlineData(2000, 5, 9, 1UL)]
    [InlineData(4100, 10, 12, 2UL)]
    [InlineData(700, 2, 5, 3UL)]
    [InlineData(300, 1, 4, 4UL)]
    public void Signs_along_random_motion_equal_a_full_pass(int n, int d, int m, ulong seed)
    {
        var theta = RandomNetwork(m, d, seed + 100).Theta;
        var data = DataNearHyperplanes(n, d, theta, seed);
        var margins = new MarginSigns(data, m);
        var signs = new SignPattern(m, n, m);
        var reference = new SignPattern(m, n, m);
        var all = Enumerable.Range(0, m).ToList();
        signs.SetNeurons(all.ToArray(), theta, data);
        var rng = new SeededRandom(seed + 7);
        var some = new List<int>();
        int nearServed = 0;
        for (int step = 0; step < 300; step++)
        {
            for (int j = 0; j < m; j++)
            {
                int o = j * (d + 1) + 1;
                double kind = rng.NextDouble();
                // Mostly small steps (a late phase), sometimes a jump or a growth by 20%, sometimes no motion.
                double size = kind < 0.8 ? 1e-3 : kind < 0.9 ? 0.5 : 0;
                for (int i = 0; i < d; i++) theta[o + i] += size * rng.NextGaussian();
                if (kind >= 0.95) for (int i = 0; i < d; i++) theta[o + i] *= 1.2;
            }
            if (step % 7 == 3)
            {
                // Another pass wrote all signs (the direct kernel at a step's end).
                signs.SetNeurons(all.ToArray(), theta, data);
                margins.Written(theta);
            }
            else
            {
                some.Clear();
                for (int j = 0; j < m; j++) if (step % 3 == 0 || rng.NextDouble() < 0.5) some.Add(j);
                long before = margins.NearUpdates;
                margins.Update(some, theta, signs);
                nearServed += (int)(margins.NearUpdates - before);
                reference.SetNeurons(some.ToArray(), theta, data);
                int chunks = (n + 31) / 32;
                foreach (int j in some)
                    for (int c = 0; c < chunks; c++)
                        Assert.Equal(reference.Positive[j * chunks + c], signs.Positive[j * chunks + c]);
            }
        }
        Assert.True(nearServed > 100, $"only {nearServed} updates served from near lists: the test did not exercise them");
    }

    [Theory]
    [InlineData(3000, 5, 6, 11UL)]
    [InlineData(1027, 10, 5, 12UL)]
    public void Reach_equals_the_tiled_scan(int n, int d, int m, ulong seed)
    {
        var theta = RandomNetwork(m, d, seed + 100).Theta;
        var data = DataNearHyperplanes(n, d, theta, seed);
        var field = RandomNetwork(m, d, seed + 200).Theta;
        var margins = new MarginSigns(data, m);
        var signs = new SignPattern(m, n, m);
        var all = Enumerable.Range(0, m).ToList();
        for (int pass = 0; pass < 3; pass++) margins.Update(all, theta, signs); // lists built
        var scan = new ReachScan(data);
        var found = new List<int>();
        var rng = new SeededRandom(seed);
        int compared = 0;
        foreach (double h in new[] { 1e-6, 1e-4, 1e-3, 1e-2, 1.0 })
        {
            for (int j = 0; j < m; j++)
                for (int i = 0; i < d; i++) theta[j * (d + 1) + 1 + i] += 1e-5 * rng.NextGaussian();
            scan.Scan(all.ToArray(), theta, field, h);
            for (int j = 0; j < m; j++)
            {
                int o = j * (d + 1) + 1;
                if (!margins.FindWithinReach(j, theta.AsSpan(o, d), field.AsSpan(o, d), h, found)) { Assert.Empty(found); continue; }
                Assert.Equal(scan.Found(j), found);
                compared++;
            }
        }
        Assert.True(compared >= m, $"only {compared} neurons were within their lists' radius");
    }

    [Fact]
    public void A_neuron_beyond_its_radius_is_not_served_from_its_list()
    {
        int n = 2000, d = 4, m = 1;
        var theta = RandomNetwork(m, d, 5).Theta;
        var data = RandomData(n, d, 6);
        var margins = new MarginSigns(data, m);
        var signs = new SignPattern(m, n, m);
        margins.Update([0], theta, signs);
        var found = new List<int>();
        // A step of the size of w itself reaches farther than the n / 32 samples of smallest margin.
        Assert.False(margins.FindWithinReach(0, theta.AsSpan(1, d), theta.AsSpan(1, d), 10.0, found));
        for (int i = 1; i <= d; i++) theta[i] = -theta[i];
        long passes = margins.FullPasses;
        margins.Update([0], theta, signs);
        Assert.Equal(passes + 1, margins.FullPasses);
    }
}

/// <summary>Residuals computed on demand from a kept state and pattern equal the direct kernel's.</summary>
public class ResidualTableTests
{
    [Theory]
    [InlineData(500, 3, 7, 1UL)]
    [InlineData(1031, 10, 20, 2UL)]
    public void On_demand_residuals_equal_the_kernels(int n, int d, int m, ulong seed)
    {
        var data = RandomData(n, d, seed);
        var theta = RandomNetwork(m, d, seed + 1).Theta;
        var kernel = new GradientKernel(data, m);
        var mask = new ActivationMask(m, n, kernel.PaddedNeurons);
        var rng = new SeededRandom(seed + 2);
        for (int j = 0; j < m; j++)
            for (int k = 0; k < n; k++) mask.Set(j, k, rng.NextDouble() < 0.5); // a frozen pattern, not the signs
        var grad = new double[theta.Length];
        kernel.EvaluateMasked(theta, grad, mask);
        var table = new ResidualTable(data, m);
        table.Capture(theta, mask);
        var kept = new ResidualTable(data, m);
        kept.CopyFrom(table);
        double scale = data.Y.Max(Math.Abs);
        for (int k = 0; k < n; k++) Assert.True(Math.Abs(table[k] - kernel.Residuals[k]) <= 1e-12 * scale * m, $"r_{k}");
        // The copy keeps the state and pattern it was made from.
        var expected = Enumerable.Range(0, n).Select(k => table[k]).ToArray();
        theta[1] += 1.0;
        mask.Flip(0);
        table.Capture(theta, mask);
        Assert.NotEqual(expected[0], table[0]);
        for (int k = 0; k < n; k++) Assert.Equal(expected[k], kept[k]);
        // A dense table copied keeps its values when the kernel's change.
        var dense = new ResidualTable(data, m);
        dense.UseKernel(kernel.Residuals);
        kept.CopyFrom(dense);
        var before = (double[])kernel.Residuals.Clone();
        kernel.EvaluateMasked(theta, grad, mask);
        for (int k = 0; k < n; k++) Assert.Equal(before[k], kept[k]);
    }
}

/// <summary>The order statistic against a sort.</summary>
public class SelectTests
{
    [Theory]
    [InlineData(1, 1UL)]
    [InlineData(2, 2UL)]
    [InlineData(17, 3UL)]
    [InlineData(1000, 4UL)]
    public void Nth_smallest_equals_the_sorted_value(int length, ulong seed)
    {
        var rng = new SeededRandom(seed);
        var values = new double[length];
        for (int i = 0; i < length; i++) values[i] = Math.Round(rng.NextGaussian() * 3); // many ties
        if (length > 3) values[1] = double.NaN;
        var sorted = values.Order().ToArray(); // NaN first in .NET's order: the selection puts it last
        var expected = sorted.Where(v => !double.IsNaN(v)).Concat(sorted.Where(double.IsNaN)).ToArray();
        for (int t = 1; t <= length; t++)
        {
            var copy = (double[])values.Clone();
            double got = Select.NthSmallest(copy, t);
            Assert.True(got.Equals(expected[t - 1]), $"t = {t}: {got} against {expected[t - 1]}");
        }
        Assert.Throws<ArgumentOutOfRangeException>(() => Select.NthSmallest(values, 0));
    }
}
