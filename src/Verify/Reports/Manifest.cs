using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Text.Json;
using SimplicityBias.Verify.Results;

namespace SimplicityBias.Verify.Reports;

/// <summary>Where and how a report was produced: command, versions, machine, wall time.</summary>
public sealed record Manifest
{
    /// <summary>The command line that produced the results.</summary>
    public string Command { get; init; } = "";
    /// <summary>UTC time the report was written.</summary>
    public DateTime GeneratedUtc { get; init; } = DateTime.UtcNow;
    /// <summary>Wall time of the command (NaN when the report was regenerated from stored results).</summary>
    public double WallSeconds { get; init; } = double.NaN;
    /// <summary>Version of simbias and of the libraries it runs on.</summary>
    public IReadOnlyDictionary<string, string> Versions { get; init; } = CollectVersions();
    /// <summary>Machine description.</summary>
    public IReadOnlyDictionary<string, string> Machine { get; init; } = CollectMachine();
    /// <summary>The command that re-rendered the report from stored results (null when the producing command wrote it).</summary>
    public string? RenderedBy { get; init; }
    /// <summary>UTC time of the re-rendering.</summary>
    public DateTime? RenderedUtc { get; init; }

    /// <summary>The file beside report.md that keeps how the results were produced, so a re-rendered report still says it.</summary>
    public const string FileName = "manifest.json";

    /// <summary>Writes the producing command, its time and wall time to <see cref="FileName"/> in <paramref name="dir"/>.</summary>
    public void Save(string dir)
    {
        var json = JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["command"] = Command,
            ["generatedUtc"] = GeneratedUtc.ToString("o", CultureInfo.InvariantCulture),
            ["wallSeconds"] = double.IsNaN(WallSeconds) ? null : WallSeconds,
        }, new JsonSerializerOptions { WriteIndented = true });
        AtomicFile.WriteAllText(Path.Combine(dir, FileName), json + "\n");
    }

    /// <summary>
    /// The manifest of a re-rendering: the producing command, time and wall time from <see cref="FileName"/> when the
    /// directory has one (otherwise unknown), and <paramref name="renderCommand"/> as the re-rendering.
    /// </summary>
    public static Manifest ForRerender(string dir, string renderCommand)
    {
        var path = Path.Combine(dir, FileName);
        var now = DateTime.UtcNow;
        if (!File.Exists(path)) return new Manifest { Command = "unknown (no " + FileName + " in the directory)", GeneratedUtc = now, RenderedBy = renderCommand, RenderedUtc = now };
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(path));
            var root = doc.RootElement;
            string command = root.GetProperty("command").GetString() ?? "";
            var generated = DateTime.Parse(root.GetProperty("generatedUtc").GetString() ?? "", CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind);
            var wall = root.GetProperty("wallSeconds");
            return new Manifest
            {
                Command = command, GeneratedUtc = generated, WallSeconds = wall.ValueKind == JsonValueKind.Number ? wall.GetDouble() : double.NaN,
                RenderedBy = renderCommand, RenderedUtc = now,
            };
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or FormatException or InvalidOperationException)
        {
            throw new Cli.BadInputException($"results-dir: {path} is not a manifest this program wrote ({e.Message})");
        }
    }

    /// <summary>Assembly versions (with the commit they were built from) and the working directory's git HEAD, when found.</summary>
    public static Dictionary<string, string> CollectVersions()
    {
        var v = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["simbias"] = Info(typeof(Manifest).Assembly),
            ["SimplicityBias.Dynamics"] = Info(typeof(SimplicityBias.Dynamics.Network.Dataset).Assembly),
            [".NET"] = RuntimeInformation.FrameworkDescription,
            ["ScottPlot"] = Info(typeof(ScottPlot.Plot).Assembly),
            ["Microsoft.Data.Analysis"] = Info(typeof(Microsoft.Data.Analysis.DataFrame).Assembly),
            ["MathNet.Numerics"] = Info(typeof(MathNet.Numerics.Constants).Assembly),
            ["Parquet.Net"] = Info(typeof(Parquet.ParquetWriter).Assembly),
            // The assemblies' versions above end in the commit they were built from (+sha); this is the working
            // directory's HEAD when the report was written, which differs when a stored binary wrote it.
            ["git HEAD at report time"] = GitCommit() ?? "unknown",
        };
        return v;
    }

    /// <summary>OS, architecture, processors, machine name.</summary>
    public static Dictionary<string, string> CollectMachine() => new(StringComparer.Ordinal)
    {
        ["os"] = RuntimeInformation.OSDescription,
        ["architecture"] = RuntimeInformation.ProcessArchitecture.ToString(),
        ["processors"] = Environment.ProcessorCount.ToString(),
        ["machine"] = Environment.MachineName,
    };

    private static string Info(Assembly a)
        => a.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? a.GetName().Version?.ToString() ?? "?";

    /// <summary>The current commit of the working directory's repository (git rev-parse HEAD), or null.</summary>
    public static string? GitCommit()
    {
        try
        {
            var psi = new ProcessStartInfo("git", "rev-parse --short=12 HEAD")
            {
                RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
                WorkingDirectory = Environment.CurrentDirectory,
            };
            using var p = Process.Start(psi);
            if (p is null) return null;
            var output = p.StandardOutput.ReadToEnd().Trim();
            if (!p.WaitForExit(3000)) { p.Kill(); return null; }
            return p.ExitCode == 0 && output.Length > 0 ? output : null;
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException or IOException) { return null; }
    }
}
