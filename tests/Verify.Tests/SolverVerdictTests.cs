using System.Text.Json;
using SimplicityBias.Dynamics.Network;
using SimplicityBias.Dynamics.Ode;
using SimplicityBias.Verify.Checks;
using SimplicityBias.Verify.Cli;
using SimplicityBias.Verify.Reports;
using SimplicityBias.Verify.Running;
using SimplicityBias.Verify.Specs;

namespace SimplicityBias.Verify.Tests;

/// <summary>A solver that gave up fails its run, the command exits 1, and no headline says pass over it.</summary>
public class SolverVerdictTests : IDisposable
{
    private readonly TempDir tmp = new();
    public void Dispose() => tmp.Dispose();

    private static (int Code, string Out, string Err) Sbt(ITrainerFactory? trainers, params string[] args)
    {
        var o = new StringWriter();
        var e = new StringWriter();
        int code = new CliApp(o, e, trainers, progress: false).Run(args);
        return (code, o.ToString(), e.ToString());
    }

    [Theory]
    [InlineData(OdeReturnCode.MaxSteps, Verdict.Fail)]
    [InlineData(OdeReturnCode.StepSizeTooSmall, Verdict.Fail)]
    [InlineData(OdeReturnCode.Unstable, Verdict.Fail)]
    [InlineData(OdeReturnCode.Success, Verdict.Pass)]
    [InlineData(OdeReturnCode.SteadyState, Verdict.Pass)]
    public void The_solver_check_follows_the_return_code(OdeReturnCode code, Verdict expected)
    {
        var r = new ExperimentRunner(new FixedFactory(new ScriptedTrainer { Code = code }))
            .Run(SpecReader.Parse("""{"d": 2, "n": 40, "m": 4, "testN": 100, "expect": "none"}"""))!;
        Assert.Equal(expected, r.Checks.Single(c => c.Name == "solver").Verdict);
        if (expected == Verdict.Fail) Assert.Equal(Verdict.Fail, r.Verdict);
    }

    [Theory]
    [InlineData("SteadyState", OdeReturnCode.SteadyState)]
    [InlineData("Stationary", OdeReturnCode.SteadyState)]
    [InlineData("Success", OdeReturnCode.Success)]
    [InlineData("TimeLimit", OdeReturnCode.Success)]
    [InlineData("MaxSteps", OdeReturnCode.MaxSteps)]
    [InlineData("Cancelled", OdeReturnCode.Cancelled)]
    [InlineData("", null)]
    [InlineData("Horizon", null)]
    public void Stored_codes_read_back_with_the_old_names_as_aliases(string stored, OdeReturnCode? expected)
        => Assert.Equal(expected, StoredReturnCode.Parse(stored));

    [Fact]
    public void A_run_whose_solver_gave_up_exits_1_with_verdict_fail()
    {
        File.WriteAllText(tmp["s.json"], """{"d": 2, "n": 40, "m": 4, "testN": 100, "expect": "none"}""");
        var (code, output, _) = Sbt(new FixedFactory(new ScriptedTrainer { Code = OdeReturnCode.StepSizeTooSmall }),
            "run", tmp["s.json"], "--out", tmp["o"], "--json");
        Assert.Equal(1, code);
        using var doc = JsonDocument.Parse(output);
        Assert.Equal("fail", doc.RootElement.GetProperty("verdict").GetString());
    }

    [Fact]
    public void The_real_flow_out_of_steps_exits_1()
    {
        // The case: a step budget of 5 towards t = 1e12 used to report pass.
        File.WriteAllText(tmp["s.json"], """{"n": 64, "d": 3, "m": 30, "horizon": 1e12, "testN": 500, "maxSteps": 5}""");
        var (code, output, _) = Sbt(null, "run", tmp["s.json"], "--out", tmp["o"], "--json");
        Assert.Equal(1, code);
        using var doc = JsonDocument.Parse(output);
        Assert.Equal("MaxSteps", doc.RootElement.GetProperty("run").GetProperty("code").GetString());
        Assert.Equal("fail", doc.RootElement.GetProperty("verdict").GetString());
    }

    [Theory]
    [InlineData("1e-40")]
    [InlineData("1e-160")]
    public void Tolerances_no_solver_can_honour_are_bad_input(string rtol)
    {
        File.WriteAllText(tmp["s.json"], $$"""{"n": 64, "d": 3, "m": 30, "horizon": 1, "rtol": {{rtol}}, "atol": 0}""");
        var (code, _, err) = Sbt(new FixedFactory(new ScriptedTrainer()), "run", tmp["s.json"], "--out", tmp["o"]);
        Assert.Equal(2, code);
        Assert.Contains("$.rtol = " + rtol, err);
        Assert.False(Directory.Exists(tmp["o"]));
    }

    [Fact]
    public void A_report_with_an_errored_run_never_headlines_pass()
    {
        var ok = new ExperimentRunner(new FixedFactory(new ScriptedTrainer()))
            .Run(SpecReader.Parse("""{"d": 2, "n": 40, "m": 4, "testN": 100, "expect": "none"}"""), 0, "s")!;
        var bad = new ExperimentRunner(new FixedFactory(new ScriptedTrainer { Throw = true }))
            .Run(SpecReader.Parse("""{"d": 2, "n": 50, "m": 4, "testN": 100, "expect": "none"}"""), 1, "s")!;
        Assert.Equal(Verdict.Pass, ok.Verdict);
        Assert.Equal("error", bad.Status);
        var s = ReportWriter.Write([ok, bad], tmp["rep"], "t", new Manifest { Command = "test" });
        Assert.Equal(Verdict.Fail, s.Verdict);
        Assert.Equal(1, s.ExitCode);
        Assert.DoesNotContain("**PASS**", File.ReadAllText(tmp["rep/report.md"]));
    }
}
