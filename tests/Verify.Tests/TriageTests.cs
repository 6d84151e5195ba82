using System.Text.Json;
using System.Text.RegularExpressions;
using SimplicityBias.Dynamics.Network;
using SimplicityBias.Dynamics.Ode;
using SimplicityBias.Verify.Checks;
using SimplicityBias.Verify.Cli;
using SimplicityBias.Verify.Reports;
using SimplicityBias.Verify.Running;

namespace SimplicityBias.Verify.Tests;

/// <summary>Reports that triage, --strict, the regime explanation of check, the default output folder, and simbias plot.</summary>
public class TriageTests : IDisposable
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

    private string Write(string name, string text) { File.WriteAllText(tmp[name], text); return tmp[name]; }

    // Stopped at the horizon, held to the ols regime: its endpoint claims are inconclusive (not converged), none fails.
    private const string UnfinishedOls = """{"d": 2, "n": 60, "m": 4, "testN": 100, "expect": "ols"}""";

    private static CheckResult Check(string name, Verdict v, string reason) => new()
    {
        Name = name, Claim = name, Measured = 1, Predicted = 0, Tolerance = 0.1, Rule = "m <= tol", Verdict = v, Reason = reason,
    };

    private static RunRecord Record(int index, int n, int seed, params CheckResult[] checks)
    {
        using var doc = JsonDocument.Parse($$"""{"d": 2, "n": {{n}}, "seed": {{seed}}, "m": 4, "solver": "gd", "learningRate": 0.01}""");
        return new RunRecord { Hash = $"{index:x4}" + new string('a', 60), Index = index, Spec = doc.RootElement.Clone(), Status = "ok", Checks = [.. checks] };
    }

    [Fact]
    public void Numbers_sort_as_numbers_and_before_text()
    {
        var sorted = new[] { "1024", "16", "abc", "2048", "1e3", "-2" }.Order(ReportOrder.NumbersAsNumbers).ToArray();
        Assert.Equal(["-2", "16", "1e3", "1024", "2048", "abc"], sorted);
        var labels = new[] { "d = 10, gd (lr 0.1)", "d = 5, gd (lr 0.1)", "d = 5, gd (lr 0.01)", "d = 5, flow" }.Order(ReportOrder.NumbersInText).ToArray();
        Assert.Equal(["d = 5, flow", "d = 5, gd (lr 0.01)", "d = 5, gd (lr 0.1)", "d = 10, gd (lr 0.1)"], labels);
    }

    [Fact]
    public void Report_lists_failures_then_inconclusive_first_with_their_reasons_and_numbers_in_order()
    {
        var dir = tmp["reports/r"];
        var records = new List<RunRecord>
        {
            Record(0, 1024, 1, Check("balancedness", Verdict.Pass, "")),
            Record(1, 16, 2, Check("ols-beta-plus", Verdict.Inconclusive, "not converged: scripted")),
            Record(2, 2048, 1, Check("monotone-loss", Verdict.Fail, "the loss rose by 3%")),
        };
        Directory.CreateDirectory(tmp["reports"]);
        File.WriteAllText(tmp["reports/findings.md"], "# Findings\n");
        ReportWriter.Write(records, dir, "Triage", new Manifest { Command = "test" });
        var md = File.ReadAllText(Path.Combine(dir, "report.md"));

        int triage = md.IndexOf("## What did not pass", StringComparison.Ordinal), claims = md.IndexOf("## Claims", StringComparison.Ordinal);
        Assert.True(triage > 0 && triage < claims, md[..Math.Min(600, md.Length)]);
        var section = md[triage..claims];
        int fail = section.IndexOf("| fail | monotone-loss | 2 |", StringComparison.Ordinal);
        int inc = section.IndexOf("| inconclusive | ols-beta-plus | 1 |", StringComparison.Ordinal);
        Assert.True(fail > 0 && inc > fail, section);
        Assert.Contains("the loss rose by 3%", section);
        Assert.Contains("not converged: scripted", section);
        Assert.DoesNotContain("balancedness", section);

        // The runs table: the failed run, then the inconclusive one, then the pass; solvers with their learning rate.
        var runs = md[md.IndexOf("## Runs", StringComparison.Ordinal)..];
        var order = Regex.Matches(runs, @"^\| (\d) \| ", RegexOptions.Multiline).Select(m => m.Groups[1].Value).ToArray();
        Assert.Equal(["2", "1", "0"], order);
        Assert.Contains("| gd (lr 0.01) |", runs);
        // Spec values as numbers, not as text (which would put 1024 before 16).
        Assert.Contains("| n | 16, 1024, 2048 |", md);

        // Beside reports/findings.md the report links it; the HTML keeps wide tables in a scrolling box.
        Assert.Contains("[findings.md](../findings.md)", md);
        var html = File.ReadAllText(Path.Combine(dir, "report.html"));
        Assert.Contains("<a href=\"../findings.md\">findings.md</a>", html);
        Assert.Contains("overflow-x: auto", html);
        Assert.Equal(Regex.Matches(html, "<table>").Count, Regex.Matches(html, "<div class=\"wide\"><table>").Count);
    }

    [Fact]
    public void A_report_elsewhere_says_where_the_findings_are()
    {
        Assert.Contains("reports/findings.md", ReportWriter.FindingsNote(tmp["elsewhere"]));
        Assert.DoesNotContain("](", ReportWriter.FindingsNote(tmp["elsewhere"]));
    }

    [Fact]
    public void Strict_turns_inconclusive_into_exit_1_for_run_sweep_and_reproduce()
    {
        var trainer = new ScriptedTrainer { Code = OdeReturnCode.Success };
        var spec = Write("s.json", UnfinishedOls);
        var (code, output, _) = Sbt(trainer, "run", spec, "--out", tmp["a"], "--json");
        Assert.Equal(0, code);
        using (var doc = JsonDocument.Parse(output))
            Assert.Contains(doc.RootElement.GetProperty("run").GetProperty("checks").EnumerateArray(), c => c.GetProperty("verdict").GetString() == "inconclusive");
        Assert.Equal(1, Sbt(trainer, "run", spec, "--out", tmp["b"], "--strict").Code);

        var sweep = Write("w.json", """{"name": "w", "base": {"d": 2, "m": 4, "testN": 100, "expect": "ols"}, "grid": {"n": [60, 80]}}""");
        Assert.Equal(0, Sbt(trainer, "sweep", sweep, "--out", tmp["c"]).Code);
        Assert.Equal(1, Sbt(trainer, "sweep", sweep, "--out", tmp["d"], "--strict").Code);
        Assert.Equal(1, Sbt(trainer, "reproduce", "--grid", sweep, "--out", tmp["e"], "--strict", "--quiet").Code);

    }

    [Fact]
    public void Strict_changes_only_a_clean_exit_with_inconclusive_checks()
    {
        var strict = new OutputMode(false, false, Verbosity.Normal, Strict: true);
        var lenient = strict with { Strict = false };
        Assert.Equal(ExitCodes.Ok, strict.Exit(ExitCodes.Ok, 0));
        Assert.Equal(ExitCodes.CheckFailed, strict.Exit(ExitCodes.Ok, 2));
        Assert.Equal(ExitCodes.Ok, lenient.Exit(ExitCodes.Ok, 2));
        Assert.Equal(ExitCodes.CheckFailed, strict.Exit(ExitCodes.CheckFailed, 0));
        Assert.Equal(ExitCodes.Interrupted, strict.Exit(ExitCodes.Interrupted, 3));
    }

    [Fact]
    public void Strict_applies_to_check_and_quiet_prints_one_line()
    {
        var data = Write("data.csv", DataCsv(30));
        var trainer = new ScriptedTrainer { Code = OdeReturnCode.Success };
        var (code, output, _) = Sbt(trainer, "check", data, "--expect", "ols", "--out", tmp["k"], "--quiet");
        Assert.Equal(0, code);
        Assert.Single(output.Trim().Split('\n'));
        Assert.Contains("inconclusive", output);
        Assert.Equal(1, Sbt(trainer, "check", data, "--expect", "ols", "--out", tmp["k2"], "--strict").Code);
        Assert.Equal(2, Sbt(trainer, "check", data, "--out", tmp["k3"], "--quiet", "--verbose").Code);
    }

    [Fact]
    public void Check_explains_its_regime_lists_what_it_did_not_check_and_suggests_expect()
    {
        var data = Write("data.csv", DataCsv(30));
        var (code, output, err) = Sbt(new ScriptedTrainer(), "check", data, "--out", tmp["x"], "--json");
        Assert.True(code == 0, err);
        using var doc = JsonDocument.Parse(output);
        var regime = doc.RootElement.GetProperty("regime");
        Assert.Equal("none", regime.GetProperty("regime").GetString());
        Assert.Contains("n = 30 < 2 n*", regime.GetProperty("why").GetString());
        var skipped = regime.GetProperty("notApplied").EnumerateArray().Select(c => c.GetProperty("name").GetString()).ToList();
        Assert.Contains("ols-beta-plus", skipped);
        Assert.Contains("interpolation", skipped);
        Assert.DoesNotContain("balancedness", skipped);
        Assert.Contains("--expect", regime.GetProperty("suggestion").GetString());

        // A regime given explicitly is explained as given, with no suggestion.
        var (_, text, _) = Sbt(new ScriptedTrainer(), "check", data, "--out", tmp["y"], "--expect", "interpolation");
        Assert.Contains("Regime interpolation: expect = interpolation was given", text);
        Assert.DoesNotContain("Suggestion:", text);
    }

    [Fact]
    public void Regime_reasons_follow_the_resolution()
    {
        var s = new Specs.ExperimentSpec { D = 2, N = 1000, Threshold = 100 };
        Assert.Equal("ols", EndpointAnalysis.ResolveRegime(s, 1000, 2, synthetic: false));
        Assert.Contains("n = 1000 >= 2 n*", RegimeExplanation.Reason(s, 1000, 2, synthetic: false));
        Assert.Equal("none", EndpointAnalysis.ResolveRegime(s, 150, 2, synthetic: false));
        Assert.Contains("n = 150 < 2 n*", RegimeExplanation.Reason(s, 150, 2, synthetic: false));
        Assert.Equal("interpolation", EndpointAnalysis.ResolveRegime(s, 2, 2, synthetic: false));
        Assert.Contains("n = 2 <= d = 2", RegimeExplanation.Reason(s, 2, 2, synthetic: false));
    }

    [Fact]
    public void Outputs_go_under_simbias_out_by_default()
    {
        // Relative to the current directory (the test's bin folder); the run's own folder is removed after.
        var spec = Write("d.json", """{"d": 2, "n": 24, "m": 4, "testN": 50, "expect": "none", "seed": 987654}""");
        var (code, output, err) = Sbt(new ScriptedTrainer(), "run", spec, "--json");
        Assert.True(code == 0, err);
        using var doc = JsonDocument.Parse(output);
        var md = doc.RootElement.GetProperty("files").GetProperty("markdown").GetString()!;
        var runDir = Path.GetDirectoryName(Path.GetFullPath(md))!;
        try
        {
            Assert.Equal(Path.GetFullPath(Path.Combine(CliApp.OutputRoot, "runs")), Path.GetDirectoryName(runDir));
            Assert.True(File.Exists(Path.Combine(runDir, "runs.jsonl")));
        }
        finally { Directory.Delete(runDir, true); }
        Assert.Equal("simbias-out", CliApp.OutputRoot);
        // The repository ignores the folder.
        var gitignore = FindUp(".gitignore");
        if (gitignore is not null) Assert.Contains("/simbias-out/", File.ReadAllLines(gitignore));
    }

    [Fact]
    public void Progress_reports_the_endpoint_analysis_after_the_training()
    {
        var events = new List<RunProgress>();
        var spec = Specs.SpecReader.Parse("""{"d": 2, "n": 30, "m": 4, "testN": 50}""");
        var r = new ExperimentRunner(new FixedFactory(new ScriptedTrainer())).Run(spec, progress: events.Add);
        Assert.NotNull(r);
        Assert.True(events.Count >= 2);
        Assert.True(events[^1].Analysing);
        Assert.All(events.Take(events.Count - 1), e => Assert.False(e.Analysing));
    }

    [Fact]
    public void Plot_draws_one_run_from_its_record()
    {
        var dir = tmp["p"];
        var spec = Write("p.json", """{"d": 2, "n": 200, "m": 6, "testN": 200, "expect": "ols"}""");
        Assert.True(Sbt(new OlsFakeTrainer(), "run", spec, "--out", dir).Code is 0 or 1);
        var hash = RunRecord.TryParse(File.ReadAllLines(Path.Combine(dir, "runs.jsonl"))[0])!.Hash;
        Assert.Equal(25, RunRecord.TryParse(File.ReadAllLines(Path.Combine(dir, "runs.jsonl"))[0])!.Trajectory.SlidingPairs.Length);

        var (code, output, err) = Sbt(new ScriptedTrainer(), "plot", dir, "--run", hash[..6].ToUpperInvariant(), "--json");
        Assert.True(code == 0, err);
        using var doc = JsonDocument.Parse(output);
        var png = File.ReadAllBytes(doc.RootElement.GetProperty("png").GetString()!);
        Assert.True(png.Length > 1000 && png[1] == 'P' && png[2] == 'N' && png[3] == 'G');
        Assert.Equal(Path.Combine(dir, "figures", $"run-{hash[..12]}.png"), doc.RootElement.GetProperty("png").GetString());

        Assert.Equal(2, Sbt(new ScriptedTrainer(), "plot", dir, "--run", "zz").Code);
        var other = hash[0] == '0' ? "1" : "0";
        var (none, _, noneErr) = Sbt(new ScriptedTrainer(), "plot", dir, "--run", other);
        Assert.Equal(2, none);
        Assert.Contains("no run", noneErr);
        Assert.Equal(2, Sbt(new ScriptedTrainer(), "plot", dir).Code); // --run is required
    }

    private static string DataCsv(int n)
    {
        var rng = new Random(3);
        var sb = new System.Text.StringBuilder("x1,x2,y\n");
        for (int k = 0; k < n; k++)
        {
            double a = rng.NextDouble() * 2 - 1, b = rng.NextDouble() * 2 - 1;
            sb.Append(System.FormattableString.Invariant($"{a},{b},{a + 0.3 * (rng.NextDouble() - 0.5)}\n"));
        }
        return sb.ToString();
    }

    private static string? FindUp(string name)
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, name)) && Directory.Exists(Path.Combine(d.FullName, "src"))) return Path.Combine(d.FullName, name);
        return null;
    }
}
