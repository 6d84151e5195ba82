using SimplicityBias.Verify.Cli;
using SimplicityBias.Verify.Running;

namespace SimplicityBias.Verify.Tests;

/// <summary>Records say which code and kernel path made them, and --resume refuses to mix others in unless told to.</summary>
public class ResumeProvenanceTests : IDisposable
{
    private readonly TempDir tmp = new();
    public void Dispose() => tmp.Dispose();

    private static int Sbt(params string[] args) =>
        new CliApp(new StringWriter(), new StringWriter(), new FixedFactory(new ScriptedTrainer()), default, progress: false).Run(args);

    private const string SmallSweep = """{"name": "s", "base": {"d": 2, "m": 4, "testN": 200, "expect": "none"}, "grid": {"n": [20, 30]}}""";

    [Fact]
    public void Resume_refuses_records_of_other_code_unless_allowed()
    {
        var spec = tmp["sweep.json"];
        File.WriteAllText(spec, SmallSweep);
        var dir = tmp["out"];
        Assert.Equal(0, Sbt("sweep", spec, "--out", dir));
        var file = Path.Combine(dir, "runs.jsonl");
        var records = File.ReadAllLines(file).Select(l => RunRecord.TryParse(l)!).ToList();
        Assert.All(records, r => Assert.Equal(Provenance.CodeVersion, r.CodeVersion));
        Assert.All(records, r => Assert.Equal(Provenance.KernelPath, r.KernelPath));
        Assert.Contains("+", Provenance.CodeVersion); // the commit the code was built from
        Assert.Equal(0, Sbt("sweep", spec, "--out", dir, "--resume"));

        // The same records as if written by another build.
        File.WriteAllLines(file, File.ReadAllLines(file).Select(l => l.Replace(Provenance.CodeVersion, "0.9.0+0000000")));
        Assert.Equal(2, Sbt("sweep", spec, "--out", dir, "--resume"));
        Assert.Equal(0, Sbt("sweep", spec, "--out", dir, "--resume", "--allow-mixed-code"));
        // And as if made on another kernel path.
        File.WriteAllLines(file, File.ReadAllLines(file).Select(l => l.Replace("0.9.0+0000000", Provenance.CodeVersion)
            .Replace($"\"kernelPath\":\"{Provenance.KernelPath}\"", "\"kernelPath\":\"other\"")));
        Assert.Equal(2, Sbt("sweep", spec, "--out", dir, "--resume"));
        Assert.Equal(2, Sbt("reproduce", "--grid", spec, "--out", dir, "--resume"));
    }
}
