using System.Reflection;
using SimplicityBias.Dynamics.Network;

namespace SimplicityBias.Verify.Running;

/// <summary>
/// What produced a record besides its spec: the code version and the gradient kernel's path. Kernel paths give the
/// same bits by design and each commit should too unless it says otherwise, but a record that cannot say what made it
/// cannot be trusted next to others; so records carry both and a resumed sweep refuses to mix them unless told to.
/// </summary>
public static class Provenance
{
    /// <summary>
    /// The informational version of the assembly holding the integrator and kernel: the package version plus the git
    /// commit it was built from (the SDK appends "+commit"). A build from a dirty tree carries its last commit.
    /// </summary>
    public static string CodeVersion { get; } =
        typeof(GradientKernel).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";

    /// <summary>The kernel path this process's runs take (<see cref="KernelPaths.Best"/>).</summary>
    public static string KernelPath { get; } = KernelPaths.Name(Dynamics.Network.KernelPath.Auto);

    /// <summary>
    /// One line per distinct (code version, kernel path) among <paramref name="records"/> that differs from this
    /// process's, with how many records carry it; empty when all match.
    /// </summary>
    public static List<string> Mismatches(IEnumerable<RunRecord> records) =>
        records.Where(r => r.CodeVersion != CodeVersion || r.KernelPath != KernelPath)
            .GroupBy(r => (r.CodeVersion, r.KernelPath))
            .Select(g => $"{g.Count()} record(s) from code {Show(g.Key.CodeVersion)} on kernel path {Show(g.Key.KernelPath)}")
            .ToList();

    static string Show(string s) => s.Length == 0 ? "(not recorded)" : s;
}
