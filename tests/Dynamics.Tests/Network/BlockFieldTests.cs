using SimplicityBias.Dynamics.Network;
using SimplicityBias.Dynamics.Ode;
using Xunit.Abstractions;
using static SimplicityBias.Dynamics.Tests.Network.ReferenceNetwork;

namespace SimplicityBias.Dynamics.Tests.Network;

/// <summary>The block form of the frozen-pattern field against the direct kernel, its updates against fresh sums, the automatic choice, and the endpoints of flows in block and grouped form.</summary>
public class BlockFieldTests
{
    readonly ITestOutputHelper _out;
    public BlockFieldTests(ITestOutputHelper output) { _out = output; }

    /// <summary>A random 0/1 pattern (not the signs: the block form must hold for any frozen pattern).</summary>
    static ActivationMask RandomMask(int m, int n, int padded, SeededRandom rng, double on)
    {
        var mask = new ActivationMask(m, n, padded);
        for (int j = 0; j < m; j++)
            for (int k = 0; k < n; k++) mask.Set(j, k, rng.NextDouble() < on);
        return mask;
    }

    static double MaxRelative(double[] a, double[] b)
    {
        double scale = 0, diff = 0;
        for (int i = 0; i < a.Length; i++) { scale = Math.Max(scale, Math.Abs(a[i])); diff = Math.Max(diff, Math.Abs(a[i] - b[i])); }
        return diff / scale;
    }

    [Theory]
    [InlineData(200, 3, 7, 1UL)]
    [InlineData(997, 5, 13, 2UL)]
    [InlineData(1500, 10, 9, 3UL)]
    [InlineData(64, 1, 4, 4UL)]
    public void Loss_and_gradient_equal_the_direct_kernel_on_random_states_and_patterns(int n, int d, int m, ulong seed)
    {
        var data = RandomData(n, d, seed);
        var rng = new SeededRandom(seed + 100);
        var kernel = new GradientKernel(data, m);
        for (int round = 0; round < 4; round++)
        {
            var theta = RandomNetwork(m, d, seed * 10 + (ulong)round).Theta;
            var mask = RandomMask(m, n, kernel.PaddedNeurons, rng, 0.2 + 0.2 * round);
            var blocks = new BlockField(data, m, mask.Bits.Length);
            blocks.Sync(mask);
            var gb = new double[theta.Length];
            var gd = new double[theta.Length];
            double lb = blocks.Evaluate(theta, gb);
            double ld = kernel.EvaluateMasked(theta, gd, mask);
            Assert.True(MaxRelative(gd, gb) < 1e-12, $"gradient differs by {MaxRelative(gd, gb):G3} (relative to its largest entry)");
            Assert.True(Math.Abs(lb - ld) <= 1e-12 * Math.Abs(ld), $"loss {lb:R} against {ld:R}");
        }
    }

    [Fact]
    public void Blocks_updated_pair_by_pair_equal_blocks_summed_from_scratch()
    {
        int n = 200, d = 4, m = 11;
        var data = RandomData(n, d, 21);
        var rng = new SeededRandom(22);
        var kernel = new GradientKernel(data, m);
        var mask = RandomMask(m, n, kernel.PaddedNeurons, rng, 0.5);
        var blocks = new BlockField(data, m, mask.Bits.Length);
        blocks.Sync(mask);
        var theta = RandomNetwork(m, d, 23).Theta;
        var g1 = new double[theta.Length];
        var g2 = new double[theta.Length];
        long rebuildsAfterBuild = blocks.BlockRebuilds;
        // Many rounds of flips, some dense enough to trigger the rebuild of blocks past their update budget,
        // and one that changes more than a quarter of the pattern (a full rebuild).
        for (int round = 0; round < 60; round++)
        {
            int flips = round == 30 ? m * n / 3 : 1 + (int)(rng.NextDouble() * 300);
            for (int f = 0; f < flips; f++) mask.Flip((int)(rng.NextDouble() * m) * n + (int)(rng.NextDouble() * n));
            blocks.Sync(mask);
            double l1 = blocks.Evaluate(theta, g1);
            var fresh = new BlockField(data, m, mask.Bits.Length);
            fresh.Sync(mask);
            double l2 = fresh.Evaluate(theta, g2);
            Assert.True(MaxRelative(g2, g1) < 1e-12, $"round {round}: gradient differs by {MaxRelative(g2, g1):G3}");
            Assert.True(Math.Abs(l1 - l2) <= 1e-12 * l2, $"round {round}: loss {l1:R} against {l2:R}");
            var direct = new double[theta.Length];
            kernel.EvaluateMasked(theta, direct, mask);
            Assert.True(MaxRelative(direct, g1) < 1e-12);
        }
        _out.WriteLine($"pair updates {blocks.PairUpdates}, blocks summed afresh after the first build {blocks.BlockRebuilds - rebuildsAfterBuild}");
        Assert.True(blocks.BlockRebuilds > rebuildsAfterBuild, "the case must exercise the rebuild schedule");
    }

    [Fact]
    public void An_unchanged_pattern_is_not_scanned_again_and_a_restored_one_is_followed()
    {
        int n = 300, d = 3, m = 5;
        var data = RandomData(n, d, 31);
        var kernel = new GradientKernel(data, m);
        var mask = RandomMask(m, n, kernel.PaddedNeurons, new SeededRandom(32), 0.5);
        var blocks = new BlockField(data, m, mask.Bits.Length);
        blocks.Sync(mask);
        var saved = new uint[mask.Bits.Length];
        mask.CopyTo(saved);
        for (int k = 0; k < 40; k++) mask.Flip(2 * n + k);
        blocks.Sync(mask);
        long updates = blocks.PairUpdates;
        blocks.Sync(mask);
        Assert.Equal(updates, blocks.PairUpdates);
        mask.CopyFrom(saved);
        blocks.Sync(mask);
        Assert.Equal(updates + 40, blocks.PairUpdates);
        var theta = RandomNetwork(m, d, 33).Theta;
        var gb = new double[theta.Length];
        var gd = new double[theta.Length];
        blocks.Evaluate(theta, gb);
        kernel.EvaluateMasked(theta, gd, mask);
        Assert.True(MaxRelative(gd, gb) < 1e-12);
    }

    [Theory]
    [InlineData(500, 100, 5, FieldBackend.Direct)]      // R1: 1e6 operations a direct evaluation, cheap already
    [InlineData(5_000, 100, 5, FieldBackend.Direct)]    // R2: 1e7
    [InlineData(25_000, 200, 10, FieldBackend.Grouped)] // R3: 2e8; the run decides step by step
    [InlineData(25_000, 100, 10, FieldBackend.Grouped)] // the full scale's d = 10 run
    [InlineData(25_000, 100, 100, FieldBackend.Direct)] // d beyond the grouped form's dense blocks
    public void The_automatic_choice_follows_the_operation_counts(int n, int m, int d, FieldBackend expected)
        => Assert.Equal(expected, FilippovField.Choose(n, m, d));

    [Theory]
    [InlineData(FieldBackend.Block)]
    [InlineData(FieldBackend.Grouped)]
    public void A_flow_in_block_or_grouped_form_reaches_the_direct_flows_stationary_endpoint(FieldBackend backend)
    {
        // Large n for its m and d, so the block forms are a real alternative; stationary well before the horizon.
        var data = RandomData(3000, 3, 41, noise: 0.5);
        var init = Initialization.Create(InitKind.Balanced, 6, 3, 0.1, 42);
        var options = new FlowOptions { Horizon = 1e6, StationarityTolerance = 1e-7 };
        var direct = GradientFlow.Integrate(data, init, options with { FieldBackend = FieldBackend.Direct });
        var other = GradientFlow.Integrate(data, init, options with { FieldBackend = backend });
        _out.WriteLine($"direct: {direct.Code} t = {direct.Time:G6} rhs {direct.Statistics.RhsEvaluations} loss {direct.FinalLoss:R}; " +
                       $"{backend}: {other.Code} t = {other.Time:G6} rhs {other.Statistics.RhsEvaluations} (block form {other.Statistics.BlockEvaluations}, updates {other.Statistics.BlockPairUpdates}, rebuilds {other.Statistics.BlockRebuilds}) loss {other.FinalLoss:R}");
        Assert.Equal(OdeReturnCode.SteadyState, direct.Code);
        Assert.Equal(OdeReturnCode.SteadyState, other.Code);
        Assert.Equal(backend, other.Statistics.FieldBackend);
        Assert.True(other.Statistics.BlockEvaluations > other.Statistics.RhsEvaluations / 2);
        Assert.True(Math.Abs(direct.FinalLoss - other.FinalLoss) <= 1e-8 * direct.FinalLoss, $"losses {direct.FinalLoss:R} and {other.FinalLoss:R}");
        // Neurons of one direction may share its weight differently along the way; the function they compute may not.
        var test = RandomData(500, 3, 43, noise: 0);
        double diff = 0, norm = 0;
        for (int k = 0; k < test.N; k++)
        {
            double a = Predict(direct.Final, test.Row(k)), b = Predict(other.Final, test.Row(k));
            diff += (a - b) * (a - b); norm += a * a;
        }
        Assert.True(Math.Sqrt(diff / norm) < 1e-5, $"endpoint predictions differ by {Math.Sqrt(diff / norm):G3} (relative L2)");
    }

    static double Predict(NetworkParameters p, ReadOnlySpan<double> x)
    {
        double h = 0;
        for (int j = 0; j < p.M; j++)
        {
            double z = 0;
            var w = p.W(j);
            for (int i = 0; i < x.Length; i++) z += w[i] * x[i];
            if (z > 0) h += p.A(j) * z;
        }
        return h;
    }
}
