using System.Diagnostics;
using System.Reflection;
using System.Runtime.InteropServices;

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
