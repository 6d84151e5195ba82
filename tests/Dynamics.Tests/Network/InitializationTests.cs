using SimplicityBias.Dynamics.Network;

namespace SimplicityBias.Dynamics.Tests.Network;

public class SeededRandomTests
{
    [Fact]
    public void SplitMix64_matches_published_first_outputs_from_seed_zero()
    {
        ulong s = 0;
        Assert.Equal(0xE220A8397B1DCDAFUL, SeededRandom.SplitMix64(ref s));
        // xoshiro256** reference outputs from the state {1, 2, 3, 4}
        var r = SeededRandom.FromState(1, 2, 3, 4);
        Assert.Equal(11520UL, r.NextUInt64());
        Assert.Equal(0UL, r.NextUInt64());
        Assert.Equal(1509978240UL, r.NextUInt64());
        Assert.Equal(1215971899390074240UL, r.NextUInt64());
        Assert.Equal(0x6E789E6AA1B965F4UL, SeededRandom.SplitMix64(ref s));
        Assert.Equal(0x06C45D188009454FUL, SeededRandom.SplitMix64(ref s));
    }

    [Fact]
    public void Same_seed_same_stream_and_different_seed_different_stream()
    {
        var a = new SeededRandom(42); var b = new SeededRandom(42); var c = new SeededRandom(43);
        bool differs = false;
        for (int i = 0; i < 100; i++)
        {
            double x = a.NextGaussian(), y = b.NextGaussian(), z = c.NextGaussian();
            Assert.Equal(BitConverter.DoubleToInt64Bits(x), BitConverter.DoubleToInt64Bits(y));
            differs |= x != z;
        }
        Assert.True(differs);
    }

    [Fact]
    public void Gaussian_moments_are_standard()
    {
        var r = new SeededRandom(7);
        const int n = 200_000;
        double s1 = 0, s2 = 0, s4 = 0;
        for (int i = 0; i < n; i++) { double g = r.NextGaussian(); s1 += g; s2 += g * g; s4 += g * g * g * g; }
        Assert.InRange(s1 / n, -0.01, 0.01);   // sd of the mean: 0.0022
        Assert.InRange(s2 / n, 0.98, 1.02);    // sd: 0.0032
        Assert.InRange(s4 / n, 2.9, 3.1);      // sd: 0.022
    }

    [Fact]
    public void Uniforms_are_in_unit_interval_and_NextInt_in_range()
    {
        var r = new SeededRandom(1);
        var counts = new int[5];
        for (int i = 0; i < 10_000; i++)
        {
            double u = r.NextDouble();
            Assert.InRange(u, 0.0, 0.9999999999999999);
            counts[r.NextInt(5)]++;
        }
        foreach (var c in counts) Assert.InRange(c, 1800, 2200);
    }
}

public class InitializationTests
{
    static double Norm(Span<double> w) { double s = 0; foreach (var v in w) s += v * v; return Math.Sqrt(s); }

    [Theory]
    [InlineData(InitKind.Balanced)]
    [InlineData(InitKind.Dominated)]
    [InlineData(InitKind.Unbalanced)]
    public void Shapes_are_m_by_d_plus_one(InitKind kind)
    {
        var p = Initialization.Create(kind, 7, 3, 0.1, 5);
        Assert.Equal(7, p.M);
        Assert.Equal(3, p.D);
        Assert.Equal(28, p.Theta.Length);
        Assert.All(p.Theta, v => Assert.True(double.IsFinite(v)));
    }

    [Fact]
    public void Balanced_has_a_squared_equal_to_w_squared()
    {
        var p = Initialization.Create(InitKind.Balanced, 200, 6, 0.37, 11);
        int pos = 0;
        for (int j = 0; j < p.M; j++)
        {
            double a = p.A(j), nw = Norm(p.W(j));
            Assert.True(Math.Abs(a * a - nw * nw) <= 1e-14 * nw * nw, $"neuron {j}: a^2 = {a * a}, |w|^2 = {nw * nw}");
            if (a > 0) pos++;
        }
        Assert.InRange(pos, 70, 130); // signs +-1 w.p. 1/2 (sd 7)
    }

    [Fact]
    public void Dominated_has_a_at_least_w_and_constant_abs_a()
    {
        var p = Initialization.Create(InitKind.Dominated, 100, 4, 0.5, 3);
        double a0 = Math.Abs(p.A(0));
        for (int j = 0; j < p.M; j++)
        {
            Assert.True(Math.Abs(p.A(j)) >= Norm(p.W(j)) * (1 - 1e-15));
            Assert.Equal(a0, Math.Abs(p.A(j)), 15);
        }
        // Default c = max_j |wtilde_j|: some neuron is balanced exactly.
        double maxW = 0;
        for (int j = 0; j < p.M; j++) maxW = Math.Max(maxW, Norm(p.W(j)));
        Assert.Equal(a0, maxW, 1e-14);
    }

    [Fact]
    public void Dominated_with_explicit_constant_uses_it()
    {
        var p = Initialization.Create(InitKind.Dominated, 10, 2, 2.0, 3, dominationConstant: 10.0);
        for (int j = 0; j < p.M; j++) Assert.Equal(2.0 * 10.0 / Math.Sqrt(10), Math.Abs(p.A(j)), 1e-14);
    }

    [Fact]
    public void Dominated_rejects_too_small_constant_naming_it()
    {
        var ex = Assert.Throws<ArgumentException>(() => Initialization.Create(InitKind.Dominated, 50, 5, 1, 1, dominationConstant: 0.5));
        Assert.Equal("dominationConstant", ex.ParamName);
        Assert.Contains("0.5", ex.Message);
    }

    [Fact]
    public void Lambda_scales_linearly_and_m_by_inverse_sqrt()
    {
        var p1 = Initialization.Create(InitKind.Unbalanced, 16, 3, 1.0, 9);
        var p2 = Initialization.Create(InitKind.Unbalanced, 16, 3, 1e-3, 9);
        for (int i = 0; i < p1.Theta.Length; i++) Assert.Equal(p1.Theta[i] * 1e-3, p2.Theta[i], Math.Abs(p1.Theta[i]) * 1e-15);
        // Empirical scale: E|w_j|^2 = lambda^2 d / m.
        var big = Initialization.Create(InitKind.Balanced, 4000, 5, 2.0, 1);
        double s = 0;
        for (int j = 0; j < big.M; j++) { double nw = Norm(big.W(j)); s += nw * nw; }
        Assert.InRange(s / big.M, 0.95 * 4.0 * 5 / 4000, 1.05 * 4.0 * 5 / 4000);
    }

    [Fact]
    public void Unbalanced_is_not_dominated()
    {
        var p = Initialization.Create(InitKind.Unbalanced, 200, 5, 1, 2);
        int dominated = 0;
        for (int j = 0; j < p.M; j++) if (Math.Abs(p.A(j)) >= Norm(p.W(j))) dominated++;
        Assert.InRange(dominated, 1, 60); // P(|N(0,1)| >= chi_5) is about 0.1
    }

    [Theory]
    [InlineData(InitKind.Balanced)]
    [InlineData(InitKind.Dominated)]
    [InlineData(InitKind.Unbalanced)]
    public void Same_seed_gives_same_bits_and_other_seed_differs(InitKind kind)
    {
        var p = Initialization.Create(kind, 30, 4, 0.01, 123);
        var q = Initialization.Create(kind, 30, 4, 0.01, 123);
        var r = Initialization.Create(kind, 30, 4, 0.01, 124);
        for (int i = 0; i < p.Theta.Length; i++)
            Assert.Equal(BitConverter.DoubleToInt64Bits(p.Theta[i]), BitConverter.DoubleToInt64Bits(q.Theta[i]));
        Assert.NotEqual(p.Theta, r.Theta);
    }

    [Theory]
    [InlineData(0, 3, 1.0, "m")]
    [InlineData(3, 0, 1.0, "d")]
    [InlineData(3, 3, 0.0, "lambda")]
    [InlineData(3, 3, double.NaN, "lambda")]
    [InlineData(3, 3, double.PositiveInfinity, "lambda")]
    public void Bad_input_names_the_field(int m, int d, double lambda, string field)
    {
        var ex = Assert.Throws<ArgumentException>(() => Initialization.Create(InitKind.Balanced, m, d, lambda, 0));
        Assert.Equal(field, ex.ParamName);
    }

    [Fact]
    public void Bad_kind_and_misplaced_constant_are_rejected()
    {
        Assert.Equal("kind", Assert.Throws<ArgumentException>(() => Initialization.Create((InitKind)9, 2, 2, 1, 0)).ParamName);
        Assert.Equal("dominationConstant", Assert.Throws<ArgumentException>(() => Initialization.Create(InitKind.Balanced, 2, 2, 1, 0, 3.0)).ParamName);
        Assert.Equal("dominationConstant", Assert.Throws<ArgumentException>(() => Initialization.Create(InitKind.Dominated, 2, 2, 1, 0, double.NaN)).ParamName);
    }
}
