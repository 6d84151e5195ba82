using SimplicityBias.Verify.Cli;
using SimplicityBias.Verify.Specs;

namespace SimplicityBias.Verify.Tests;

/// <summary><c>--set key=value</c>: the field's own validation and messages, exit 2 with nothing written, a sweep's base.</summary>
public class SpecOverrideTests : IDisposable
{
    private readonly TempDir tmp = new();
    public void Dispose() => tmp.Dispose();

    private static (int Code, string Out, string Err) Simbias(ScriptedTrainer trainer, params string[] args)
    {
        var o = new StringWriter();
        var e = new StringWriter();
        int code = new CliApp(o, e, new FixedFactory(trainer), default, progress: false).Run(args);
        return (code, o.ToString(), e.ToString());
    }

    private string Write(string name, string text) { File.WriteAllText(tmp[name], text); return tmp[name]; }

    private static ExperimentSpec Parse(string json, params string[] sets) => SpecReader.Parse(json, SpecOverrides.Parse(sets));

    [Fact]
    public void Values_are_json_or_else_strings()
    {
        var s = Parse("""{"d": 3, "n": 40}""", "n=200", "dataModel=sphere", "beta=[0,1,0]", "threshold=null", "testNoise=true", "tolerances.ols=0.1", "lambda=1e-4");
        Assert.Equal((200, InputLawKind.Sphere, 0.1, 1e-4, true), (s.N, s.DataModel, s.Tolerances.Ols, s.Lambda, s.TestNoise));
        Assert.Equal(new double[] { 0, 1, 0 }, s.Beta);
        Assert.Null(s.Threshold);
    }

    [Fact]
    public void Overrides_apply_before_the_checks_between_fields()
    {
        // The file alone is consistent, the override makes beta's length wrong.
        var e = Assert.Single(Assert.Throws<SpecException>(() => Parse("""{"d": 2, "beta": [1, 0]}""", "d=3")).Errors);
        Assert.Equal(("$.beta", "beta* has length 2, but d = 3"), (e.Path, e.Message));
        // A check on an overridden field names the override.
        var n = Assert.Single(Assert.Throws<SpecException>(() => Parse("""{"dataModel": "orthogonal", "d": 4, "n": 4}""", "n=8")).Errors);
        Assert.Equal("--set n", n.Path);
        // The file alone would be refused (orthogonal needs n <= d); the override makes it valid.
        Assert.Equal(4, Parse("""{"dataModel": "orthogonal", "d": 4, "n": 8}""", "n=4").N);
    }

    [Theory]
    [InlineData("dd=3", "--set dd", "unknown field (did you mean \"d\"?)")]
    [InlineData("n=-1", "--set n", "out of range")]
    [InlineData("n=2.5", "--set n", "non-integer")]
    [InlineData("m=many", "--set m", "got a string")]
    [InlineData("dataModel=spher", "--set dataModel", "unknown value (did you mean \"sphere\"?)")]
    [InlineData("solver=flowplain", "--set solver", "unknown value (did you mean \"flow-plain\"?)")]
    [InlineData("tolerances.ols=0", "--set tolerances.ols", "out of range")]
    [InlineData("tolerances.olz=1", "--set tolerances.olz", "unknown field")]
    [InlineData("n.x=1", "--set n.x", "has no members")]
    [InlineData("specVersion=2", "--set specVersion", "unsupported spec version")]
    public void A_bad_override_gets_the_message_of_the_same_value_in_a_file(string set, string path, string message)
    {
        var e = Assert.Throws<SpecException>(() => Parse("{}", set));
        var error = Assert.Single(e.Errors);
        Assert.Equal(path, error.Path);
        Assert.Contains(message, error.Message);
        Assert.Contains(set[(set.IndexOf('=') + 1)..], error.ToString());
    }

    [Theory]
    [InlineData("n")]
    [InlineData("=3")]
    public void Not_key_value_is_refused(string set)
        => Assert.Contains("expected key=value", Assert.Single(Assert.Throws<SpecException>(() => SpecOverrides.Parse([set])).Errors).Message);

    [Fact]
    public void A_key_given_twice_is_refused()
        => Assert.Contains("given twice", Assert.Single(Assert.Throws<SpecException>(() => SpecOverrides.Parse(["n=3", "n=4"])).Errors).Message);

    [Fact]
    public void Run_uses_the_overridden_spec_and_its_hash()
    {
        ExperimentSpec? seen = null;
        var trainer = new ScriptedTrainer { OnTrain = s => seen = s };
        var spec = Write("s.json", """{"d": 2, "n": 40, "m": 4, "testN": 200, "expect": "none"}""");
        var (code, _, err) = Simbias(trainer, "run", spec, "--set", "n=30", "--set", "seed=7", "--out", tmp["out"]);
        Assert.True(code is 0 or 1, err);
        Assert.Equal((30, 7), (seen!.N, seen.Seed));
        var expected = SpecReader.Parse("""{"d": 2, "n": 30, "m": 4, "testN": 200, "expect": "none", "seed": 7}""");
        Assert.Contains(CanonicalSpec.Hash(expected), File.ReadAllText(Path.Combine(tmp["out"], "runs.jsonl")));
    }

    [Fact]
    public void A_bad_override_exits_2_naming_field_and_value_with_nothing_written()
    {
        var trainer = new ScriptedTrainer();
        var spec = Write("s.json", """{"d": 2, "n": 40}""");
        var (code, _, err) = Simbias(trainer, "run", spec, "--set", "dd=3", "--set", "lambda=-1", "--out", tmp["out"]);
        Assert.Equal(2, code);
        Assert.Contains("--set dd = 3: unknown field (did you mean \"d\"?)", err);
        Assert.Contains("--set lambda = -1: out of range", err);
        Assert.False(Directory.Exists(tmp["out"]));
        Assert.Equal(0, trainer.Calls);
    }

    [Fact]
    public void Sweep_overrides_its_base_and_refuses_to_override_a_grid_axis()
    {
        var seen = new List<ExperimentSpec>();
        var trainer = new ScriptedTrainer { OnTrain = s => { lock (seen) seen.Add(s); } };
        var sweep = Write("w.json", """{"name": "w", "base": {"d": 2, "m": 4, "testN": 200, "expect": "none"}, "grid": {"n": [20, 30]}}""");
        var (code, _, err) = Simbias(trainer, "sweep", sweep, "--set", "m=6", "--out", tmp["out"], "--threads", "1");
        Assert.True(code is 0 or 1, err);
        Assert.Equal(2, seen.Count);
        Assert.All(seen, s => Assert.Equal(6, s.M));

        var (code2, _, err2) = Simbias(new ScriptedTrainer(), "sweep", sweep, "--set", "n=50", "--out", tmp["out2"]);
        Assert.Equal(2, code2);
        Assert.Contains("--set n", err2);
        Assert.Contains("axis of the sweep's grid", err2);
        Assert.False(Directory.Exists(tmp["out2"]));
    }
}
