using System.Globalization;
using System.Text.RegularExpressions;
using SimplicityBias.Theory.Endpoint;
using SimplicityBias.Verify.Running;

namespace SimplicityBias.Verify.Reports;

/// <summary>n*(d) with every run's train loss read at one time T instead of at the end of its training.</summary>
/// <param name="D">Input dimension.</param>
/// <param name="Runs">Runs with a train loss at T.</param>
/// <param name="Missing">Runs without one: ended before T without being stationary, or stored without the trajectory samples around T.</param>
/// <param name="Crossing">Per-seed crossings of sigma^2/4 at T (geometric mean, Student-t interval).</param>
/// <param name="Bootstrap">Seed-bootstrap interval of their geometric mean.</param>
public sealed record HorizonRow(int D, int Runs, int Missing, ThresholdEstimate Crossing, BootstrapInterval Bootstrap);

/// <summary>The dimension study of one setting read at one horizon T.</summary>
/// <param name="T">The horizon.</param>
/// <param name="Rows">One row per d of the setting.</param>
/// <param name="Fit">n*(d; T) = C d^p over the d with a crossing (null with fewer than two).</param>
/// <param name="FitBootstrap">Seed-bootstrap interval on p.</param>
public sealed record HorizonSlice(double T, List<HorizonRow> Rows, PowerLawFit? Fit, BootstrapInterval FitBootstrap)
{
    /// <summary>The row of dimension <paramref name="d"/>, or null.</summary>
    public HorizonRow? At(int d) => Rows.Find(r => r.D == d);
}

/// <summary>How n*(d) moved between the last two horizons of a setting.</summary>
/// <param name="D">Input dimension.</param>
/// <param name="PerDecade">Factor n*(d; T2) / n*(d; T1), per decade of time (NaN when either has no crossing).</param>
/// <param name="Agree">Each estimate lies inside the other's 95% seed-bootstrap interval.</param>
public sealed record HorizonMove(int D, double PerDecade, bool Agree);

/// <summary>The runs of one d that ended at their horizon, with what their records say about the time still needed.</summary>
/// <param name="D">Input dimension.</param>
/// <param name="NotStationary">Runs that ended before their gradient fell below the stationarity tolerance.</param>
/// <param name="Diagnosed">Of those, records whose reason gives the time the gradient's rate of fall needs to the tolerance.</param>
/// <param name="MedianExtraTime">Median of that time (NaN when none gives it).</param>
/// <param name="NotFalling">Records whose reason says the gradient did not fall over the run's second half.</param>
public sealed record StallSummary(int D, int NotStationary, int Diagnosed, double MedianExtraTime, int NotFalling);

/// <summary>One setting's threshold against the horizon.</summary>
/// <param name="Label">The setting (as <see cref="DimensionStudy.Setting"/>).</param>
/// <param name="Slices">One per horizon, in increasing T; the last is the runs' own horizon.</param>
/// <param name="Moves">Per d, the move between the last two slices (empty with one slice).</param>
/// <param name="Stalls">Per d, the runs not stationary and their diagnosis.</param>
public sealed record HorizonStudy(string Label, List<HorizonSlice> Slices, List<HorizonMove> Moves, List<StallSummary> Stalls)
{
    /// <summary>
    /// The horizon is justified for the threshold estimate when, at every d with a crossing at the last horizon,
    /// the estimates at the last two horizons lie inside each other's intervals.
    /// </summary>
    public bool Justified => Moves.Count > 0 && Moves.All(m => m.Agree);
}

/// <summary>
/// The threshold against the horizon (issue #21: "a horizon the report justifies"): n*(d; T) recomputed from the
/// stored trajectories at each decade T up to the runs' horizon, so that a report can say whether n* still moves
/// with the time the flow was given. No run is trained again.
/// </summary>
public static class ThresholdHorizons
{
    /// <summary>The first horizon read: before it the early phase and the first saddles dominate the loss.</summary>
    public const double FirstDecade = 100;

    private static readonly Regex ExtraTimeText = new(@"needs about t = (\S+) more", RegexOptions.CultureInvariant);

    /// <summary>Decades 1e2, 1e3, ... up to <paramref name="horizon"/>, then the horizon itself when it is no decade.</summary>
    public static List<double> Horizons(double horizon)
    {
        if (!(horizon > 0) || !double.IsFinite(horizon)) throw new ArgumentException($"horizon must be finite and > 0, got {horizon}", nameof(horizon));
        var list = new List<double>();
        for (double t = FirstDecade; t <= horizon * (1 + 1e-12); t *= 10) list.Add(t);
        if (list.Count == 0 || list[^1] < horizon * (1 - 1e-12)) list.Add(horizon);
        return list;
    }

    /// <summary>
    /// The train loss of a run at time <paramref name="t"/>: its final value when the run ended at t, or before t at
    /// a stationary point; else linear in log t between the two trajectory samples around t (the loss is non-increasing
    /// along the flow, so the value lies between theirs). NaN when unknown: the run ended before t without being
    /// stationary, or its record lacks the samples.
    /// </summary>
    public static double LossAt(RunRecord run, double t)
    {
        ArgumentNullException.ThrowIfNull(run);
        if (!(t > 0) || !double.IsFinite(t)) throw new ArgumentException($"t must be finite and > 0, got {t}", nameof(t));
        double end = run.Time;
        if (!double.IsFinite(end)) return double.NaN;
        if (t >= end * (1 - 1e-12))
            return run.Stationary || t <= end * (1 + 1e-12) ? run.Metric(Metrics.TrainLoss) : double.NaN;
        var ts = run.Trajectory.T;
        var loss = run.Trajectory.Loss;
        int after = Array.FindIndex(ts, x => x >= t);
        if (after < 0 || after >= loss.Length) return double.NaN;
        if (ts[after] == t) return loss[after];
        if (after == 0) return double.NaN;
        double t0 = ts[after - 1], t1 = ts[after];
        // Samples are log-spaced in t, so log t is the coordinate they are even in; from t = 0 only t itself is.
        double f = t0 > 0 ? Math.Log(t / t0) / Math.Log(t1 / t0) : t / t1;
        return loss[after - 1] + f * (loss[after] - loss[after - 1]);
    }

    /// <summary>The time still needed that a not-stationary run's reason gives ("needs about t = X more"), or NaN.</summary>
    public static double ExtraTime(string reason)
    {
        var m = ExtraTimeText.Match(reason ?? "");
        return m.Success && double.TryParse(m.Groups[1].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : double.NaN;
    }

    /// <summary>Every setting of the dimension study against the horizon.</summary>
    public static List<HorizonStudy> Analyze(IReadOnlyList<DimensionFamily> families, IReadOnlyList<RunRecord> records)
    {
        var usable = DimensionStudy.Usable(records).ToList();
        return families.Select(f => Analyze(f, DimensionStudy.RunsOf(f, usable))).ToList();
    }

    /// <summary>One setting against the horizon, from its usable runs.</summary>
    public static HorizonStudy Analyze(DimensionFamily family, IReadOnlyList<RunRecord> runs)
    {
        ArgumentNullException.ThrowIfNull(family);
        ArgumentNullException.ThrowIfNull(runs);
        var perD = family.Rows.Select(r => (r.D, Runs: runs.Where(x => x.SpecInt("d") == r.D).ToList())).ToList();
        double horizon = CommonHorizon(runs);
        var slices = double.IsFinite(horizon) && horizon > 0
            ? Horizons(horizon).Select(t => Slice(t, perD, family.Sigma)).ToList()
            : [];
        var moves = slices.Count >= 2 ? Moves(slices[^2], slices[^1]) : [];
        var stalls = perD.Select(p => Stall(p.D, p.Runs)).ToList();
        return new HorizonStudy(family.Label, slices, moves, stalls);
    }

    /// <summary>
    /// The last horizon every run of the setting reaches: the shortest horizon of the runs not stationary (a study whose
    /// open runs were extended reads its slices up to where they all go), else the longest.
    /// </summary>
    public static double CommonHorizon(IReadOnlyList<RunRecord> runs)
    {
        static double Horizon(RunRecord r) => double.IsFinite(r.SpecDouble("horizon")) ? r.SpecDouble("horizon") : r.Time;
        var open = runs.Where(r => !r.Stationary).Select(Horizon).Where(double.IsFinite).ToList();
        return open.Count > 0 ? open.Min() : runs.Select(Horizon).Where(double.IsFinite).DefaultIfEmpty(double.NaN).Max();
    }

    private static HorizonSlice Slice(double t, List<(int D, List<RunRecord> Runs)> perD, double sigma)
    {
        var rows = perD.Select(p => Row(p.D, p.Runs, t, sigma)).ToList();
        var crossed = rows.Where(r => r.Crossing.NStar > 0).ToList();
        PowerLawFit? fit = crossed.Count >= 2 ? OptimizationThreshold.FitNStar(crossed.Select(r => (r.D, r.Crossing.NStar))) : null;
        var boot = SeedBootstrap.Exponent(crossed.Select(r => (r.D, r.Crossing.PerSeed)).ToList());
        return new HorizonSlice(t, rows, fit, boot);
    }

    private static HorizonRow Row(int d, List<RunRecord> runs, double t, double sigma)
    {
        var points = runs.Select(r => (Run: r, Loss: LossAt(r, t))).Where(x => double.IsFinite(x.Loss))
            .Select(x => new ThresholdPoint((int)x.Run.SpecInt("n"), x.Loss, x.Run.SpecInt("seed"))).ToList();
        var est = points.Count > 0
            ? OptimizationThreshold.EstimateNStar(points, sigma)
            : new ThresholdEstimate(double.NaN, double.NaN, double.NaN, OptimizationThreshold.Level(sigma), [], [], double.NaN, double.NaN);
        var boot = SeedBootstrap.GeometricMean(est.PerSeed.Where(v => v > 0).ToArray());
        return new HorizonRow(d, points.Count, runs.Count - points.Count, est, boot);
    }

    private static List<HorizonMove> Moves(HorizonSlice before, HorizonSlice last)
    {
        double decades = Math.Log10(last.T / before.T);
        var moves = new List<HorizonMove>();
        foreach (var b in last.Rows.Where(r => r.Crossing.NStar > 0))
        {
            var a = before.At(b.D);
            if (a is null || !(a.Crossing.NStar > 0)) { moves.Add(new HorizonMove(b.D, double.NaN, false)); continue; }
            double x = a.Crossing.NStar, y = b.Crossing.NStar;
            bool agree = Inside(x, b.Bootstrap) && Inside(y, a.Bootstrap);
            moves.Add(new HorizonMove(b.D, Math.Pow(y / x, 1 / decades), agree));
        }
        return moves;
    }

    private static bool Inside(double x, BootstrapInterval i) => x >= i.Lower && x <= i.Upper;

    private static StallSummary Stall(int d, List<RunRecord> runs)
    {
        var open = runs.Where(r => !r.Stationary).ToList();
        var extra = open.Select(r => ExtraTime(r.Reason)).Where(double.IsFinite).ToList();
        return new StallSummary(d, open.Count, extra.Count, extra.Count > 0 ? Checks.SweepAnalysis.Median(extra) : double.NaN,
            open.Count(r => r.Reason.Contains("|grad| did not fall", StringComparison.Ordinal)));
    }
}
