using System.Text.Json;
using SimplicityBias.Verify.Cli;
using SimplicityBias.Verify.Running;

namespace SimplicityBias.Verify.Tests;

public class CliTests : IDisposable
{
    private readonly TempDir tmp = new();
    public void Dispose() => tmp.Dispose();

    private (int Code, string Out, string Err) Sbt(ITrainer? trainer, params string[] args) => SbtWith(trainer, default, args);

    private static (int Code, string Out, string Err) SbtWith(ITrainer? trainer, CancellationToken cancel, params string[] args)
    {
        var o = new StringWriter();
        var e = new StringWriter();
        int code = new CliApp(o, e, new FixedFactory(trainer ?? new ScriptedTrainer()), cancel, progress: false).Run(args);
        return (code, o.ToString(), e.ToString());
    }

    private string Write(string name, string text) { File.WriteAllText(tmp[name], text); return tmp[name]; }

    private const string SmallSpec = """{"d": 2, "n": 40, "m": 4, "testN": 200, "expect": "none"}""";
    private const string SmallSweep = """{"name": "s", "base": {"d": 2, "m": 4, "testN": 200, "expect": "none"}, "grid": {"n": [20, 30], "seed": [1, 2]}}""";

    [Theory]
    [InlineData]
    [InlineData("reproduce")]
    [InlineData("run")]
    [InlineData("sweep")]
    [InlineData("merge")]
    [InlineData("report")]
    [InlineData("extremal")]
    [InlineData("check")]
    [InlineData("plot")]
    [InlineData("schema")]
    public void Every_command_has_help(params string[] command)
    {
        var (code, output, _) = Sbt(null, [.. command, "--help"]);
        Assert.Equal(0, code);
        Assert.Contains("Usage", output);
    }

    [Theory]
    [InlineData("run")]                          // missing argument
    [InlineData("run", "a.json", "--bogus")]     // unknown option
    [InlineData("reproduce", "--scale", "huge")] // not among the choices
    [InlineData("sweep", "a.json", "--threads", "0")]
    [InlineData("frobnicate")]
    public void Bad_command_lines_exit_with_2(params string[] args) => Assert.Equal(2, Sbt(null, args).Code);

    [Fact]
    public void Invalid_spec_exits_2_naming_path_and_value_before_any_work()
    {
        var trainer = new ScriptedTrainer();
        var spec = Write("bad.json", """{"n": 40, "sigmaa": 2, "m": -3}""");
        var (code, _, err) = Sbt(trainer, "run", spec, "--out", tmp["out"]);
        Assert.Equal(2, code);
        Assert.Contains("$.sigmaa = 2: unknown field", err);
        Assert.Contains("$.m = -3: out of range", err);
        Assert.Equal(0, trainer.Calls);
        Assert.False(Directory.Exists(tmp["out"]));

        var (code2, output, _) = Sbt(trainer, "run", spec, "--json");
        Assert.Equal(2, code2);
        using var doc = JsonDocument.Parse(output); // exactly one JSON document
        Assert.Equal("$.sigmaa", doc.RootElement.GetProperty("errors")[0].GetProperty("path").GetString());
        Assert.Equal("2", doc.RootElement.GetProperty("errors")[0].GetProperty("value").GetString());
    }

    [Fact]
    public void Run_exit_codes_follow_the_checks()
    {
        var spec = Write("ok.json", SmallSpec);
        var (ok, output, _) = Sbt(null, "run", spec, "--out", tmp["ok"], "--json");
        Assert.Equal(0, ok);
        using (var doc = JsonDocument.Parse(output))
        {
            Assert.Equal(0, doc.RootElement.GetProperty("exitCode").GetInt32());
            Assert.Equal(64, doc.RootElement.GetProperty("run").GetProperty("hash").GetString()!.Length);
            Assert.True(doc.RootElement.GetProperty("run").GetProperty("checks").GetArrayLength() >= 3);
        }
        Assert.True(File.Exists(Path.Combine(tmp["ok"], "report.html")));
        Assert.Equal(0, Sbt(null, "run", spec, "--out", tmp["ok"]).Code); // the same run may be redone in place

        Assert.Equal(1, Sbt(new ScriptedTrainer { IncreasingLoss = true }, "run", spec, "--out", tmp["bad"]).Code);
        Assert.Equal(1, Sbt(new ScriptedTrainer { Throw = true }, "run", spec, "--out", tmp["err"]).Code);
    }

    [Fact]
    public void Sweep_refuses_to_overwrite_resumes_shards_and_merges()
    {
        var spec = Write("sweep.json", SmallSweep);
        var dir = tmp["sweep"];
        Assert.Equal(0, Sbt(null, "sweep", spec, "--out", dir, "--threads", "2").Code);
        Assert.Equal(2, Sbt(null, "sweep", spec, "--out", dir).Code);                       // results exist
        var (code, output, _) = Sbt(null, "sweep", spec, "--out", dir, "--resume", "--json");
        Assert.Equal(0, code);
        using (var doc = JsonDocument.Parse(output))
            Assert.Equal(4, doc.RootElement.GetProperty("outcome").GetProperty("skipped").GetInt32());
        Assert.Equal(2, Sbt(null, "sweep", spec, "--out", dir, "--shard", "2/2").Code);      // bad shard
        Assert.Equal(2, Sbt(null, "sweep", spec, "--out", dir, "--resume", "--force").Code);

        var shards = tmp["shards"];
        Assert.Equal(0, Sbt(null, "sweep", spec, "--out", shards, "--shard", "0/2").Code);
        Assert.Equal(0, Sbt(null, "sweep", spec, "--out", shards, "--shard", "1/2").Code);
        Assert.False(File.Exists(Path.Combine(shards, "report.md"))); // shards leave the report to merge + report
        var (mcode, mout, _) = Sbt(null, "merge", shards, "--json");
        Assert.Equal(0, mcode);
        using (var doc = JsonDocument.Parse(mout)) Assert.Equal(4, doc.RootElement.GetProperty("runs").GetInt32());
        var (rcode, rout, _) = Sbt(null, "report", shards, "--json");
        Assert.Equal(0, rcode);
        using (var doc = JsonDocument.Parse(rout)) Assert.Equal(4, doc.RootElement.GetProperty("summary").GetProperty("runs").GetInt32());
        Assert.True(File.Exists(Path.Combine(shards, "report.md")));

        Assert.Equal(2, Sbt(null, "merge", tmp["nowhere"]).Code);
        Directory.CreateDirectory(tmp["empty"]);
        Assert.Equal(2, Sbt(null, "report", tmp["empty"]).Code);
    }

    [Fact]
    public void Ctrl_c_stops_cleanly_with_130_and_keeps_finished_runs()
    {
        var spec = Write("sweep.json", SmallSweep);
        using var cts = new CancellationTokenSource();
        int calls = 0;
        var trainer = new ScriptedTrainer { OnTrain = _ => { if (Interlocked.Increment(ref calls) == 2) cts.Cancel(); } };
        var (code, output, _) = SbtWith(trainer, cts.Token, "sweep", spec, "--out", tmp["c"], "--threads", "1", "--json");
        Assert.Equal(130, code);
        using var doc = JsonDocument.Parse(output);
        Assert.True(doc.RootElement.GetProperty("interrupted").GetBoolean());
        Assert.Single(File.ReadAllLines(Path.Combine(tmp["c"], "runs.jsonl")));
        Assert.Equal(0, Sbt(null, "sweep", spec, "--out", tmp["c"], "--resume").Code);
    }

    [Fact]
    public void Reproduce_with_a_grid_file_writes_the_reports()
    {
        var grid = Write("grid.json", SmallSweep);
        var (code, output, _) = Sbt(new OlsFakeTrainer(), "reproduce", "--grid", grid, "--out", tmp["rep"], "--json");
        Assert.True(code is 0 or 1, output);
        using var doc = JsonDocument.Parse(output);
        Assert.Equal(4, doc.RootElement.GetProperty("summary").GetProperty("runs").GetInt32());
        Assert.True(File.Exists(Path.Combine(tmp["rep"], "report.html")));
        Assert.True(File.Exists(Path.Combine(tmp["rep"], "results.csv")));
    }

    [Fact]
    public void Extremal_json_lists_sign_value_direction_and_set_size()
    {
        var rows = new List<string> { "x1,x2,x3,y" };
        var rnd = new Random(3);
        for (int k = 0; k < 200; k++)
        {
            double a = rnd.NextDouble() * 2 - 1, b = rnd.NextDouble() * 2 - 1, c = rnd.NextDouble() * 2 - 1;
            rows.Add(FormattableString.Invariant($"{a},{b},{c},{a + 0.1 * b}"));
        }
        var data = Write("data.csv", string.Join('\n', rows));
        var (code, output, _) = Sbt(null, "extremal", data, "--json", "--starts", "16");
        Assert.Equal(0, code);
        using var doc = JsonDocument.Parse(output);
        var vectors = doc.RootElement.GetProperty("vectors");
        Assert.True(vectors.GetArrayLength() >= 2);
        foreach (var v in vectors.EnumerateArray())
        {
            Assert.Contains(v.GetProperty("sign").GetInt32(), new[] { -1, 1 });
            Assert.True(v.GetProperty("c").GetDouble() > 0);
            var u = v.GetProperty("direction").EnumerateArray().Select(x => x.GetDouble()).ToArray();
            Assert.Equal(1.0, Math.Sqrt(u.Sum(x => x * x)), 9);
            Assert.InRange(v.GetProperty("activationSetSize").GetInt32(), 1, 200);
        }

        Assert.Equal(2, Sbt(null, "extremal", Write("bad.csv", "x,y\n1,2\n3,oops\n")).Code);
        Assert.Equal(2, Sbt(null, "extremal", tmp["missing.csv"]).Code);
    }

    [Fact]
    public void Check_runs_on_user_data_and_validates_overrides()
    {
        var rows = new List<string>();
        var rnd = new Random(5);
        for (int k = 0; k < 60; k++) { double a = rnd.NextDouble() - 0.5, b = rnd.NextDouble() - 0.5; rows.Add(FormattableString.Invariant($"{a},{b},{a}")); }
        var data = Write("train.csv", string.Join('\n', rows));
        var (code, output, _) = Sbt(null, "check", data, "--m", "6", "--expect", "none", "--out", tmp["chk"], "--json");
        Assert.Equal(0, code);
        using (var doc = JsonDocument.Parse(output))
            Assert.Equal("train.csv", doc.RootElement.GetProperty("run").GetProperty("data").GetString());
        var (bad, _, err) = Sbt(null, "check", data, "--m", "0", "--out", tmp["chk2"]);
        Assert.Equal(2, bad);
        Assert.Contains("$.m", err);
    }
}
