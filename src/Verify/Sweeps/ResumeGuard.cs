using SimplicityBias.Verify.Cli;
using SimplicityBias.Verify.Running;
using SimplicityBias.Verify.Specs;

namespace SimplicityBias.Verify.Sweeps;

/// <summary>
/// Refuses to resume a sweep whose finished runs were made by other code or on another kernel path: the resumed
/// sweep would silently join records of two programs. An explicit flag (--allow-mixed-code) accepts the mix.
/// </summary>
public static class ResumeGuard
{
    /// <summary>Throws <see cref="BadInputException"/> if finished runs of the sweep's <paramref name="shard"/> in <paramref name="directory"/> differ in provenance.</summary>
    public static void Check(SweepSpec sweep, string directory, Shard shard, bool allowMixed)
    {
        if (allowMixed) return;
        var hashes = sweep.Runs.Where((_, i) => shard.Contains(i)).Select(CanonicalSpec.Hash).ToHashSet(StringComparer.Ordinal);
        var finished = ResultStore.Load(directory).Records.Where(r => r.Status == "ok" && hashes.Contains(r.Hash));
        var mismatches = Provenance.Mismatches(finished);
        if (mismatches.Count == 0) return;
        throw new BadInputException(
            $"--resume: '{directory}' holds runs of other code or another kernel path than this program ({Provenance.CodeVersion}, " +
            $"{Provenance.KernelPath}): {string.Join("; ", mismatches)}. Pass --force to start over, or --allow-mixed-code to keep them.");
    }
}
