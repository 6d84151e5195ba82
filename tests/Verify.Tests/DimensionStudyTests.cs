using System.Text.Json;
using System.Text.Json.Nodes;
using SimplicityBias.Dynamics.Network;
using SimplicityBias.Dynamics.Ode;
using SimplicityBias.Theory.Endpoint;
using SimplicityBias.Verify.Cli;
using SimplicityBias.Verify.Reports;
using SimplicityBias.Verify.Running;
using SimplicityBias.Verify.Specs;
using SimplicityBias.Verify.Sweeps;

namespace SimplicityBias.Verify.Tests;

/// <summary>
/// A stand-in with a known threshold n*(d) = 3 d^2: below it the network interpolates the training data
/// (minimum-norm output weights on the initial neurons' ReLU features, exact while n &lt;= m), at and above it
/// the network is zero, whose train loss is the labels' mean square over 2 (about (1 + sigma^2)/2, far above
/// sigma^2/4).
/// </summary>
internal sealed class ThresholdFakeTrainer : ITrainer
{
    public static int NStar(int d) => 3 * d * d;
    private int calls;
    public int Calls => calls;

    public FlowResult Train(Dataset train, NetworkParameters initial, ExperimentSpec spec, Dataset? test, Action<TrajectoryPoint>? progress, CancellationToken cancel)
    {
        Interlocked.Increment(ref calls);
        int n = train.N, d = train.D, m = initial.M;
        var fin = new NetworkParameters(m, d);
        if (n < NStar(d))
        {
            if (n > m) throw new InvalidOperationException($"the fake interpolates only n <= m ({n} > {m})");
            // a = Phi^T (Phi Phi^T)^-1 y with Phi_kj = relu(<w_j, x_k>): the minimum-norm interpolating output weights.
            var phi = new double[n, m];
            for (int k = 0; k < n; k++)
                for (int j = 0; j < m; j++)
                {
                    double z = 0;
                    var w = initial.W(j);
                    for (int i = 0; i < d; i++) z += w[i] * train.Row(k)[i];
                    phi[k, j] = Math.Max(0, z);
                }
            var g = new double[n, n + 1];
            for (int k = 0; k < n; k++)
            {
                for (int l = 0; l < n; l++)
                    for (int j = 0; j < m; j++) g[k, l] += phi[k, j] * phi[l, j];
                g[k, n] = train.Y[k];
            }
            var c = Solve(g, n);
            for (int j = 0; j < m; j++)
            {
                double a = 0;
                for (int k = 0; k < n; k++) a += phi[k, j] * c[k];
                fin.Theta[j * (d + 1)] = a;
                for (int i = 0; i < d; i++) fin.Theta[j * (d + 1) + 1 + i] = initial.W(j)[i];
            }
        }
        double l0 = initial.Loss(train), l1 = fin.Loss(train);
        var traj = new List<TrajectoryPoint> { new(0.1, l0, 1e-9, double.NaN, 1e-3, 0, 0, 0), new(10, l1, 1e-9, double.NaN, 1, 0, 0, 0) };
        foreach (var p in traj) progress?.Invoke(p);
        return new FlowResult
        {
            Final = fin, Code = OdeReturnCode.SteadyState, Reason = "fake threshold", Time = 10,
            Trajectory = traj, Statistics = new FlowStatistics(),
        };
    }

    // Gaussian elimination with partial pivoting on the augmented n x (n+1) matrix.
    private static double[] Solve(double[,] a, int n)
    {
        for (int col = 0; col < n; col++)
        {
            int p = col;
            for (int r = col + 1; r < n; r++) if (Math.Abs(a[r, col]) > Math.Abs(a[p, col])) p = r;
            for (int k = 0; k <= n; k++) (a[col, k], a[p, k]) = (a[p, k], a[col, k]);
            for (int r = col + 1; r < n; r++)
            {
                double f = a[r, col] / a[col, col];
                for (int k = col; k <= n; k++) a[r, k] -= f * a[col, k];
            }
        }
        var x = new double[n];
        for (int r = n - 1; r >= 0; r--)
        {
            double s = a[r, n];
            for (int k = r + 1; k < n; k++) s -= a[r, k] * x[k];
            x[r] = s / a[r, r];
        }
        return x;
    }
}

public class DimensionStudyTests : IDisposable
{
    private readonly TempDir tmp = new();
    public void Dispose() => tmp.Dispose();

    private static (int Code, string Out, string Err) Sbt(ITrainer trainer, params string[] args)
    {
        var o = new StringWriter();
        var e = new StringWriter();
        int code = new CliApp(o, e, new FixedFactory(trainer), default, progress: false).Run(args);
        return (code, o.ToString(), e.ToString());
    }

    private const string TinyStudy = """
        {"name": "tiny-dimensions", "base": {"m": 60, "lambda": 1e-3, "sigma": 1, "testN": 200, "expect": "none"},
         "grid": {"seed": [1, 2, 3]},
         "runs": [{"d": 2, "n": [4, 32]}, {"d": 3, "n": [8, 16]}]}
        """;

    [Fact]
    public void Reproduce_refines_each_bracket_around_the_known_threshold_and_reports_the_study()
    {
        File.WriteAllText(tmp["tiny.json"], TinyStudy);
        var fake = new ThresholdFakeTrainer();
        var (code, output, err) = Sbt(fake, "reproduce", "--scale", "dimensions-small", "--grid", tmp["tiny.json"], "--out", tmp["out"], "--threads", "2", "--json");
        Assert.True(code is 0 or 1, $"exit {code}: {err}{output}");
        using (var doc = JsonDocument.Parse(output)) Assert.Equal("reproduce", doc.RootElement.GetProperty("command").GetString());

        var records = ResultStore.Load(tmp["out"]).Records;
        Assert.All(records, r => Assert.Equal("ok", r.Status));
        Assert.Equal(records.Count, fake.Calls); // every run once: later passes resume the earlier ones
        foreach (int d in new[] { 2, 3 })
        {
            var curve = DimensionStudy.MedianCurve(records.Where(r => r.SpecInt("d") == d), Metrics.TrainLoss);
            var step = ThresholdRefinement.Next(curve, 0.25, CliApp.TargetRatio);
            Assert.Equal(RefinementKind.Done, step.Kind);
            Assert.True(step.Bracket.Below < ThresholdFakeTrainer.NStar(d) && ThresholdFakeTrainer.NStar(d) <= step.Bracket.Above, $"d = {d}: {step.Bracket}");
            // d = 3: the first grid (8, 16) lies below n* = 27, so the refinement had to extend it upwards.
            Assert.Equal(3, records.Count(r => r.SpecInt("d") == d && r.SpecDouble("n") == step.Bracket.Above));
        }
        var refined = SweepReader.Parse(File.ReadAllText(Path.Combine(tmp["out"], CliApp.RefinedSweepFile)), "x");
        Assert.Equal("tiny-dimensions", refined.Name);
        Assert.Equal(records.Select(r => r.Hash).ToHashSet(), refined.Runs.Select(CanonicalSpec.Hash).ToHashSet());

        var report = File.ReadAllText(Path.Combine(tmp["out"], "report.md"));
        Assert.Contains("Dimension study: the threshold across d", report);
        Assert.Contains("not in these results: 4, 5, 6, 8, 10", report);
        Assert.True(File.Exists(Path.Combine(tmp["out"], "figures", "dimension-nstar-0.png")));
        Assert.True(File.Exists(Path.Combine(tmp["out"], "figures", "dimension-losses-0.png")));
        // Every fake run is stationary at t = 10, so each keeps its value at every later horizon.
        Assert.Contains("The threshold against the horizon", report);
        Assert.Contains("justified for the threshold estimate**: at every d", report);
        Assert.True(File.Exists(Path.Combine(tmp["out"], "figures", "dimension-horizons-0.png")));
        Assert.Contains("The threshold at the flow's limit, bracketed", report);
        Assert.True(File.Exists(Path.Combine(tmp["out"], "figures", "dimension-limit-0.png")));
        var families = DimensionStudy.Analyze(records);
        var fam = Assert.Single(families);
        // The fake interpolates exactly below n*, so the last global minimum is the same bracket as the crossing's.
        foreach (var row in fam.Rows)
            Assert.Equal(row.Bracket.Bracket, row.GlobalMinimum);
        Assert.NotNull(fam.Fit);
        Assert.InRange(fam.Fit!.Exponent, 1.5, 2.5); // n* = 3 d^2, measured through brackets of width <= 1.3

        // Resuming does no run again.
        var again = Sbt(fake, "reproduce", "--scale", "dimensions-small", "--grid", tmp["tiny.json"], "--out", tmp["out"], "--resume", "--json");
        Assert.True(again.Code is 0 or 1, again.Err);
        Assert.Equal(records.Count, fake.Calls);
    }

    [Fact]
    public void Refine_appends_rows_and_keeps_the_runs_done_and_their_order()
    {
        var sweep = SweepReader.Parse(TinyStudy, "t");
        var records = sweep.Runs.Select((s, i) => Record(s, i, s.N < ThresholdFakeTrainer.NStar(s.D) ? 0 : 0.5)).ToList();
        var plan = ThresholdRefiner.Plan(TinyStudy, "t", records);
        Assert.Equal(2, plan.Added);
        var next = SweepReader.Parse(plan.SweepJson, "t");
        Assert.Equal(sweep.Runs.Select(CanonicalSpec.Hash), next.Runs.Take(sweep.Runs.Count).Select(CanonicalSpec.Hash));
        // d = 2: bracket [4, 32] -> log-midpoint 11; d = 3: every n below -> 4 x 16 = 64; each for every seed.
        var added = next.Runs.Skip(sweep.Runs.Count).Select(s => (s.D, s.N, s.Seed)).OrderBy(x => x).ToList();
        Assert.Equal(new[] { (2, 11, 1), (2, 11, 2), (2, 11, 3), (3, 64, 1), (3, 64, 2), (3, 64, 3) }, added);
        Assert.All(next.Runs, s => Assert.Equal(60, s.M));

        // Through the command line: the file written, the same rows.
        var dir = Directory.CreateDirectory(tmp["res"]).FullName;
        var store = new ResultStore(dir, Shard.All);
        foreach (var r in records) store.Append(r);
        File.WriteAllText(tmp["pass1.json"], TinyStudy);
        var (code, output, err) = Sbt(new ThresholdFakeTrainer(), "refine", tmp["pass1.json"], dir, "--out", tmp["pass2.json"], "--json");
        Assert.True(code == 0, err + output);
        Assert.Equal(plan.SweepJson, File.ReadAllText(tmp["pass2.json"]));
        using var doc = JsonDocument.Parse(output);
        Assert.Equal(2, doc.RootElement.GetProperty("added").GetInt32());
    }

    [Fact]
    public void Refine_refuses_bad_input_with_exit_2()
    {
        var sweep = SweepReader.Parse(TinyStudy, "t");
        var some = sweep.Runs.Take(3).Select((s, i) => Record(s, i, 0)).ToList();
        var e = Assert.Throws<BadInputException>(() => ThresholdRefiner.Plan(TinyStudy, "t", some));
        Assert.Contains("have no record yet", e.Message);
        var noSeedAxis = JsonNode.Parse(TinyStudy)!.AsObject();
        noSeedAxis["grid"] = new JsonObject { ["m"] = new JsonArray(60) };
        Assert.Contains("seeds as an axis", Assert.Throws<BadInputException>(() => ThresholdRefiner.Plan(noSeedAxis.ToJsonString(), "t", some)).Message);
        Assert.Throws<BadInputException>(() => ThresholdRefiner.Plan(TinyStudy, "t", some, ratio: 1));

        File.WriteAllText(tmp["s.json"], TinyStudy);
        Assert.Equal(2, Sbt(new ThresholdFakeTrainer(), "refine", tmp["s.json"], tmp["missing-dir"], "--out", tmp["n.json"]).Code);
        Directory.CreateDirectory(tmp["empty"]);
        Assert.Equal(2, Sbt(new ThresholdFakeTrainer(), "refine", tmp["s.json"], tmp["empty"], "--out", tmp["n.json"]).Code);
        Assert.False(File.Exists(tmp["n.json"]));
        Assert.Equal(0, Sbt(new ThresholdFakeTrainer(), "refine", "--help").Code);
    }

    [Fact]
    public void Built_in_dimension_grids_cover_the_planned_dimensions_with_five_seeds()
    {
        var full = CliApp.BuiltInGrid("dimensions");
        Assert.Equal(DimensionStudy.Planned, full.Runs.Select(r => r.D).Distinct().OrderBy(d => d));
        var small = CliApp.BuiltInGrid("dimensions-small");
        Assert.Equal([2, 3, 4, 5], small.Runs.Select(r => r.D).Distinct().OrderBy(d => d));
        foreach (var s in full.Runs.Concat(small.Runs))
            Assert.Equal(("none", 1.0, 100, 1e-3), (s.Expect, s.Sigma, s.M, s.Lambda));
        Assert.All(full.Runs.GroupBy(r => (r.D, r.N)), g => Assert.Equal(5, g.Count()));
        Assert.All(small.Runs, s => Assert.Equal(1e4, s.Horizon));
        // Each grid is a valid first pass for the refinement (seeds a grid axis).
        var records = small.Runs.Select((s, i) => Record(s, i, s.N < 100 ? 0 : 0.5)).ToList();
        Assert.True(ThresholdRefiner.Plan(CliApp.BuiltInGridText("dimensions-small"), "x", records).Added > 0);
    }

    [Fact]
    public void Refine_keeps_settings_apart_and_each_curve_its_own_seeds()
    {
        // The one-factor design: lambda and m set in the rows, so each (d, lambda, m) is its own curve and its new row
        // carries its lambda and m; the m = 400 rows name three seeds, and their refinement keeps those three.
        var json = CliApp.BuiltInGridText("dimensions-settings");
        var sweep = SweepReader.Parse(json, "s");
        Assert.Equal((7 * 4 + 6) * 5 + 3 * 20 * 5 + (4 + 4 + 3 + 3 + 3) * 3, sweep.Runs.Count);
        // A threshold that moves with lambda: 10 d^2 for lambda = 1e-2, 40 d^2 otherwise.
        double Loss(ExperimentSpec s) => s.N < (s.Lambda == 1e-2 ? 10 : 40) * s.D * s.D ? 0 : 0.5;
        var records = sweep.Runs.Select((s, i) => Record(s, i, Loss(s))).ToList();
        var plan = ThresholdRefiner.Plan(json, "s", records);
        Assert.Equal(5 * 5, plan.Curves.Count);
        Assert.Equal(5 * 5, plan.Added);
        var next = SweepReader.Parse(plan.SweepJson, "s");
        var added = next.Runs.Skip(sweep.Runs.Count).ToList();
        Assert.Equal(5 * 4 * 5 + 5 * 3, added.Count);
        Assert.All(added.GroupBy(s => (s.D, s.Lambda, s.M)), g => Assert.Equal(g.Key.M == 400 ? [1, 2, 3] : [1, 2, 3, 4, 5], g.Select(s => s.Seed).Order()));
        // d = 2, lambda = 1e-2: n* = 40 between 16 and 64 -> 32; lambda = 1e-5: n* = 160 between 64 and 256 -> 128;
        // m = 400, d = 5: n* = 1,000 beyond its grid's 256 -> 1,024.
        Assert.Contains(added, s => s.D == 2 && s.Lambda == 1e-2 && s.N == 32);
        Assert.Contains(added, s => s.D == 2 && s.Lambda == 1e-5 && s.N == 128);
        Assert.Contains(added, s => s.D == 5 && s.M == 400 && s.N == 1024);
        Assert.Equal(5, DimensionStudy.Analyze(records).Count);
    }

    [Fact]
    public void Settings_are_told_apart_by_the_parts_of_their_labels_that_differ()
    {
        string a = "gaussian inputs, m = 100, lambda = 0.001, sigma = 1", b = "gaussian inputs, m = 400, lambda = 0.001, sigma = 1",
            c = "gaussian inputs, m = 100, lambda = 1E-07, sigma = 1";
        var shortLabels = DimensionStudy.Distinguishing([a, b, c, a]);
        Assert.Equal("m = 100, lambda = 0.001", shortLabels[a]);
        Assert.Equal("m = 400, lambda = 0.001", shortLabels[b]);
        Assert.Equal("m = 100, lambda = 1E-07", shortLabels[c]);
        Assert.Equal(a, DimensionStudy.Distinguishing([a])[a]);
        Assert.Equal("x, y", DimensionStudy.Distinguishing(["x, y", a])["x, y"]);
    }

    private static RunRecord Record(ExperimentSpec s, int index, double trainLoss) => new()
    {
        Hash = CanonicalSpec.Hash(s), Index = index, Sweep = "t", Status = "ok", Code = "Stationary",
        Spec = JsonDocument.Parse(CanonicalSpec.ToJson(s)).RootElement.Clone(),
        Metrics = new Dictionary<string, double> { [Metrics.TrainLoss] = trainLoss, [Metrics.TestLoss] = 0.1 },
    };
}
