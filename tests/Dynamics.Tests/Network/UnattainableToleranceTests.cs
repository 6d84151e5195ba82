using SimplicityBias.Dynamics.Network;

namespace SimplicityBias.Dynamics.Tests.Network;

/// <summary>
/// Tolerances no step can honour end the flow with a failure code instead of a hang: at rtol 1e-160 and atol 0
/// the error norm overflows, the first step is NaN, and a loop that halves a NaN step never ends.
/// </summary>
public class UnattainableToleranceTests
{
    [Theory]
    [InlineData(1e-160)]
    [InlineData(1e-40)]
    public async Task The_flow_returns_a_failure_code_instead_of_hanging(double rtol)
    {
        var data = GradientFlowTests.Linear(64, 3, 1.0, 1);
        var init = Initialization.Create(InitKind.Balanced, 30, 3, 1e-2, 11);
        using var guard = new CancellationTokenSource();
        var run = Task.Run(() => GradientFlow.Integrate(data, init,
            new FlowOptions { Horizon = 1, RelativeTolerance = rtol, AbsoluteTolerance = 0 }, cancel: guard.Token));
        bool finished = await Task.WhenAny(run, Task.Delay(TimeSpan.FromSeconds(30))) == run;
        guard.Cancel(); // stops a hung loop at its next iteration, so a failure does not leave it spinning
        Assert.True(finished, $"the flow at rtol {rtol:G3} did not return within 30 s");
        var res = await run;
        Assert.NotEqual(FlowReturnCode.Cancelled, res.Code);
        Assert.Contains(res.Code, new[] { FlowReturnCode.StepSizeTooSmall, FlowReturnCode.Unstable });
    }
}
