namespace SimplicityBias.Verify.Sweeps;

/// <summary>
/// The one-writer rule of a results file: an exclusive advisory lock on a hidden companion file
/// (.NAME.lock), held from before the first record until the report is written. .NET takes an
/// exclusive flock for FileShare.None, which the kernel drops when the process ends however it ends,
/// so a requeued Slurm task after a kill finds the file free, and one started while the first still
/// runs is refused. The lock file itself is left in place: deleting it would let a third writer lock a
/// new file while the second still holds the old one.
/// </summary>
public sealed class WriterLock : IDisposable
{
    private readonly FileStream stream;

    /// <summary>The lock file.</summary>
    public string LockPath { get; }

    private WriterLock(FileStream stream, string lockPath) { this.stream = stream; LockPath = lockPath; }

    /// <summary>The lock file of a results file.</summary>
    public static string LockPathOf(string resultsFile)
        => Path.Combine(Path.GetDirectoryName(Path.GetFullPath(resultsFile))!, "." + Path.GetFileName(resultsFile) + ".lock");

    /// <summary>Takes the lock of <paramref name="resultsFile"/>; null when another writer holds it.</summary>
    public static WriterLock? TryAcquire(string resultsFile)
    {
        var path = LockPathOf(resultsFile);
        try { return new WriterLock(new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None), path); }
        catch (IOException) when (File.Exists(path)) { return null; }
    }

    /// <summary>Releases the lock.</summary>
    public void Dispose() => stream.Dispose();
}
