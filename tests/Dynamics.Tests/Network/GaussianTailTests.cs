using MathNet.Numerics;
using SimplicityBias.Dynamics.Network;

namespace SimplicityBias.Dynamics.Tests.Network;

/// <summary>The platform-independent erfc and exp against MathNet's erfc and the runtime's exp.</summary>
public class GaussianTailTests
{
    [Fact]
    public void Erfc_agrees_with_a_reference_implementation()
    {
        double worstAbs = 0, worstRel = 0;
        for (double x = -6; x <= 26; x += 0.0137)
        {
            double a = SpecialFunctions.Erfc(x), b = GaussianTail.Erfc(x);
            worstAbs = Math.Max(worstAbs, Math.Abs(a - b));
            if (x >= 2.5) worstRel = Math.Max(worstRel, Math.Abs(a - b) / a);
        }
        Assert.True(worstAbs < 1e-15, $"largest absolute difference {worstAbs:G3}");
        Assert.True(worstRel < 1e-13, $"largest relative difference beyond 2.5: {worstRel:G3}");
        Assert.Equal(1.0, GaussianTail.Erfc(0));
        Assert.Equal(2.0, GaussianTail.Erfc(-30));
        Assert.Equal(0.0, GaussianTail.Erfc(30));
    }

    [Fact]
    public void Exp_is_within_one_ulp_of_the_runtime()
    {
        for (double x = -700; x < 700; x += 0.731)
        {
            double a = Math.Exp(x), b = GaussianTail.Exp(x);
            Assert.True(a == b || Math.BitIncrement(Math.Min(a, b)) == Math.Max(a, b), $"e^{x:R}: {b:R} against {a:R}");
        }
        Assert.Equal(1.0, GaussianTail.Exp(0));
    }
}
