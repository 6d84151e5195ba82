using SimplicityBias.Verify.Cli;

namespace SimplicityBias.Verify.Tests;

/// <summary>Every path problem is exit 2 naming the option, found before any compute, and leaves nothing written.</summary>
public class OutputPathTests : IDisposable
{
    private readonly TempDir tmp = new();
    public void Dispose() => tmp.Dispose();

    private static int Sbt(ScriptedTrainer trainer, out string err, params string[] args)
    {
        var e = new StringWriter();
        int code = new CliApp(new StringWriter(), e, new FixedFactory(trainer), progress: false).Run(args);
        err = e.ToString();
        return code;
    }

    private const string Spec = """{"d": 2, "n": 40, "m": 4, "testN": 100, "expect": "none"}""";
    private const string Sweep = """{"name": "s", "base": {"d": 2, "m": 4, "testN": 100, "expect": "none"}, "grid": {"n": [20, 30]}}""";

    // Each case: how to spoil the output directory, and the option the message must name.
    public static TheoryData<string, string> Cases => new()
    {
        { "run", "file" }, { "run", "under-file" }, { "run", "unwritable" }, { "run", "report-dir" }, { "run", "figures-file" },
        { "sweep", "file" }, { "sweep", "under-file" }, { "sweep", "unwritable" }, { "sweep", "report-dir" }, { "sweep", "figures-file" },
        { "check", "file" }, { "check", "under-file" }, { "check", "unwritable" }, { "check", "report-dir" }, { "check", "figures-file" },
        { "reproduce", "file" }, { "reproduce", "unwritable" }, { "reproduce", "figures-file" },
        { "merge", "file" }, { "merge", "under-file" }, { "merge", "runs-dir" },
        { "report", "report-dir" }, { "report", "figures-file" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Bad_output_paths_exit_2_before_any_work(string command, string spoil)
    {
        File.WriteAllText(tmp["spec.json"], command is "run" or "check" ? Spec : Sweep);
        File.WriteAllText(tmp["data.csv"], "x1,x2,y\n1,2,3\n2,1,0\n-1,3,1\n0.5,-2,2\n1.5,1,-1\n");
        // merge and report need results to start from: a sweep made beforehand, into a good directory.
        var results = tmp["results"];
        if (command is "merge" or "report") Assert.Equal(0, Sbt(new ScriptedTrainer(), out _, "sweep", tmp["spec.json"], "--out", results));

        string dir = command == "report" ? results : tmp["out"];
        switch (spoil)
        {
            case "file": File.WriteAllText(dir, "x"); break;
            case "under-file": File.WriteAllText(tmp["f"], "x"); dir = Path.Combine(tmp["f"], "out"); break;
            case "unwritable": dir = "/proc/simbias-test-" + Guid.NewGuid().ToString("N"); break; // /proc takes no new directory, even for root
            case "report-dir": if (File.Exists(Path.Combine(dir, "report.md"))) File.Delete(Path.Combine(dir, "report.md")); Directory.CreateDirectory(Path.Combine(dir, "report.md")); break;
            case "figures-file":
                Directory.CreateDirectory(dir);
                if (Directory.Exists(Path.Combine(dir, "figures"))) Directory.Delete(Path.Combine(dir, "figures"), true);
                File.WriteAllText(Path.Combine(dir, "figures"), "x");
                break;
            case "runs-dir": Directory.CreateDirectory(Path.Combine(dir, "runs.jsonl")); break;
        }
        var trainer = new ScriptedTrainer();
        string[] args = command switch
        {
            "run" => ["run", tmp["spec.json"], "--out", dir],
            "sweep" => ["sweep", tmp["spec.json"], "--out", dir],
            "check" => ["check", tmp["data.csv"], "--out", dir],
            "reproduce" => ["reproduce", "--grid", tmp["spec.json"], "--out", dir],
            "merge" => ["merge", results, "--out", dir],
            _ => ["report", dir],
        };
        int code = Sbt(trainer, out var err, args);
        Assert.True(code == 2, $"exit {code}: {err}");
        Assert.Contains(command == "report" ? "results-dir:" : "--out:", err);
        Assert.Equal(0, trainer.Calls);
        if (spoil is "report-dir" or "figures-file" && command != "report")
            Assert.Single(Directory.GetFileSystemEntries(dir)); // only the spoiling entry: nothing half-written
    }
}
