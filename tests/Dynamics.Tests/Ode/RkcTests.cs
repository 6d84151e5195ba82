using SimplicityBias.Dynamics.Ode;

namespace SimplicityBias.Dynamics.Tests.Ode;

/// <summary>The Runge-Kutta-Chebyshev coefficients: second order, and the real stability interval they promise.</summary>
public class RkcTests
{
    /// <summary>One RKC step on y' = lambda y from y = 1: the stability polynomial R(h lambda).</summary>
    static double Step(RkcCoefficients c, double z)
    {
        // With F(Y) = lambda Y and h lambda = z, h F(Y) = z Y.
        double y0 = 1, f0 = z, yPrev2 = y0, yPrev = y0 + c.MuTilde[1] * f0;
        for (int j = 2; j <= c.Stages; j++)
        {
            double yj = (1 - c.Mu[j] - c.Nu[j]) * y0 + c.Mu[j] * yPrev + c.Nu[j] * yPrev2 + c.MuTilde[j] * z * yPrev + c.GammaTilde[j] * f0;
            yPrev2 = yPrev; yPrev = yj;
        }
        return yPrev;
    }

    [Theory]
    [InlineData(2)]
    [InlineData(5)]
    [InlineData(20)]
    [InlineData(120)]
    public void Is_second_order_on_the_linear_test_equation(int stages)
    {
        var c = new RkcCoefficients(stages);
        // Local error e(z) = R(z) - exp(z) ~ C z^3: halving z divides it by 8.
        double e1 = Step(c, -1e-2) - Math.Exp(-1e-2), e2 = Step(c, -5e-3) - Math.Exp(-5e-3);
        Assert.InRange(Math.Log2(e1 / e2), 2.8, 3.2);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(7)]
    [InlineData(30)]
    [InlineData(200)]
    public void Is_stable_on_its_whole_real_interval_and_the_interval_grows_like_s_squared(int stages)
    {
        var c = new RkcCoefficients(stages);
        // beta(s) / s^2 rises from 0.49 at s = 2 toward 0.653.
        Assert.InRange(c.StabilityBoundary / (stages * stages), stages < 5 ? 0.45 : 0.6, 0.66);
        for (int i = 0; i <= 2000; i++)
        {
            double z = -c.StabilityBoundary * i / 2000.0;
            Assert.True(Math.Abs(Step(c, z)) <= 1 + 1e-9, $"|R({z})| = {Math.Abs(Step(c, z))} > 1 for s = {stages}");
        }
        // Damped: inside the interval, away from its ends, the amplification stays below 1.
        Assert.True(Math.Abs(Step(c, -0.5 * c.StabilityBoundary)) < 0.99);
        Assert.True(Math.Abs(Step(c, -1.05 * c.StabilityBoundary)) > 1, "just past the boundary the step amplifies");
    }

    [Fact]
    public void Stage_count_covers_the_requested_stiffness()
    {
        foreach (double hRho in new[] { 0.0, 1.0, 10.0, 400.0, 1e4 })
        {
            int s = RkcCoefficients.StagesFor(hRho);
            Assert.True(new RkcCoefficients(s).StabilityBoundary >= hRho, $"s = {s} does not cover h rho = {hRho}");
            if (s > 2) Assert.True(new RkcCoefficients(s - 1).StabilityBoundary < 1.05 * hRho, $"s = {s} is wasteful for h rho = {hRho}");
        }
        Assert.Throws<ArgumentOutOfRangeException>(() => RkcCoefficients.StagesFor(double.NaN));
        Assert.Throws<ArgumentOutOfRangeException>(() => new RkcCoefficients(1));
    }
}
