using SimplicityBias.Dynamics.Network;

namespace SimplicityBias.Dynamics.Tests.Network;

/// <summary>RoundedLog: correctly rounded, and independent of the last bits of the runtime's log it starts from.</summary>
public class RoundedLogTests
{
    /// <summary>Inputs where this machine's Math.Log is off by one ulp; the expected values were checked with 60-digit decimal arithmetic.</summary>
    [Theory]
    [InlineData(0.7152234794177225, -0.3351602264982157)]
    [InlineData(0.7822624755940691, -0.24556494821379413)]
    [InlineData(0.25917968212588677, -1.3502337044364325)]
    public void Rounds_correctly_where_the_runtime_does_not(double x, double expected) => Assert.Equal(expected, RoundedLog.Log(x));

    [Fact]
    public void Does_not_depend_on_the_starting_value_within_a_few_ulp()
    {
        var rng = new SeededRandom(12);
        for (int i = 0; i < 20_000; i++)
        {
            double x = i % 3 == 0 ? 1 + (rng.NextDouble() - 0.5) * 1e-3 : Math.ScaleB(1 + rng.NextDouble(), -rng.NextInt(80));
            double y0 = Math.Log(x), r = RoundedLog.Log(x);
            for (int k = -4; k <= 4; k++)
            {
                double start = y0;
                for (int s = 0; s < Math.Abs(k); s++) start = k > 0 ? Math.BitIncrement(start) : Math.BitDecrement(start);
                Assert.Equal(r, RoundedLog.Refine(x, start));
            }
            Assert.True(Math.Abs(r - y0) <= Math.Abs(Math.BitIncrement(y0) - y0), $"log({x:R}) = {r:R}, Math.Log {y0:R}");
        }
    }

    [Fact]
    public void Special_values()
    {
        Assert.Equal(0.0, RoundedLog.Log(1.0));
        Assert.Equal(double.NegativeInfinity, RoundedLog.Log(0.0));
        Assert.Equal(double.PositiveInfinity, RoundedLog.Log(double.PositiveInfinity));
        Assert.True(double.IsNaN(RoundedLog.Log(-1.0)));
        Assert.True(double.IsNaN(RoundedLog.Log(double.NaN)));
        Assert.Equal(Math.Log(double.Epsilon), RoundedLog.Log(double.Epsilon), 1e-12);
        Assert.Equal(Math.Log(2.0), RoundedLog.Log(2.0));
    }
}
