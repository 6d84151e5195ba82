using SimplicityBias.Verify.Checks;
using SimplicityBias.Verify.Reports;
using SimplicityBias.Verify.Running;
using SimplicityBias.Verify.Specs;

namespace SimplicityBias.Verify.Tests;

public class SweepAnalysisTests
{
    /// <summary>A synthetic record: only the spec and the metrics matter to the sweep analysis.</summary>
    private static RunRecord Record(int d, int n, int seed, double trainLoss, double distance = double.NaN, string code = "SteadyState")
    {
        var spec = new ExperimentSpec { D = d, N = n, Seed = seed };
        return new RunRecord
        {
            Hash = CanonicalSpec.Hash(spec), Spec = ExperimentRunner.SpecElement(spec), Status = "ok", Code = code,
            Metrics = new Dictionary<string, double> { [Metrics.TrainLoss] = trainLoss, [Metrics.ExtremalDistance] = distance, [Metrics.Threshold] = spec.ThresholdOrDefault() },
        };
    }

    [Fact]
    public void Threshold_per_d_and_its_exponent()
    {
        // Interpolation (loss ~ 0) below n*(d) = 50 d^3 / 8, noise level above: the crossing ratio is 8 = 2^3.
        var records = new List<RunRecord>();
        foreach (int d in new[] { 2, 4 })
            foreach (int n in new[] { 10, 20, 40, 80, 160, 320, 640 })
                foreach (int seed in new[] { 1, 2, 3 })
                    records.Add(Record(d, n, seed, n < 50 * d * d * d / 8 ? 0.01 : 0.45));
        var th = SweepAnalysis.Thresholds(records);
        Assert.Equal([2, 4], th.Select(t => t.D));
        Assert.InRange(th[0].Estimate, 40, 80);
        Assert.InRange(th[1].Estimate, 320, 640);
        Assert.Equal(0, th[0].Censored);
        var fit = SweepAnalysis.ThresholdExponentFit(th)!;
        Assert.Equal(3.0, fit.Exponent, 6);
    }

    [Fact]
    public void Threshold_says_how_many_runs_stopped_before_stationarity()
    {
        // A finite horizon can leave below-threshold runs still fitting the noise (n = 5,000 at d = 5 does, to t = 1e5):
        // the estimate is then of the loss at the horizon, and the report must say so.
        var records = new[] { 10, 20, 40, 80 }.Select(n => Record(2, n, 1, n < 30 ? 0.01 : 0.45, code: n >= 40 ? "Success" : "SteadyState")).ToList();
        var t = Assert.Single(SweepAnalysis.Thresholds(records));
        Assert.Contains("2 of 4 runs were not stationary", t.Note);
        // Committed records of older builds name the same codes TimeLimit and Stationary.
        var older = new[] { 10, 20, 40, 80 }.Select(n => Record(2, n, 1, n < 30 ? 0.01 : 0.45, code: n >= 40 ? "TimeLimit" : "Stationary")).ToList();
        Assert.Contains("2 of 4 runs were not stationary", Assert.Single(SweepAnalysis.Thresholds(older)).Note);
        var stationary = new[] { 10, 20, 40, 80 }.Select(n => Record(2, n, 1, n < 30 ? 0.01 : 0.45)).ToList();
        Assert.DoesNotContain("not stationary", Assert.Single(SweepAnalysis.Thresholds(stationary)).Note);
    }

    [Fact]
    public void Concentration_rate_check_passes_for_n_to_the_minus_half_and_fails_otherwise()
    {
        var good = new[] { 100, 400, 1600, 6400 }.Select(n => Record(3, n, 1, 0.4, 2 / Math.Sqrt(n))).ToList();
        var c = Assert.Single(SweepAnalysis.Checks(good, 0.2));
        Assert.Equal(Verdict.Pass, c.Verdict);
        Assert.Equal(-0.5, c.Measured, 6);
        var flat = new[] { 100, 400, 1600, 6400 }.Select(n => Record(3, n, 1, 0.4, 0.3 * Math.Pow(n, -0.1))).ToList();
        Assert.Equal(Verdict.Fail, Assert.Single(SweepAnalysis.Checks(flat, 0.2)).Verdict);
        Assert.Empty(SweepAnalysis.Checks(good.Take(2).ToList(), 0.2)); // fewer than 3 values of n: no fit
    }

    [Fact]
    public void An_infinite_extremal_distance_is_left_out_of_the_fit_not_fatal()
    {
        // Found by the relu-teacher sweep: one run with no extremal vector to match (distance = infinity) made the
        // log-log fit throw while the report was written, after all runs had finished.
        var runs = new[] { 100, 400, 1600, 6400 }.Select(n => Record(3, n, 1, 0.4, 2 / Math.Sqrt(n))).ToList();
        runs.Add(Record(3, 4, 1, 0.0, double.PositiveInfinity));
        var c = Assert.Single(SweepAnalysis.Checks(runs, 0.2));
        Assert.Equal(-0.5, c.Measured, 6);
        Assert.Equal(4, Assert.Single(SweepAnalysis.ConcentrationFits(runs)).Points);
    }

    [Fact]
    public void Summary_combines_run_and_sweep_verdicts()
    {
        var flat = new[] { 100, 400, 1600 }.Select(n => Record(3, n, 1, 0.4, 0.3)).ToList();
        var s = ReportWriter.Summarize(flat, "t");
        Assert.Equal(Verdict.Fail, s.Verdict);
        Assert.Equal(1, s.ExitCode);
    }
}
