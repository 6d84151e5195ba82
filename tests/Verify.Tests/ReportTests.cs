using System.Text.RegularExpressions;
using Microsoft.Data.Analysis;
using SimplicityBias.Dynamics.Ode;
using SimplicityBias.Verify.Checks;
using SimplicityBias.Verify.Reports;
using SimplicityBias.Verify.Results;
using SimplicityBias.Verify.Running;
using SimplicityBias.Verify.Specs;
using SimplicityBias.Verify.Sweeps;

namespace SimplicityBias.Verify.Tests;

public class ReportTests
{
    private static List<RunRecord> FakeResults(string dir)
    {
        var sweep = SweepReader.Parse("""
            { "name": "fake", "base": {"d": 2, "m": 8, "testN": 400, "expect": "ols", "lambda": 1e-4},
              "grid": {"seed": [1, 2]}, "runs": [ {"n": [30, 60, 120, 240, 480]} ] }
            """);
        new SweepRunner(new ExperimentRunner(new FixedFactory(new OlsFakeTrainer())))
            .Run(sweep, new ResultStore(dir, Shard.All), Shard.All, 2, null, default);
        return ResultStore.Load(dir).Records;
    }

    [Fact]
    public void A_re_rendered_report_keeps_the_command_and_wall_time_that_produced_its_results()
    {
        using var tmp = new TempDir();
        var records = FakeResults(tmp.Path);
        ReportWriter.Write(records, tmp.Path, "Fake report", new Manifest { Command = "simbias sweep fake.json", WallSeconds = 4036.2 });
        var again = Manifest.ForRerender(tmp.Path, "simbias report " + tmp.Path);
        Assert.Equal("simbias sweep fake.json", again.Command);
        Assert.Equal(4036.2, again.WallSeconds);
        ReportWriter.Write(records, tmp.Path, "Fake report", again);
        var md = File.ReadAllText(Path.Combine(tmp.Path, "report.md"));
        Assert.Contains("| command | simbias sweep fake.json |", md);
        Assert.Contains("| wall time of the command | 4036.2 s |", md);
        Assert.Contains("| report re-rendered by | simbias report ", md);
        // Without a manifest file the producing command is unknown, and the report says so rather than inventing one.
        File.Delete(Path.Combine(tmp.Path, Manifest.FileName));
        Assert.StartsWith("unknown", Manifest.ForRerender(tmp.Path, "simbias report x").Command);
        File.WriteAllText(Path.Combine(tmp.Path, Manifest.FileName), "{ not json");
        Assert.Throws<SimplicityBias.Verify.Cli.BadInputException>(() => Manifest.ForRerender(tmp.Path, "simbias report x"));
    }

    [Fact]
    public void Report_from_a_small_fake_results_table()
    {
        // SBT_KEEP_REPORT=dir keeps the output for a look at the figures.
        var keep = Environment.GetEnvironmentVariable("SBT_KEEP_REPORT");
        using var tmp = new TempDir();
        var dir = string.IsNullOrEmpty(keep) ? tmp.Path : keep;
        var records = FakeResults(dir);
        Assert.Equal(10, records.Count);
        var summary = ReportWriter.Write(records, dir, "Fake report", new Manifest { Command = "test", WallSeconds = 1.5 });

        var md = File.ReadAllText(Path.Combine(dir, "report.md"));
        // The verdict table of the claims comes first, then figures, then the manifest.
        int claims = md.IndexOf("## Claims", StringComparison.Ordinal), figs = md.IndexOf("## Figures", StringComparison.Ordinal), manifest = md.IndexOf("## Manifest", StringComparison.Ordinal);
        Assert.True(claims > 0 && claims < figs && figs < manifest, md[..Math.Min(400, md.Length)]);
        Assert.Contains("| ols-beta-plus |", md);
        Assert.Contains("| early-alignment |", md);
        Assert.Contains("extremal-concentration-rate (d = 2)", md);

        foreach (var name in new[] { "loss-vs-n-0", "extremal-distance", "alignment-histogram", "loss-trajectories", "neuron-directions" })
        {
            var png = File.ReadAllBytes(Path.Combine(dir, "figures", name + ".png"));
            Assert.True(png.Length > 1000 && png[1] == 'P' && png[2] == 'N' && png[3] == 'G', name);
            Assert.Contains("<svg", File.ReadAllText(Path.Combine(dir, "figures", name + ".svg")));
            Assert.Contains($"figures/{name}.png", md);
        }

        // Self-contained HTML: every image is embedded, nothing is fetched.
        var html = File.ReadAllText(Path.Combine(dir, "report.html"));
        Assert.Equal(5, Regex.Matches(html, "src=\"data:image/png;base64,").Count);
        Assert.DoesNotMatch("(src|href)=\"(?!data:)", html);
        Assert.Contains("class=\"pass\"", html);

        // The results table loads back with one row per run.
        var df = DataFrame.LoadCsv(Path.Combine(dir, "results.csv"));
        Assert.Equal(10, df.Rows.Count);
        Assert.Contains("trainLoss", df.Columns.Select(c => c.Name));
        Assert.Equal(records.Count, summary.Runs);
        Assert.True(summary.Claims.Count >= 8);
    }

    [Fact]
    public void Fake_endpoint_passes_the_ols_checks_at_large_n()
    {
        using var tmp = new TempDir();
        var r = new ExperimentRunner(new FixedFactory(new OlsFakeTrainer()))
            .Run(SpecReader.Parse("""{"d": 2, "n": 2000, "m": 8, "testN": 500, "expect": "ols"}"""))!;
        Assert.Equal("ok", r.Status);
        foreach (var name in new[] { "ols-beta-plus", "no-interpolation", "early-alignment", "population-extremal", "balancedness", "extremal-concentration" })
        {
            var c = r.Checks.Single(x => x.Name == name);
            Assert.True(c.Verdict == Verdict.Pass, $"{name}: measured {c.Measured}, predicted {c.Predicted}, tol {c.Tolerance}: {c.Reason}");
        }
    }

    [Fact]
    public void Unconverged_endpoint_claims_are_inconclusive_not_failed()
    {
        var r = new ExperimentRunner(new FixedFactory(new ScriptedTrainer { Code = OdeReturnCode.MaxSteps }))
            .Run(SpecReader.Parse("""{"d": 2, "n": 100, "m": 4, "testN": 200, "expect": "ols"}"""))!;
        var c = r.Checks.Single(x => x.Name == "no-interpolation");
        Assert.Equal(Verdict.Inconclusive, c.Verdict);
        Assert.StartsWith("not converged", c.Reason);
    }

    [Fact]
    public void Increasing_loss_fails_the_monotone_check()
    {
        var r = new ExperimentRunner(new FixedFactory(new ScriptedTrainer { IncreasingLoss = true }))
            .Run(SpecReader.Parse("""{"d": 2, "n": 50, "m": 4, "testN": 100, "expect": "none"}"""))!;
        Assert.Equal(Verdict.Fail, r.Checks.Single(x => x.Name == "monotone-loss").Verdict);
        Assert.Equal(Verdict.Fail, r.Verdict);
    }
}
