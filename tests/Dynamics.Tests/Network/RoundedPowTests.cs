using SimplicityBias.Dynamics.Network;

namespace SimplicityBias.Dynamics.Tests.Network;

/// <summary>RoundedPow: exact where the power is representable, within one ulp of Math.Pow, and correctly rounded where a runtime's pow is not.</summary>
public class RoundedPowTests
{
    [Fact]
    public void Representable_powers_are_exact()
    {
        for (int k = -20; k <= 22; k++) Assert.Equal(double.Parse($"1e{k}", System.Globalization.CultureInfo.InvariantCulture), RoundedPow.Pow(10, k));
        for (int k = -60; k <= 60; k++) Assert.Equal(Math.ScaleB(1.0, k), RoundedPow.Pow(2, k));
        Assert.Equal(2.0, RoundedPow.Pow(4, 0.5));
        Assert.Equal(0.7, RoundedPow.Pow(0.7, 1));
        Assert.Equal(1.0, RoundedPow.Pow(123.4, 0));
        Assert.Equal(0.0, RoundedPow.Pow(0, 0.3));
        Assert.Equal(double.PositiveInfinity, RoundedPow.Pow(0, -0.3));
        Assert.True(double.IsNaN(RoundedPow.Pow(-1, 0.5)));
    }

    [Fact]
    public void Within_one_ulp_of_the_runtimes_pow_over_the_step_controls_range()
    {
        var rng = new SeededRandom(11);
        double[] exponents = { -0.17, 0.17, -1.0 / 3, 0.04, 0.2, 0.5, 1.5, -0.7 };
        foreach (double p in exponents)
            for (int i = 0; i < 20_000; i++)
            {
                double x = Math.Pow(10, 24 * rng.NextDouble() - 12), a = Math.Pow(x, p), b = RoundedPow.Pow(x, p);
                Assert.True(a == b || Math.BitIncrement(Math.Min(a, b)) == Math.Max(a, b), $"{x:R}^{p:R}: {b:R} against {a:R}");
            }
    }

    [Theory]
    // Correctly rounded values of x^p, from 60-digit decimal arithmetic; one runtime's pow returns the neighbour.
    [InlineData(289095.49281701946, -0.17, 0.11792964072764998)]
    [InlineData(5.4677354143513345E-11, -0.17, 55.535760903261085)]
    [InlineData(1805.579527493669, -0.17, 0.2794957280372881)]
    [InlineData(6725331342.683419, -0.17, 0.02134463208828187)]
    [InlineData(1.9512232584297344E-10, -0.17, 44.735038568078295)]
    public void Correctly_rounded_where_a_runtime_is_not(double x, double p, double expected) => Assert.Equal(expected, RoundedPow.Pow(x, p));
}
