using System.Text;

namespace SimplicityBias.Verify.Results;

/// <summary>Writes files atomically: to a temporary name in the same directory, flushed to disk, then renamed over the target.
/// A reader (or a killed writer) sees either the old file or the new one, never a half-written one; the temporary
/// file a killed writer leaves is removed by the next write of the same file.</summary>
public static class AtomicFile
{
    /// <summary>Writes through a stream callback.</summary>
    public static void Write(string path, Action<Stream> write)
    {
        var full = Path.GetFullPath(path);
        var dir = Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(dir);
        RemoveStale(dir, Path.GetFileName(full));
        var tmp = Path.Combine(dir, $"{TempPrefix(Path.GetFileName(full))}{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var fs = new FileStream(tmp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                write(fs);
                fs.Flush(flushToDisk: true);
            }
            File.Move(tmp, full, overwrite: true);
        }
        catch
        {
            try { File.Delete(tmp); } catch (IOException) { }
            throw;
        }
    }

    // The host is in the name so a directory shared between nodes is cleaned only of this host's dead writers.
    internal static string TempPrefix(string name) => $".{name}.{SafeHost}.";
    private static readonly string SafeHost = new(Environment.MachineName.Select(c => char.IsAsciiLetterOrDigit(c) || c == '-' ? c : '_').ToArray());

    /// <summary>Deletes the temporary files of <paramref name="name"/> left by a killed writer on this host (its process is gone).</summary>
    internal static void RemoveStale(string dir, string name)
    {
        var prefix = TempPrefix(name);
        IEnumerable<string> found;
        try { found = Directory.EnumerateFiles(dir, prefix + "*.tmp").ToList(); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return; }
        foreach (var f in found)
        {
            var rest = Path.GetFileName(f)[prefix.Length..];
            int dot = rest.IndexOf('.');
            if (dot <= 0 || !int.TryParse(rest[..dot], out int pid) || pid == Environment.ProcessId || Alive(pid)) continue;
            try { File.Delete(f); } catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        }
    }

    private static bool Alive(int pid)
    {
        try { using var p = System.Diagnostics.Process.GetProcessById(pid); return !p.HasExited; }
        catch (ArgumentException) { return false; }
        catch (InvalidOperationException) { return false; }
    }

    /// <summary>Writes UTF-8 text (no byte-order mark).</summary>
    public static void WriteAllText(string path, string text) => WriteAllBytes(path, new UTF8Encoding(false).GetBytes(text));

    /// <summary>Writes bytes.</summary>
    public static void WriteAllBytes(string path, byte[] bytes) => Write(path, s => s.Write(bytes));
}
