using SimplicityBias.Dynamics.Network;

namespace SimplicityBias.Dynamics.Tests.Network;

/// <summary>The pace of a run's second half: what it counts, and that a checkpoint carries it whole.</summary>
public class StepPaceTests
{
    static FlowStatistics Counters(long steps, long rejected, long crossings, long captures, long releases, long stiff) => new()
    {
        AcceptedSteps = steps, RejectedSteps = rejected, CrossingRejections = rejected / 2, Crossings = crossings,
        Captures = captures, Releases = releases, StiffSteps = stiff,
    };

    [Fact]
    public void The_pace_is_the_counters_difference_over_the_window()
    {
        var pace = new StepPace();
        Assert.Equal("", pace.Describe(10, 100, Counters(10, 0, 0, 0, 0, 0), 5));
        pace.Open(50, 1000, Counters(100, 4, 500, 20, 10, 0));
        for (int i = 0; i < 40; i++) pace.Step(capped: i % 4 == 0, slidingNeurons: 3, topShare: 0.5, halfNeurons: 1, hLambda: 2);
        // 40 steps over t = 50..100 with 400 evaluations, 10 rejections, 250 crossings, 30 captures, 20 releases.
        string text = pace.Describe(100, 1400, Counters(140, 14, 750, 50, 30, 0), moreTime: 20);
        Assert.Contains("from t = 50 its 40 steps had mean h = 1.25 and took 10 right-hand sides each", text);
        Assert.Contains("after 25% of them", text);
        Assert.Contains("3 neurons slid on average, 1 neurons made half of the error estimate (the largest 50%)", text);
        Assert.Contains("mean h|lambda| 2", text);
        Assert.Contains("10 rejected (5 at crossings); per unit time 5 crossings, 0.6 captures and 0.4 releases", text);
        Assert.Contains("about 1.6E+02 more right-hand sides", text); // 20 time units at 8 evaluations per unit
        Assert.DoesNotContain("RKC", text);
    }

    [Fact]
    public void A_copy_reports_the_same_pace_and_does_not_follow_the_original()
    {
        var pace = new StepPace();
        pace.Open(1, 10, Counters(5, 0, 7, 1, 1, 2));
        pace.Step(true, 2, 0.3, 2, double.NaN);
        pace.Step(false, 4, double.NaN, double.NaN, 1.5);
        var copy = pace.Clone();
        var end = Counters(7, 1, 9, 2, 2, 3);
        Assert.Equal(pace.Describe(3, 30, end, 4), copy.Describe(3, 30, end, 4));
        pace.Step(true, 9, 0.9, 9, 3);
        Assert.NotEqual(pace.Describe(3, 30, Counters(8, 1, 9, 2, 2, 3), 4), copy.Describe(3, 30, Counters(8, 1, 9, 2, 2, 3), 4));
    }
}
