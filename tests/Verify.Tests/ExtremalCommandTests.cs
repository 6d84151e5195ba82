using System.Text.Json;
using SimplicityBias.Verify.Cli;
using SimplicityBias.Verify.Running;

namespace SimplicityBias.Verify.Tests;

/// <summary>`simbias extremal`: exact by default where the enumeration fits, honest (complete: false, a coverage) where it does not.</summary>
public class ExtremalCommandTests : IDisposable
{
    private readonly TempDir tmp = new();
    public void Dispose() => tmp.Dispose();

    private static (int Code, string Out) Sbt(params string[] args)
    {
        var o = new StringWriter();
        int code = new CliApp(o, new StringWriter(), new FixedFactory(new ScriptedTrainer()), default, progress: false).Run(args);
        return (code, o.ToString());
    }

    private string Data(int n)
    {
        var rows = new List<string> { "x1,x2,x3,y" };
        var rng = new Theory.Numerics.Rng(5);
        for (int k = 0; k < n; k++)
        {
            double a = rng.NextGaussian(), b = rng.NextGaussian(), c = rng.NextGaussian();
            rows.Add(FormattableString.Invariant($"{a},{b},{c},{a - 0.5 * c + 0.3 * rng.NextGaussian()}"));
        }
        File.WriteAllText(tmp["d3.csv"], string.Join('\n', rows));
        return tmp["d3.csv"];
    }

    [Fact]
    public void Small_data_is_enumerated_exactly_with_boundary_sets_and_eta()
    {
        var (code, output) = Sbt("extremal", Data(30), "--json");
        Assert.Equal(0, code);
        using var doc = JsonDocument.Parse(output);
        var root = doc.RootElement;
        Assert.True(root.GetProperty("complete").GetBoolean());
        Assert.Equal("arrangement", root.GetProperty("method").GetString());
        Assert.Equal(1.0, root.GetProperty("coverage").GetDouble());
        int count = 0;
        foreach (var v in root.GetProperty("vectors").EnumerateArray())
        {
            count++;
            int b = v.GetProperty("boundarySet").GetArrayLength();
            Assert.Equal(b, v.GetProperty("eta").GetArrayLength());
            Assert.Equal(v.GetProperty("activationSetSize").GetInt32(), v.GetProperty("activationSet").GetArrayLength());
            Assert.Contains(v.GetProperty("kind").GetString(), new[] { "local max", "local min", "saddle", "unclassified" });
        }
        Assert.True(count >= root.GetProperty("flowSearchCount").GetInt32());
    }

    [Fact]
    public void Without_the_enumeration_the_search_says_it_is_not_complete()
    {
        var (code, output) = Sbt("extremal", Data(30), "--json", "--max-enumeration", "0", "--walks", "300");
        Assert.Equal(0, code);
        using var doc = JsonDocument.Parse(output);
        var root = doc.RootElement;
        Assert.False(root.GetProperty("complete").GetBoolean());
        Assert.Equal("face-search", root.GetProperty("method").GetString());
        Assert.InRange(root.GetProperty("coverage").GetDouble(), 0.0, 1.0);
        var text = Sbt("extremal", Data(30), "--max-enumeration", "0", "--walks", "300").Out;
        Assert.Contains("complete: false", text);
        Assert.Contains("coverage", text);
    }

    [Fact]
    public void Help_explains_the_columns_and_bad_options_exit_with_2()
    {
        var (code, output) = Sbt("extremal", "--help");
        Assert.Equal(0, code);
        foreach (var word in new[] { "complete", "coverage", "activation set", "boundary set", "eta", "saddle" }) Assert.Contains(word, output);
        Assert.Equal(2, Sbt("extremal", Data(10), "--walks", "0").Code);
        Assert.Equal(2, Sbt("extremal", Data(10), "--max-enumeration", "-1").Code);
    }
}
