using System.Text;
using SimplicityBias.Verify.Running;

namespace SimplicityBias.Verify.Sweeps;

/// <summary>
/// A directory of results: JSON-lines files, one finished run per line, appended (and flushed to
/// disk) the moment the run finishes. The whole sweep writes runs.jsonl; shard i of N writes
/// runs.shard-i-of-N.jsonl, so array tasks never share a file. Reading takes every runs*.jsonl in the
/// directory, ignores a line cut short by a kill, and keys runs by the hash of their canonical spec.
/// </summary>
public sealed class ResultStore
{
    private readonly object gate = new();

    /// <summary>The directory.</summary>
    public string DirectoryPath { get; }
    /// <summary>The file this store appends to.</summary>
    public string FilePath { get; }

    /// <summary>Main results file name.</summary>
    public const string MainFile = "runs.jsonl";

    /// <summary>Opens (creating the directory) the store of a directory for a shard.</summary>
    public ResultStore(string directory, Shard shard)
    {
        DirectoryPath = Path.GetFullPath(directory);
        Directory.CreateDirectory(DirectoryPath);
        FilePath = Path.Combine(DirectoryPath, FileName(shard));
    }

    /// <summary>runs.jsonl, or runs.shard-i-of-N.jsonl.</summary>
    public static string FileName(Shard shard) => shard.IsAll ? MainFile : $"runs.shard-{shard.Index}-of-{shard.Count}.jsonl";

    /// <summary>Appends one record as one line, durably, from any thread.</summary>
    public void Append(RunRecord record)
    {
        var line = record.ToJsonLine();
        lock (gate)
        {
            using var fs = new FileStream(FilePath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read);
            // A kill may have left a partial last line: start on a fresh line so it stays one bad line.
            bool needNewline = false;
            if (fs.Length > 0)
            {
                fs.Seek(-1, SeekOrigin.End);
                needNewline = fs.ReadByte() != '\n';
            }
            fs.Seek(0, SeekOrigin.End);
            var bytes = Encoding.UTF8.GetBytes((needNewline ? "\n" : "") + line + "\n");
            fs.Write(bytes);
            fs.Flush(flushToDisk: true);
        }
    }

    /// <summary>The results files of a directory, in name order.</summary>
    public static string[] Files(string directory)
        => Directory.Exists(directory)
            ? Directory.GetFiles(directory, "runs*.jsonl").OrderBy(f => f, StringComparer.Ordinal).ToArray()
            : [];

    /// <summary>Whether the directory holds any record.</summary>
    public static bool HasRecords(string directory) => Files(directory).Any(f => new FileInfo(f).Length > 0);

    /// <summary>
    /// Every record of the given directories, one per hash: a successful record wins over an error
    /// record, otherwise the first seen wins. Sorted by index, then hash. Also returns the number of unreadable lines.
    /// </summary>
    public static (List<RunRecord> Records, int BadLines) Load(params string[] directories)
    {
        var byHash = new Dictionary<string, RunRecord>(StringComparer.Ordinal);
        int bad = 0;
        foreach (var dir in directories)
            foreach (var file in Files(dir))
                foreach (var line in File.ReadLines(file))
                {
                    if (string.IsNullOrWhiteSpace(line)) continue;
                    var r = RunRecord.TryParse(line);
                    if (r is null) { bad++; continue; }
                    if (!byHash.TryGetValue(r.Hash, out var old) || (old.Status != "ok" && r.Status == "ok")) byHash[r.Hash] = r;
                }
        var list = byHash.Values.OrderBy(r => r.Index).ThenBy(r => r.Hash, StringComparer.Ordinal).ToList();
        return (list, bad);
    }

    /// <summary>Hashes of the successfully finished runs in a directory (what a resumed sweep skips).</summary>
    public static HashSet<string> CompletedHashes(string directory)
        => Load(directory).Records.Where(r => r.Status == "ok").Select(r => r.Hash).ToHashSet(StringComparer.Ordinal);

    /// <summary>Replaces this store's file with exactly <paramref name="records"/>, atomically: the old records stay until the new file is complete.</summary>
    public void ReplaceAll(IEnumerable<RunRecord> records)
    {
        var sb = new StringBuilder();
        foreach (var r in records) sb.Append(r.ToJsonLine()).Append('\n');
        lock (gate) Results.AtomicFile.WriteAllText(FilePath, sb.ToString());
    }

    /// <summary>Suffix of results files set aside by a fresh start until it completes.</summary>
    public const string SetAsideSuffix = ".old";

    /// <summary>
    /// A fresh start that deletes nothing yet: renames <paramref name="files"/> to NAME.old (no longer read as
    /// results) and returns the new names, for <see cref="DropSetAside"/> once the replacement is complete.
    /// </summary>
    public static List<string> SetAside(IEnumerable<string> files)
    {
        var moved = new List<string>();
        foreach (var f in files)
        {
            var to = f + SetAsideSuffix;
            File.Move(f, to, overwrite: true);
            moved.Add(to);
        }
        return moved;
    }

    /// <summary>Whether a results file holds a record of one of <paramref name="hashes"/>.</summary>
    public static bool HoldsAny(string file, IReadOnlySet<string> hashes)
        => File.ReadLines(file).Any(l => !string.IsNullOrWhiteSpace(l) && RunRecord.TryParse(l) is { } r && hashes.Contains(r.Hash));

    /// <summary>
    /// Sets aside only the records of <paramref name="hashes"/> in <paramref name="files"/>: each file is copied to
    /// NAME.old and then replaced, atomically, by its other lines (unreadable lines included, as found). Returns the
    /// copies, for <see cref="DropSetAside"/>.
    /// </summary>
    public static List<string> SetAsideRecords(IEnumerable<string> files, IReadOnlySet<string> hashes)
    {
        var copies = new List<string>();
        foreach (var f in files)
        {
            var to = f + SetAsideSuffix;
            File.Copy(f, to, overwrite: true);
            copies.Add(to);
            var sb = new StringBuilder();
            foreach (var line in File.ReadLines(f))
                if (string.IsNullOrWhiteSpace(line) || RunRecord.TryParse(line) is not { } r || !hashes.Contains(r.Hash))
                    sb.Append(line).Append('\n');
            Results.AtomicFile.WriteAllText(f, sb.ToString());
        }
        return copies;
    }

    /// <summary>Deletes the files set aside by <see cref="SetAside"/>.</summary>
    public static void DropSetAside(IEnumerable<string> moved)
    {
        foreach (var f in moved) File.Delete(f);
    }

    /// <summary>Lines of a results file that are not valid records (0 when the file is absent).</summary>
    public static int BadLines(string file)
        => File.Exists(file) ? File.ReadLines(file).Count(l => !string.IsNullOrWhiteSpace(l) && RunRecord.TryParse(l) is null) : 0;

    /// <summary>Joins the records of several directories (e.g. shard outputs) and of <paramref name="outDir"/> into <paramref name="outDir"/>/runs.jsonl,
    /// atomically; writes nothing when there is no record. The caller refuses first when that file has lines this would drop.</summary>
    public static List<RunRecord> Merge(IReadOnlyList<string> directories, string outDir)
    {
        // The output directory's own records are kept too: merging never loses a finished run.
        var (records, _) = Load(directories.Append(outDir).Select(Path.GetFullPath).Distinct(StringComparer.Ordinal).ToArray());
        if (records.Count == 0) return records; // nothing to write: an empty runs.jsonl would only hide the mistake
        var sb = new StringBuilder();
        foreach (var r in records) sb.Append(r.ToJsonLine()).Append('\n');
        Results.AtomicFile.WriteAllText(Path.Combine(outDir, MainFile), sb.ToString());
        return records;
    }
}
