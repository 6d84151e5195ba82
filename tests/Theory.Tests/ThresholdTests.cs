using SimplicityBias.Theory.Endpoint;
using SimplicityBias.Theory.Numerics;

namespace SimplicityBias.Theory.Tests;

public class ThresholdTests
{
    [Fact]
    public void Crossing_interpolates_in_log_n()
    {
        // loss linear in log n between n = 100 (0) and n = 10000 (sigma^2/2 = 0.5): crosses 0.25 at n = 1000
        var curve = new[] { (100.0, 0.0), (10000.0, 0.5), (30000.0, 0.5) };
        Assert.Equal(1000, OptimizationThreshold.Crossing(curve, 0.25), 1e-9);
        Assert.True(double.IsNaN(OptimizationThreshold.Crossing([(100.0, 0.3), (1000.0, 0.5)], 0.25)));
        Assert.True(double.IsNaN(OptimizationThreshold.Crossing([(100.0, 0.0), (1000.0, 0.1)], 0.25)));
    }

    [Fact]
    public void EstimateNStar_recovers_a_known_threshold_with_an_interval()
    {
        // synthetic sigmoid curves in log n, each seed with its own threshold around 3000
        const double sigma = 1.0;
        var rng = new Rng(1);
        var points = new List<ThresholdPoint>();
        var truth = new List<double>();
        for (long seed = 0; seed < 8; seed++)
        {
            double nStar = 3000 * Math.Exp(0.1 * rng.NextGaussian());
            truth.Add(nStar);
            foreach (int n in new[] { 300, 600, 1000, 2000, 3000, 5000, 10000, 20000, 40000 })
                points.Add(new ThresholdPoint(n, 0.5 / (1 + Math.Pow(nStar / n, 3)), seed));
        }
        var est = OptimizationThreshold.EstimateNStar(points, sigma);
        Assert.Equal(0.25, est.Level);
        Assert.Equal(0, est.Censored);
        double geo = Math.Exp(truth.Average(t => Math.Log(t)));
        Assert.Equal(geo, est.NStar, 0.05 * geo);
        Assert.True(est.Lower < geo && geo < est.Upper);
        Assert.True(est.Upper / est.Lower < 1.5);
        Assert.InRange(est.MeanCurveNStar, 2700, 3300);
        Assert.Throws<ArgumentException>(() => OptimizationThreshold.EstimateNStar(points, 0));
    }

    [Fact]
    public void Power_law_fit_recovers_exponent_and_interval()
    {
        double[] d = [3, 4, 5, 7, 10, 14];
        var exact = OptimizationThreshold.FitLogLog(d, d.Select(x => 25 * Math.Pow(x, 3)).ToArray());
        Assert.Equal(3, exact.Exponent, 1e-12);
        Assert.Equal(25, exact.Coefficient, 1e-9);
        Assert.Equal(1, exact.RSquared, 1e-12);
        var rng = new Rng(2);
        var noisy = OptimizationThreshold.FitNStar(d.Select(x => ((int)x, 25 * Math.Pow(x, 3) * Math.Exp(0.1 * rng.NextGaussian()))));
        Assert.InRange(3.0, noisy.ExponentLower, noisy.ExponentUpper);
        Assert.True(noisy.ExponentStdError > 0);
        Assert.Throws<ArgumentException>(() => OptimizationThreshold.FitLogLog([1.0], [2.0]));
        Assert.Throws<ArgumentException>(() => OptimizationThreshold.FitLogLog([1.0, 2.0], [2.0, -1.0]));
    }
}
