using System.Text.Json;
using SimplicityBias.Verify.Reports;
using SimplicityBias.Verify.Running;
using SimplicityBias.Verify.Specs;

namespace SimplicityBias.Verify.Tests;

/// <summary>
/// n*(d; T) from stored trajectories, on synthetic records whose answer is known by hand: sigma = 1, so the
/// crossing level is 1/4; every record is sampled at t = 1e2, 1e3 and 1e4 exactly unless a test says otherwise.
/// </summary>
public class ThresholdHorizonsTests
{
    private static readonly double[] Decades = [0, 1e2, 1e3, 1e4];

    /// <summary>A run to the horizon 1e4, not stationary, with its loss at t = 0, 1e2, 1e3, 1e4.</summary>
    private static RunRecord Open(int d, int n, int seed, double l2, double l3, double l4)
        => Record(d, n, seed, "TimeLimit", 1e4, Decades, [1, l2, l3, l4]);

    /// <summary>A run stationary at t = 50 with loss <paramref name="loss"/> (its samples stop there).</summary>
    private static RunRecord Still(int d, int n, int seed, double loss)
        => Record(d, n, seed, "Stationary", 50, [0, 50], [1, loss]);

    private static RunRecord Record(int d, int n, int seed, string code, double time, double[] t, double[] loss, double horizon = 1e4)
    {
        var spec = new ExperimentSpec { D = d, N = n, Seed = seed, Horizon = horizon, Sigma = 1, Expect = "none" };
        return new RunRecord
        {
            Hash = CanonicalSpec.Hash(spec), Sweep = "h", Status = "ok", Code = code, Time = time,
            Spec = JsonDocument.Parse(CanonicalSpec.ToJson(spec)).RootElement.Clone(),
            Metrics = new Dictionary<string, double> { [Metrics.TrainLoss] = loss[^1], [Metrics.TestLoss] = 0.1 },
            Trajectory = new TrajectoryData { T = t, Loss = loss },
        };
    }

    // d = 2 moves between 1e3 and 1e4: seed 1's run at n = 20 falls through 1/4 in that decade, seed 2's at n = 40
    // is still above it at 1e4. d = 3 is stationary from t = 50 on, so it is the same at every horizon.
    private static List<RunRecord> Study() =>
    [
        Still(2, 10, 1, 0.1), Open(2, 20, 1, 0.45, 0.35, 0.15), Open(2, 40, 1, 0.5, 0.5, 0.45),
        Still(2, 10, 2, 0.1), Still(2, 20, 2, 0.2), Open(2, 40, 2, 0.5, 0.5, 0.3),
        Still(3, 10, 1, 0.1), Still(3, 20, 1, 0.1), Still(3, 40, 1, 0.5),
        Still(3, 10, 2, 0.1), Still(3, 20, 2, 0.1), Still(3, 40, 2, 0.5),
    ];

    private static HorizonStudy Analyze(List<RunRecord> records) => Assert.Single(ThresholdHorizons.Analyze(DimensionStudy.Analyze(records), records));

    [Fact]
    public void Horizons_are_the_decades_from_1e2_up_to_the_horizon_and_the_horizon_itself()
    {
        Assert.Equal([1e2, 1e3, 1e4], ThresholdHorizons.Horizons(1e4));
        Assert.Equal([1e2, 1e3, 1e4, 3e4], ThresholdHorizons.Horizons(3e4));
        Assert.Equal([50.0], ThresholdHorizons.Horizons(50));
        var e = Assert.Throws<ArgumentException>(() => ThresholdHorizons.Horizons(0));
        Assert.Contains("horizon", e.Message);
        Assert.Contains("0", e.Message);
    }

    [Fact]
    public void The_loss_at_T_is_read_between_samples_kept_after_stationarity_and_unknown_after_an_early_stop()
    {
        var open = Open(2, 20, 1, 0.45, 0.35, 0.15);
        Assert.Equal(0.45, ThresholdHorizons.LossAt(open, 1e2));
        Assert.Equal(0.15, ThresholdHorizons.LossAt(open, 1e4));
        // Halfway in log t between the samples at 1e2 and 1e3.
        Assert.Equal(0.40, ThresholdHorizons.LossAt(open, Math.Sqrt(1e5)), 12);
        // From t = 0 the samples are even in t itself.
        Assert.Equal(1 - 0.55 * 0.25, ThresholdHorizons.LossAt(open, 25), 12);

        var still = Still(2, 20, 2, 0.2);
        Assert.Equal(0.2, ThresholdHorizons.LossAt(still, 1e2));
        Assert.Equal(0.2, ThresholdHorizons.LossAt(still, 1e4));

        var outOfSteps = Record(2, 20, 3, "MaxSteps", 500, [0, 1e2, 500], [1, 0.4, 0.3]);
        Assert.Equal(0.4, ThresholdHorizons.LossAt(outOfSteps, 1e2));
        Assert.True(double.IsNaN(ThresholdHorizons.LossAt(outOfSteps, 1e3)));

        // A record stored without its samples: only its end is known.
        var bare = new RunRecord
        {
            Hash = open.Hash, Status = "ok", Code = "TimeLimit", Time = 1e4, Spec = open.Spec,
            Metrics = new Dictionary<string, double> { [Metrics.TrainLoss] = 0.3 },
        };
        Assert.True(double.IsNaN(ThresholdHorizons.LossAt(bare, 1e3)));
        Assert.Equal(0.3, ThresholdHorizons.LossAt(bare, 1e4));
        Assert.Throws<ArgumentException>(() => ThresholdHorizons.LossAt(open, -1));
    }

    [Fact]
    public void A_crossing_that_falls_between_1e3_and_1e4_moves_n_star_as_computed_by_hand()
    {
        var s = Analyze(Study());
        Assert.Equal([1e2, 1e3, 1e4], s.Slices.Select(x => x.T));
        // Seed 1: at 1e3 the crossing is between (10, 0.1) and (20, 0.35), a fraction 0.15/0.25 = 0.6 of the way in log n;
        // at 1e4 between (20, 0.15) and (40, 0.45), a fraction 1/3. Seed 2: between (20, 0.2) and (40, 0.5), 1/6 of the way
        // at 1e3; between (20, 0.2) and (40, 0.3), halfway at 1e4. At 1e2, seed 1: (10, 0.1) to (20, 0.45), 3/7.
        double s1At3 = 10 * Math.Pow(2, 0.6), s1At4 = 20 * Math.Pow(2, 1.0 / 3), s2At3 = 20 * Math.Pow(2, 1.0 / 6), s2At4 = 20 * Math.Sqrt(2);
        double s1At2 = 10 * Math.Pow(2, 3.0 / 7);
        Assert.Equal(Math.Sqrt(s1At2 * s2At3), s.Slices[0].At(2)!.Crossing.NStar, 10);
        Assert.Equal(Math.Sqrt(s1At3 * s2At3), s.Slices[1].At(2)!.Crossing.NStar, 10);
        Assert.Equal(Math.Sqrt(s1At4 * s2At4), s.Slices[2].At(2)!.Crossing.NStar, 10);
        // d = 3 is stationary everywhere: its crossing, a fraction 0.15/0.4 of the way from 20 to 40, at every horizon.
        Assert.All(s.Slices, x => Assert.Equal(20 * Math.Pow(2, 0.375), x.At(3)!.Crossing.NStar, 10));
        Assert.All(s.Slices.SelectMany(x => x.Rows), r => Assert.Equal(0, r.Missing));

        var moveAt2 = s.Moves.Single(m => m.D == 2);
        Assert.Equal(Math.Sqrt(s1At4 * s2At4 / (s1At3 * s2At3)), moveAt2.PerDecade, 10);
        Assert.False(moveAt2.Agree); // 18.4 lies below the 1e4 interval [25.2, 28.3]
        var moveAt3 = s.Moves.Single(m => m.D == 3);
        Assert.Equal(1, moveAt3.PerDecade, 12);
        Assert.True(moveAt3.Agree);
        Assert.False(s.Justified);

        // The fit at each horizon is the one through its two n*: p = log(n*(3) / n*(2)) / log(3 / 2).
        Assert.Equal(Math.Log(20 * Math.Pow(2, 0.375) / Math.Sqrt(s1At4 * s2At4)) / Math.Log(1.5), s.Slices[2].Fit!.Exponent, 10);
    }

    [Fact]
    public void At_the_runs_own_horizon_the_estimates_are_the_dimension_studys()
    {
        var records = Study();
        var family = Assert.Single(DimensionStudy.Analyze(records));
        var last = Analyze(records).Slices[^1];
        foreach (var row in family.Rows)
        {
            Assert.Equal(row.Crossing.NStar, last.At(row.D)!.Crossing.NStar);
            Assert.Equal(row.CrossingBootstrap, last.At(row.D)!.Bootstrap);
        }
        Assert.Equal(family.Fit!.Exponent, last.Fit!.Exponent);
        Assert.Equal(family.FitBootstrap, last.FitBootstrap);
    }

    [Fact]
    public void Runs_without_a_loss_at_T_are_left_out_and_counted()
    {
        var records = Study();
        // Seed 2's run at n = 40 stopped out of steps at t = 500: it has a loss at 1e2 but not at 1e3 or 1e4.
        int i = records.FindIndex(r => r.SpecInt("d") == 2 && r.SpecInt("n") == 40 && r.SpecInt("seed") == 2);
        records[i] = Record(2, 40, 2, "MaxSteps", 500, [0, 1e2, 500], [1, 0.5, 0.5]);
        var s = Analyze(records);
        Assert.Equal(0, s.Slices[0].At(2)!.Missing);
        Assert.Equal(1, s.Slices[1].At(2)!.Missing);
        Assert.Equal(5, s.Slices[2].At(2)!.Runs);
        // Without it seed 2's curve at d = 2 stays below 1/4: no crossing, and n*(2; 1e4) is seed 1's alone.
        Assert.Equal(1, s.Slices[2].At(2)!.Crossing.Censored);
        Assert.Equal(20 * Math.Pow(2, 1.0 / 3), s.Slices[2].At(2)!.Crossing.NStar, 10);
    }

    [Fact]
    public void Stationary_runs_give_a_justified_horizon()
    {
        var records = Study().Select(r => r.Stationary ? r : Still((int)r.SpecInt("d"), (int)r.SpecInt("n"), (int)r.SpecInt("seed"), r.Metric(Metrics.TrainLoss))).ToList();
        var s = Analyze(records);
        Assert.True(s.Justified);
        Assert.All(s.Moves, m => Assert.Equal(1, m.PerDecade, 12));
        Assert.All(s.Stalls, x => Assert.Equal(0, x.NotStationary));
    }

    [Fact]
    public void The_time_still_needed_is_read_from_the_reason_where_the_record_gives_it()
    {
        const string diagnosed = "reached the horizon t = 10000 with |grad| = 1E-05; |grad| fell at rate 0.000123 since t = 5E+03 (from 2E-05): " +
                                 "at that rate |grad| <= 1E-08 needs about t = 5.62E+04 more; the curvature of the loss along the gradient is 0.01";
        const string old = "reached the horizon t = 10000 with |grad| = 1.26E-07; the loss fell by 1.63E-06 (relative) since t = 776, from 0.40174464 to 0.40174398";
        Assert.Equal(5.62e4, ThresholdHorizons.ExtraTime(diagnosed));
        Assert.True(double.IsNaN(ThresholdHorizons.ExtraTime(old)));
        Assert.True(double.IsNaN(ThresholdHorizons.ExtraTime("")));

        var records = Study();
        var open = records.Where(r => !r.Stationary).ToList();
        string[] reasons = [diagnosed, diagnosed.Replace("5.62E+04", "1E+03"), old];
        var replaced = records.Select(r => open.IndexOf(r) is var k and >= 0
            ? new RunRecord { Hash = r.Hash, Status = r.Status, Code = r.Code, Time = r.Time, Spec = r.Spec, Metrics = r.Metrics, Trajectory = r.Trajectory, Reason = reasons[k] }
            : r).ToList();
        var stall = Analyze(replaced).Stalls.Single(x => x.D == 2);
        Assert.Equal(3, stall.NotStationary);
        Assert.Equal(2, stall.Diagnosed);
        Assert.Equal((5.62e4 + 1e3) / 2, stall.MedianExtraTime, 9);
    }

    [Fact]
    public void The_limit_bracket_runs_from_the_crossing_at_the_ends_to_the_smallest_n_stationary_above_the_level()
    {
        var records = Study();
        var rows = Assert.Single(LimitBracket.Analyze(DimensionStudy.Analyze(records), records));
        // d = 2: no run stationary above 1/4, so no upper bound; the lower bounds are the crossings at t = 1e4
        // (seed 1 between 0.15 at n = 20 and 0.45 at n = 40, seed 2 between 0.2 and 0.3).
        var d2 = rows.Single(r => r.D == 2);
        Assert.Equal(20 * Math.Pow(2, 1.0 / 3), d2.Seeds[0].Lower, 9);
        Assert.Equal(20 * Math.Sqrt(2), d2.Seeds[1].Lower, 9);
        Assert.Equal(Math.Sqrt(d2.Seeds[0].Lower * d2.Seeds[1].Lower), d2.Lower, 9);
        Assert.True(double.IsPositiveInfinity(d2.Upper));
        Assert.Equal(0, d2.Bounded);
        Assert.Equal([40.0, 40.0], d2.Seeds.Select(b => b.Extend));
        // d = 3: stationary everywhere, 0.1 at n = 20 and 0.5 at n = 40: the crossing is at its limit, bounded by n = 40.
        var d3 = rows.Single(r => r.D == 3);
        Assert.Equal(20 * Math.Pow(2, 0.375), d3.Lower, 9);
        Assert.Equal(40, d3.Upper, 12);
        Assert.Equal(2, d3.Bounded);
    }

    [Fact]
    public void A_seed_entirely_below_the_level_is_bounded_below_by_its_largest_n_and_one_above_from_the_start_is_left_out()
    {
        Assert.Equal(new SeedBracket(1, 40, double.PositiveInfinity), LimitBracket.Seed(1, [Still(2, 10, 1, 0.1), Open(2, 40, 1, 0.5, 0.4, 0.2)], 0.25));
        Assert.True(LimitBracket.Seed(1, [Still(2, 10, 1, 0.1), Open(2, 40, 1, 0.5, 0.4, 0.2)], 0.25)!.NeedsLargerN);
        Assert.True(double.IsNaN(LimitBracket.Seed(1, [Still(2, 10, 1, 0.1), Still(2, 40, 1, 0.5)], 0.25)!.Extend));
        Assert.False(LimitBracket.Seed(1, [Still(2, 10, 1, 0.1), Still(2, 40, 1, 0.5)], 0.25)!.NeedsLargerN);
        Assert.False(LimitBracket.Seed(1, [Still(2, 10, 1, 0.1), Open(2, 40, 1, 0.5, 0.4, 0.3)], 0.25)!.NeedsLargerN);
        Assert.Null(LimitBracket.Seed(1, [Open(2, 10, 1, 0.5, 0.4, 0.3), Still(2, 40, 1, 0.1)], 0.25));
    }

    /// <summary>
    /// The bracket holds what it claims: lower every run's end loss (never below what a stationary run has, never
    /// raising any), and each seed's crossing of the lowered curve lies inside its bracket.
    /// </summary>
    [Fact]
    public void Every_lowering_of_the_open_runs_keeps_each_seeds_crossing_at_the_limit_inside_its_bracket()
    {
        var rng = new Random(7);
        int[] ns = [10, 14, 20, 28, 40, 56, 80];
        for (int trial = 0; trial < 300; trial++)
        {
            var ends = new List<RunRecord>();
            var limit = new List<(double N, double Loss)>();
            double start = 0.05 + 0.1 * rng.NextDouble();
            for (int i = 0; i < ns.Length; i++)
            {
                double loss = start + (0.6 - start) * i / (ns.Length - 1) + 0.15 * (rng.NextDouble() - 0.5);
                loss = Math.Clamp(loss, 0.01, 0.9);
                if (i == 0) loss = Math.Min(loss, 0.2);
                bool stationary = rng.NextDouble() < 0.4;
                ends.Add(stationary ? Still(2, ns[i], 1, loss) : Open(2, ns[i], 1, 0.9, 0.9, loss));
                limit.Add((ns[i], stationary ? loss : loss * rng.NextDouble()));
            }
            var b = LimitBracket.Seed(1, ends, 0.25)!;
            double atLimit = SimplicityBias.Theory.Endpoint.OptimizationThreshold.Crossing(limit, 0.25);
            if (double.IsNaN(atLimit)) { Assert.True(double.IsPositiveInfinity(b.Upper), $"trial {trial}: no crossing at the limit, yet an upper bound {b.Upper}"); continue; }
            Assert.True(atLimit >= b.Lower * (1 - 1e-12) && atLimit <= b.Upper * (1 + 1e-12), $"trial {trial}: {atLimit} outside [{b.Lower}, {b.Upper}]");
        }
    }

    [Fact]
    public void A_flow_extended_to_a_longer_horizon_stands_for_its_shorter_run_and_stays_in_its_setting()
    {
        var shortRun = Open(2, 40, 1, 0.5, 0.5, 0.45);
        var extended = Record(2, 40, 1, "Stationary", 3e5, [0, 1e2, 1e3, 1e4, 1e5, 3e5], [1, 0.5, 0.5, 0.45, 0.4, 0.38], horizon: 1e6);
        var stillOpen = Record(2, 40, 1, "TimeLimit", 1e5, [0, 1e2, 1e3, 1e4, 1e5], [1, 0.5, 0.5, 0.45, 0.4], horizon: 1e5);
        Assert.Same(extended, Assert.Single(FurthestRuns.Select([shortRun, extended, stillOpen])));
        Assert.Same(stillOpen, Assert.Single(FurthestRuns.Select([shortRun, stillOpen])));
        Assert.Equal(2, FurthestRuns.Select([shortRun, Open(2, 20, 1, 0.5, 0.4, 0.3)]).Count);
        Assert.Equal(DimensionStudy.Setting(shortRun), DimensionStudy.Setting(extended));

        // In the study, seed 1 of d = 2 now has its n = 40 stationary above the level: an upper bound, and the slices
        // still end at 1e4, where every open run reaches.
        var records = Study().Where(r => !(r.SpecInt("d") == 2 && r.SpecInt("n") == 40 && r.SpecInt("seed") == 1)).Append(shortRun).Append(extended).ToList();
        var family = Assert.Single(DimensionStudy.Analyze(records));
        var bracket = Assert.Single(LimitBracket.Analyze([family], records)).Single(r => r.D == 2);
        Assert.Equal(40, bracket.Seeds[0].Upper, 12);
        Assert.Equal(1e4, Analyze(records).Slices[^1].T);
    }

    [Fact]
    public void The_power_laws_through_the_brackets_have_the_exponents_the_pairs_allow()
    {
        static LimitBracketRow Row(int d, double lo, double hi) => new(d, [], lo, hi);
        // n* in [4, 8] at d = 2 and [32, 64] at d = 4: p from log2(32 / 8) = 2 to log2(64 / 4) = 4.
        var (lo, hi, count, bounded) = LimitBracket.PowerLawRange([Row(2, 4, 8), Row(4, 32, 64), Row(8, 1, double.PositiveInfinity)]);
        Assert.Equal((3, 2), (count, bounded));
        Assert.Equal(2, lo, 12);
        Assert.Equal(4, hi, 12);
        // A d bounded only from below bounds p from below: n* >= 1,024 at d = 8 against n* <= 64 at d = 4 needs p >= 4.
        (lo, hi, _, _) = LimitBracket.PowerLawRange([Row(2, 4, 8), Row(4, 32, 64), Row(8, 1024, double.PositiveInfinity)]);
        Assert.Equal(4, lo, 12);
        Assert.Equal(4, hi, 12);
        (lo, hi, _, _) = LimitBracket.PowerLawRange([Row(2, 4, 8), Row(8, 1024, double.PositiveInfinity)]);
        Assert.Equal(3.5, lo, 12);
        Assert.True(double.IsPositiveInfinity(hi));
        Assert.True(double.IsNaN(LimitBracket.PowerLawRange([Row(2, 4, double.PositiveInfinity), Row(8, 1024, double.PositiveInfinity)]).Lower));
        // Adding d = 8 in [128, 256]: [4, 8] -> [128, 256] allows 2..3 and [32, 64] -> [128, 256] 1..3, so p in [2, 3].
        (lo, hi, _, _) = LimitBracket.PowerLawRange([Row(2, 4, 8), Row(4, 32, 64), Row(8, 128, 256)]);
        Assert.Equal(Math.Log(128.0 / 8) / Math.Log(4), lo, 12);
        Assert.Equal(3, hi, 12);
        (lo, hi, _, _) = LimitBracket.PowerLawRange([Row(2, 4, 8), Row(4, 4, 5), Row(8, 128, 256)]);
        Assert.True(lo > hi);
        Assert.True(double.IsNaN(LimitBracket.PowerLawRange([Row(2, 4, 8)]).Lower));
    }

    [Fact]
    public void The_median_over_seeds_is_bounded_once_more_than_half_the_seeds_are()
    {
        static LimitBracketRow Row(params double[] uppers) => new(8, uppers.Select((u, i) => new SeedBracket(i + 1, 100, u)).ToList(), 100, double.PositiveInfinity);
        double inf = double.PositiveInfinity;
        Assert.Equal(1448, Row(1024, inf, 1448, 1024, inf).MedianUpper);
        Assert.Equal(inf, Row(1024, inf, inf).MedianUpper);
        Assert.Equal(16, Row(2, 32, inf, 8).MedianUpper, 12);
        Assert.Equal(inf, Row(2, inf, inf, 8).MedianUpper);
        Assert.True(double.IsNaN(LimitBracket.Median([])));

        // Whatever each seed's crossing at the limit is inside its own bracket, their median is inside the medians'.
        var rng = new Random(11);
        for (int trial = 0; trial < 500; trial++)
        {
            int k = 2 + rng.Next(6);
            var seeds = new List<SeedBracket>();
            var atLimit = new List<double>();
            for (int i = 0; i < k; i++)
            {
                double lo = 10 * Math.Exp(3 * rng.NextDouble());
                double hi = rng.NextDouble() < 0.3 ? inf : lo * Math.Exp(rng.NextDouble());
                seeds.Add(new SeedBracket(i, lo, hi));
                atLimit.Add(double.IsFinite(hi) ? lo * Math.Pow(hi / lo, rng.NextDouble()) : lo * Math.Exp(5 * rng.NextDouble()));
            }
            var row = new LimitBracketRow(4, seeds, double.NaN, double.NaN);
            double median = LimitBracket.Median(atLimit);
            Assert.True(median >= row.MedianLower * (1 - 1e-12) && median <= row.MedianUpper * (1 + 1e-12), $"trial {trial}: {median} outside [{row.MedianLower}, {row.MedianUpper}]");
        }
    }
}
