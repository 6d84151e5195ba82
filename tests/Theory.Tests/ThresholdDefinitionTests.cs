using SimplicityBias.Theory.Endpoint;
using SimplicityBias.Theory.Numerics;

namespace SimplicityBias.Theory.Tests;

public class ThresholdDefinitionTests
{
    private static readonly int[] Dims = [2, 3, 4, 5, 6, 8, 10];

    [Fact]
    public void Power_law_intervals_cover_the_exponent_at_about_their_level()
    {
        // n* = 30 d^3 with log-normal scatter over 5 seeds per d: both the Student-t interval of the fit on the
        // per-d geometric means and the seed bootstrap should hold p = 3 in about 95% of 200 replicate studies.
        var rng = new Rng(7);
        int tCover = 0, bootCover = 0;
        const int studies = 200;
        for (int s = 0; s < studies; s++)
        {
            var perD = Dims.Select(d => (D: d, PerSeed: Enumerable.Range(0, 5).Select(_ => 30 * Math.Pow(d, 3) * Math.Exp(0.3 * rng.NextGaussian())).ToArray())).ToList();
            var fit = OptimizationThreshold.FitNStar(perD.Select(x => (x.D, Math.Exp(x.PerSeed.Average(Math.Log)))));
            if (fit.ExponentLower <= 3 && 3 <= fit.ExponentUpper) tCover++;
            var boot = SeedBootstrap.Exponent(perD, resamples: 400, seed: s);
            if (boot.Lower <= 3 && 3 <= boot.Upper) bootCover++;
        }
        Assert.InRange(tCover, 0.88 * studies, 0.995 * studies);
        // The percentile bootstrap with 5 seeds is known to be a little narrow (it ignores the n/(n-1) factor).
        Assert.InRange(bootCover, 0.80 * studies, 0.995 * studies);
    }

    [Fact]
    public void Bootstrap_of_exact_points_is_a_point_and_recovers_p()
    {
        var perD = Dims.Select(d => (d, Enumerable.Repeat(7 * Math.Pow(d, 3), 5).ToArray())).ToList();
        var b = SeedBootstrap.Exponent(perD, resamples: 100);
        Assert.Equal(3, b.Lower, 1e-9);
        Assert.Equal(3, b.Upper, 1e-9);
        var g = SeedBootstrap.GeometricMean([100, 100, 100]);
        Assert.Equal(100, g.Lower, 1e-9);
        Assert.Equal(100, g.Upper, 1e-9);
        var spread = SeedBootstrap.GeometricMean([50, 100, 200, 400]);
        Assert.True(spread.Lower < Math.Sqrt(50 * 400) && Math.Sqrt(50 * 400) < spread.Upper && spread.Lower >= 50 && spread.Upper <= 400);
        Assert.Equal(spread, SeedBootstrap.GeometricMean([50, 100, 200, 400]));
        Assert.True(double.IsNaN(SeedBootstrap.Exponent([(3, [10.0])]).Lower));
        Assert.Throws<ArgumentException>(() => SeedBootstrap.GeometricMean([1, -1]));
    }

    [Theory]
    [InlineData(37.0)]
    [InlineData(140.0)]
    [InlineData(3000.0)]
    [InlineData(5.5)]
    public void Refinement_converges_to_a_narrow_bracket_around_a_step(double nStar)
    {
        // A sharp transition at nStar: the refinement, started on a coarse grid that need not contain it, must end
        // with a bracket of ratio <= 1.3 that holds nStar, in a few steps.
        double Loss(double n) => n < nStar ? 0 : 0.5;
        var ns = new List<double> { 16, 32, 64 };
        RefinementStep step = default;
        int steps = 0;
        for (; steps < 30; steps++)
        {
            step = ThresholdRefinement.Next(ns.Select(n => (n, Loss(n))), 0.25);
            if (step.Kind is RefinementKind.Done or RefinementKind.Stuck) break;
            Assert.DoesNotContain((double)step.NextN, ns);
            ns.Add(step.NextN);
        }
        Assert.True(step.Kind == RefinementKind.Done || (step.Kind == RefinementKind.Stuck && step.Bracket.Above - step.Bracket.Below <= 1), $"{step}");
        Assert.True(step.Bracket.Below < nStar && nStar <= step.Bracket.Above, $"{step.Bracket}");
        Assert.True(steps <= 10, $"{steps} steps");
    }

    [Fact]
    public void Refinement_kinds_and_bad_input()
    {
        Assert.Equal(new RefinementStep(RefinementKind.ExtendUp, 256, new NBracket(64, double.NaN)), ThresholdRefinement.Next([(16.0, 0.0), (64.0, 0.1)], 0.25));
        Assert.Equal(RefinementKind.ExtendDown, ThresholdRefinement.Next([(16.0, 0.3), (64.0, 0.5)], 0.25).Kind);
        Assert.Equal(RefinementKind.Stuck, ThresholdRefinement.Next([(2.0, 0.3), (64.0, 0.5)], 0.25).Kind);
        Assert.Equal(RefinementKind.Stuck, ThresholdRefinement.Next([(1000.0, 0.0)], 0.25, maxN: 1000).Kind);
        Assert.Equal(new RefinementStep(RefinementKind.Bisect, 200, new NBracket(100, 400)), ThresholdRefinement.Next([(100.0, 0.1), (400.0, 0.4)], 0.25));
        Assert.Equal(RefinementKind.Done, ThresholdRefinement.Next([(100.0, 0.1), (120.0, 0.4)], 0.25).Kind);
        // A dip back below the level after the first crossing does not move the bracket: it is the first crossing's.
        Assert.Equal(new NBracket(100, 200), ThresholdRefinement.Next([(100.0, 0.1), (200.0, 0.4), (400.0, 0.2)], 0.25).Bracket);
        Assert.Throws<ArgumentException>(() => ThresholdRefinement.Next([(100.0, 0.1)], 0.25, ratio: 1));
        Assert.Throws<ArgumentException>(() => ThresholdRefinement.Next([(100.0, double.NaN)], 0.25));
        Assert.Throws<ArgumentException>(() => ThresholdRefinement.Next([], 0.25));
    }

    [Fact]
    public void Global_minimum_and_test_minimum_definitions()
    {
        double level = ThresholdDefinitions.GlobalMinimumLevel(0.5);
        Assert.Equal(1e4 * 0.5 * Math.Pow(2, -52), level, 1e-30);
        // Interpolating (rounding-level loss) up to n = 40, a tiny but real residual at 80, the noise level beyond.
        var train = new[] { (10.0, 1e-15), (20.0, 3e-16), (40.0, 2e-14), (80.0, 1e-9), (160.0, 0.3) };
        Assert.Equal(new NBracket(40, 80), ThresholdDefinitions.FirstAbove(train, level));
        Assert.Equal(new NBracket(double.NaN, 10), ThresholdDefinitions.FirstAbove(train, 1e-16));
        Assert.Equal(new NBracket(160, double.NaN), ThresholdDefinitions.FirstAbove(train, 1));
        // Test loss: tempered overfitting falling to a dip at 80, a bump at the threshold, then the sigma^2 d/n decay to
        // below the dip: the first local minimum is the dip, not the smallest value (at the largest n).
        var test = new[] { (10.0, 0.9), (20.0, 0.5), (40.0, 0.3), (80.0, 0.2), (160.0, 0.25), (320.0, 0.1), (640.0, 0.05) };
        var (n, around) = ThresholdDefinitions.FirstLocalMinimum(test);
        Assert.Equal(80, n);
        Assert.Equal(new NBracket(40, 160), around);
        Assert.Equal(Math.Sqrt(40 * 160), around.Mid, 1e-9);
        var monotone = ThresholdDefinitions.FirstLocalMinimum([(10.0, 0.9), (20.0, 0.5), (40.0, 0.3)]);
        Assert.True(double.IsNaN(monotone.N) && double.IsNaN(monotone.Neighbours.Below));
        Assert.Throws<ArgumentException>(() => ThresholdDefinitions.GlobalMinimumLevel(0));
        Assert.Throws<ArgumentException>(() => ThresholdDefinitions.FirstAbove([(0.0, 1.0)], 0.1));
    }
}
