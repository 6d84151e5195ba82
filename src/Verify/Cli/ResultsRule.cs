using SimplicityBias.Verify.Sweeps;

namespace SimplicityBias.Verify.Cli;

/// <summary>
/// The one overwrite rule of run, check, sweep and reproduce, applied to the results files the command reads
/// (every runs*.jsonl of the directory, or only a shard's own file):
/// <list type="bullet">
/// <item>no results there: go;</item>
/// <item><c>--resume</c> (sweep, reproduce): continue them;</item>
/// <item>results of another job (a record neither keyed as one of this command's runs nor, for a sweep, of its name): refused, exit 2, unless <c>--force</c>;</item>
/// <item>results of this same job: run, check and reproduce redo it; sweep refuses without <c>--resume</c> or
///   <c>--force</c>, since a sweep is long and an array task that forgot <c>--resume</c> must not throw its slice away.</item>
/// <item>a shard with <c>--force</c> also sets aside its runs' records in the directory's other files (a merged
///   runs.jsonl): otherwise they would count as finished and the slice would redo none of its runs.</item>
/// </list>
/// What is replaced is set aside (NAME.old, no longer read as results) and deleted only once the new results are
/// complete; an interrupted command leaves it there.
/// </summary>
internal static class ResultsRule
{
    /// <summary>Applies the rule; returns the files set aside (for <see cref="ResultStore.DropSetAside"/>).</summary>
    /// <param name="dir">Results directory.</param>
    /// <param name="shard">The command's slice: a shard reads only its own file.</param>
    /// <param name="ownKeys">Keys of this command's runs.</param>
    /// <param name="ownSweep">A sweep's name: its records are its own even when its grid has changed since (null for run and check).</param>
    /// <param name="resume">Continue what is there.</param>
    /// <param name="force">Replace whatever is there.</param>
    /// <param name="refuseOwn">Refuse this job's own results without <paramref name="resume"/> or <paramref name="force"/>.</param>
    /// <param name="option">The option that named the directory, for messages.</param>
    public static List<string> Prepare(string dir, Shard shard, IReadOnlySet<string> ownKeys, string? ownSweep, bool resume, bool force, bool refuseOwn, string option)
    {
        var own = Path.Combine(Path.GetFullPath(dir), ResultStore.FileName(shard));
        var files = (shard.IsAll ? ResultStore.Files(dir) : File.Exists(own) ? [own] : [])
            .Where(f => new FileInfo(f).Length > 0).ToList();
        if (files.Count == 0 || resume) return [];
        if (!force)
        {
            int records = 0, foreign = 0, bad = 0;
            foreach (var line in files.SelectMany(File.ReadLines))
            {
                if (string.IsNullOrWhiteSpace(line)) continue;
                var r = Running.RunRecord.TryParse(line);
                if (r is null) { bad++; continue; }
                records++;
                if (!ownKeys.Contains(r.Hash) && (ownSweep is null || r.Sweep != ownSweep)) foreign++;
            }
            if (foreign > 0 || bad > 0)
                throw new BadInputException($"{option}: '{dir}' holds results of other runs ({foreign} record(s) not of this command{(bad > 0 ? $", {bad} unreadable line(s)" : "")}); " +
                    "choose another directory, or pass --force to set them aside");
            if (refuseOwn)
                throw new BadInputException($"{option}: '{dir}' already holds {records} result(s) of this sweep; pass --resume to continue them or --force to start over");
        }
        // A forced slice redoes its runs, so their records elsewhere in the directory go aside too: in a merged
        // runs.jsonl (or another slicing's file) they would count as finished, and the slice would redo nothing.
        var elsewhere = force && !shard.IsAll
            ? ResultStore.Files(dir).Where(f => !IsOwn(f, own) && new FileInfo(f).Length > 0 && ResultStore.HoldsAny(f, ownKeys)).ToList()
            : [];
        // Another process appending to a file set aside would keep writing into NAME.old, and lose those runs with it.
        foreach (var f in files.Concat(elsewhere).Where(f => !IsOwn(f, own)))
        {
            using var other = WriterLock.TryAcquire(f);
            if (other is null) throw new BadInputException($"{option}: '{f}' is being written by another simbias process; wait for it to end before starting over");
        }
        var moved = ResultStore.SetAside(files);
        moved.AddRange(ResultStore.SetAsideRecords(elsewhere, ownKeys));
        return moved;
    }

    // Full paths: with a relative directory the files are listed relative, and the command's own file (whose lock
    // it already holds) would look like another writer's.
    private static bool IsOwn(string file, string own) => string.Equals(Path.GetFullPath(file), own, StringComparison.Ordinal);
}
