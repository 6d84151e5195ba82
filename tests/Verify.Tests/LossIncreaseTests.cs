using SimplicityBias.Verify.Running;

namespace SimplicityBias.Verify.Tests;

/// <summary>The monotone-loss measure: rises relative to max(L, 1e-6 L(0)), not counting those within the loss's resolution at rtol.</summary>
public class LossIncreaseTests
{
    [Theory]
    // The two rises of reports/orthogonal (n = 5 seed 1, n = 10 seed 2) after interpolation: residuals of ~1e-6, what
    // parameters known to rtol = 1e-6 give; they failed the check before it knew the resolution.
    [InlineData(2.0671288183457505e-14, 1.4131778396577857e-12, 0.356094698888819)]
    [InlineData(5.953008766688705e-14, 1.6610755478630167e-12, 0.5597331854021084)]
    public void Rises_within_the_resolution_at_rtol_do_not_count(double before, double after, double initial)
        => Assert.Equal(0, EndpointAnalysis.LossIncrease(before, after, initial, rtol: 1e-6));

    [Fact]
    public void A_rise_beyond_the_resolution_is_measured_relative_to_the_loss()
    {
        // L = 0.1, rise 1e-4: the resolution at rtol 1e-6 is 4e-6 sqrt(0.1 * 0.5) + 2e-12 ~ 9e-7.
        double inc = EndpointAnalysis.LossIncrease(0.1, 0.1001, 0.5, rtol: 1e-6);
        Assert.Equal(1e-3, inc, 10);
        // The same rise after interpolation is measured against the floor 1e-6 L(0).
        Assert.Equal(1e-4 / 5e-7, EndpointAnalysis.LossIncrease(1e-15, 1e-15 + 1e-4, 0.5, rtol: 1e-6), 6);
    }

    [Fact]
    public void Tighter_tolerances_shrink_the_resolution()
    {
        // Counted at rtol 1e-9, not at 1e-6.
        Assert.Equal(0, EndpointAnalysis.LossIncrease(1e-14, 1e-12, 0.5, rtol: 1e-6));
        Assert.True(EndpointAnalysis.LossIncrease(1e-14, 1e-12, 0.5, rtol: 1e-9) > 1e-6);
    }

    [Fact]
    public void Decreases_count_as_zero_and_a_non_finite_loss_as_an_unbounded_rise()
    {
        Assert.Equal(0, EndpointAnalysis.LossIncrease(0.5, 0.4, 0.5, rtol: 1e-6));
        Assert.Equal(double.PositiveInfinity, EndpointAnalysis.LossIncrease(0.5, double.NaN, 0.5, rtol: 1e-6));
    }
}
