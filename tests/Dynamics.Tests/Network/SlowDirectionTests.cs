using System.Globalization;
using System.Text.RegularExpressions;
using SimplicityBias.Dynamics.Network;
using SimplicityBias.Dynamics.Ode;
using Xunit.Abstractions;
using static SimplicityBias.Dynamics.Tests.Network.ReferenceNetwork;

namespace SimplicityBias.Dynamics.Tests.Network;

/// <summary>A run that ends at the horizon says how slow its last direction is, and how long it would still need.</summary>
public class SlowDirectionTests
{
    readonly ITestOutputHelper _out;
    public SlowDirectionTests(ITestOutputHelper output) { _out = output; }

    [Fact]
    public void The_estimate_from_the_curvature_along_the_gradient_brackets_the_time_to_stationarity()
    {
        var data = RandomData(400, 3, 51, noise: 0.5);
        var init = Initialization.Create(InitKind.Balanced, 6, 3, 0.1, 52);
        var options = new FlowOptions { Horizon = 1e6, StationarityTolerance = 1e-7 };
        var full = GradientFlow.Integrate(data, init, options);
        Assert.Equal(OdeReturnCode.SteadyState, full.Code);
        // Stop well into the final approach: a few decades of |grad| before the tolerance.
        var cut = GradientFlow.Integrate(data, init, options with { Horizon = full.Time / 3 });
        _out.WriteLine($"stationary at t = {full.Time:G4}; cut at {cut.Time:G4}: {cut.Reason}");
        Assert.Equal(OdeReturnCode.Success, cut.Code);
        var match = Regex.Match(cut.Reason, @"fell at rate ([0-9.eE+-]+) .* about t = ([0-9.eE+-]+) more;.*; the curvature of the loss along the gradient is ([0-9.eE+-]+)");
        Assert.True(match.Success, cut.Reason);
        double rate = double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
        double more = double.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture);
        Assert.True(rate > 0, $"rate {rate}");
        // An estimate, not a bound: the rate of the second half need not hold, so within a factor of 10.
        double needed = full.Time - cut.Time;
        Assert.True(more > needed / 10 && more < needed * 10, $"estimated {more:G3} more, needed {needed:G3}");
        // The same time priced at the pace of the second half: the evaluations the run that went on actually spent.
        var pace = Regex.Match(cut.Reason, @"its (\d+) steps had mean h = ([0-9.eE+-]+) .* about ([0-9.eE+-]+) more right-hand sides");
        Assert.True(pace.Success, cut.Reason);
        long stepsInWindow = long.Parse(pace.Groups[1].Value, CultureInfo.InvariantCulture);
        Assert.InRange(stepsInWindow, 1, cut.Statistics.AcceptedSteps);
        double meanStep = double.Parse(pace.Groups[2].Value, CultureInfo.InvariantCulture);
        Assert.InRange(meanStep * stepsInWindow, cut.Time / 2 * 0.9, cut.Time / 2 * 1.1); // the window is the second half
        double moreRhs = double.Parse(pace.Groups[3].Value, CultureInfo.InvariantCulture);
        long spent = full.Statistics.RhsEvaluations - cut.Statistics.RhsEvaluations;
        Assert.True(moreRhs > spent / 10.0 && moreRhs < spent * 10.0, $"priced at {moreRhs:G3} more evaluations, the run spent {spent}");
    }
}
