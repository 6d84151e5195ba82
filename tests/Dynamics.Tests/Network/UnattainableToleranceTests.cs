using System.Globalization;
using SimplicityBias.Dynamics.Network;
using SimplicityBias.Dynamics.Ode;

namespace SimplicityBias.Dynamics.Tests.Network;

/// <summary>
/// Tolerances no step can honour end the flow with an answer instead of a hang. Below rounding (rtol &lt; 1e-14, the
/// experiment's range) they are refused before any step; at the smallest accepted rtol with atol 0 the flow must still
/// return on its own.
/// </summary>
public class UnattainableToleranceTests
{
    [Theory]
    [InlineData(1e-160)]
    [InlineData(1e-40)]
    [InlineData(1e-15)]
    public void Tolerances_below_rounding_are_refused_naming_the_option_and_value(double rtol)
    {
        var data = GradientFlowTests.Linear(64, 3, 1.0, 1);
        var init = Initialization.Create(InitKind.Balanced, 30, 3, 1e-2, 11);
        var e = Assert.Throws<ArgumentException>(() => GradientFlow.Integrate(data, init,
            new FlowOptions { Horizon = 1, RelativeTolerance = rtol, AbsoluteTolerance = 0 }));
        Assert.Contains("RelativeTolerance = " + rtol.ToString("R", CultureInfo.InvariantCulture), e.Message);
    }

    [Fact]
    public async Task The_smallest_accepted_tolerance_returns_instead_of_hanging()
    {
        var data = GradientFlowTests.Linear(64, 3, 1.0, 1);
        var init = Initialization.Create(InitKind.Balanced, 30, 3, 1e-2, 11);
        using var guard = new CancellationTokenSource();
        var run = Task.Run(() => GradientFlow.Integrate(data, init,
            new FlowOptions { Horizon = 1, RelativeTolerance = OptionRanges.Rtol.Min, AbsoluteTolerance = 0, MaxSteps = 200_000 }, cancel: guard.Token));
        bool finished = await Task.WhenAny(run, Task.Delay(TimeSpan.FromSeconds(30))) == run;
        guard.Cancel(); // stops a hung loop at its next iteration, so a failure does not leave it spinning
        Assert.True(finished, "the flow at the smallest accepted rtol did not return within 30 s");
        var res = await run;
        Assert.NotEqual(OdeReturnCode.Cancelled, res.Code);
    }
}
