using SimplicityBias.Dynamics.Ode;

namespace SimplicityBias.Theory.Tests.Examples;

/// <summary>
/// The README's two C# examples are the marked lines of LibraryExample.cs and OdeExample.cs: these tests hold the
/// README's code blocks equal to them and run them, so an API change that breaks an example breaks the build or a test.
/// </summary>
public class ReadmeExampleTests
{
    private static readonly string Root = FindRoot();

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "SimplicityBias.Theory.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("the repository root (SimplicityBias.Theory.sln) is not above the test binaries");
    }

    /// <summary>The lines between "// README: begin" and "// README: end", each region dedented, regions joined by a blank line.</summary>
    internal static string MarkedCode(string source)
    {
        var regions = new List<List<string>>();
        List<string>? current = null;
        foreach (var line in source.Replace("\r\n", "\n").Split('\n'))
        {
            var t = line.Trim();
            if (t == "// README: begin") { current = []; continue; }
            if (t == "// README: end") { regions.Add(current!); current = null; continue; }
            current?.Add(line);
        }
        var parts = regions.Select(r =>
        {
            int indent = r.Where(l => l.Trim().Length > 0).Min(l => l.Length - l.TrimStart().Length);
            return string.Join("\n", r.Select(l => l.Length >= indent ? l[indent..].TrimEnd() : l.TrimEnd()));
        });
        return string.Join("\n\n", parts);
    }

    /// <summary>The fenced csharp block that follows the marker comment in the README.</summary>
    internal static string ReadmeBlock(string readme, string marker)
    {
        var lines = readme.Replace("\r\n", "\n").Split('\n');
        int at = Array.FindIndex(lines, l => l.Trim() == $"<!-- {marker} -->");
        Assert.True(at >= 0, $"README.md has no <!-- {marker} --> marker");
        int open = Array.FindIndex(lines, at, l => l.Trim() == "```csharp");
        int close = Array.FindIndex(lines, open + 1, l => l.Trim() == "```");
        return string.Join("\n", lines[(open + 1)..close]);
    }

    [Theory]
    [InlineData("example: library", "LibraryExample.cs")]
    [InlineData("example: ode", "OdeExample.cs")]
    public void Readme_blocks_are_the_compiled_examples(string marker, string file)
    {
        var readme = File.ReadAllText(Path.Combine(Root, "README.md"));
        var source = File.ReadAllText(Path.Combine(Root, "tests", "Theory.Tests", "Examples", file));
        Assert.Equal(MarkedCode(source), ReadmeBlock(readme, marker));
    }

    [Fact]
    public void Library_example_runs_to_its_end_and_finds_the_extremal_directions()
    {
        var output = new StringWriter();
        var (flow, extremal) = LibraryExample.Run(output);
        Assert.Contains(flow.Code, new[] { OdeReturnCode.SteadyState, OdeReturnCode.Success });
        Assert.True(flow.FinalLoss < flow.Trajectory[0].Loss);
        Assert.NotEmpty(extremal.Stable);
        Assert.Contains("u = (", output.ToString());
    }

    [Fact]
    public void Ode_example_solves_the_stiff_oscillator()
    {
        var output = new StringWriter();
        var solution = OdeExample.Run(output);
        Assert.True(solution.IsSuccessful, solution.ToString());
        Assert.Equal(3, solution.SavedTimes.Count);
        Assert.NotEmpty(solution.Events);
        Assert.Contains("downward zeros", output.ToString());
    }
}
