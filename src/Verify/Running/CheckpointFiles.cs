using SimplicityBias.Verify.Results;

namespace SimplicityBias.Verify.Running;

/// <summary>
/// The checkpoints of the runs in flight of one results directory: `checkpoints/KEY.ckpt` (KEY the run's store key),
/// written whole at every restart of a run whose spec sets checkpointsPerDecade (a temporary file beside it, flushed,
/// then renamed over it: a killed process never leaves half a checkpoint), and removed once the run's record is stored. A checkpoint is a cache of work done: the run's result has the same bits with or without it.
/// </summary>
/// <param name="directory">The results directory.</param>
/// <param name="resume">Whether runs continue from the checkpoints found (otherwise they start at t = 0 and replace them).</param>
public sealed class CheckpointFiles(string directory, bool resume)
{
    /// <summary>The folder of the checkpoints inside a results directory.</summary>
    public const string FolderName = "checkpoints";

    /// <summary>Where notes go (a checkpoint resumed from, or not used and why); called from worker threads.</summary>
    public Action<string>? Note { get; set; }

    /// <summary>The checkpoint file of the run with this key.</summary>
    public string PathOf(string key) => Path.Combine(directory, FolderName, key + ".ckpt");

    /// <summary>The bytes of the run's checkpoint, or null (none, or not resuming).</summary>
    public byte[]? Load(string key)
    {
        var path = PathOf(key);
        return resume && File.Exists(path) ? File.ReadAllBytes(path) : null;
    }

    /// <summary>Replaces the run's checkpoint with <paramref name="bytes"/> at once (<see cref="AtomicFile"/>: temporary file, flush to disk, rename).</summary>
    public void Save(string key, byte[] bytes) => AtomicFile.WriteAllBytes(PathOf(key), bytes);

    /// <summary>
    /// Removes the run's checkpoint (its record is stored). The folder stays: shards of a sweep share it, and one
    /// removing it as another writes would fail that write. A checkpoint that cannot be removed is left: it can only
    /// continue its run to the record already stored.
    /// </summary>
    public void Remove(string key)
    {
        // A run without checkpoints (or whose folder was never made) has nothing to remove.
        if (!File.Exists(PathOf(key))) return;
        try { File.Delete(PathOf(key)); }
        catch (Exception e) when (e is DirectoryNotFoundException or FileNotFoundException) { }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { Note?.Invoke($"{PathOf(key)} could not be removed: {e.Message}"); }
    }
}

/// <summary>One run's checkpoint: the files of its results directory and its key there.</summary>
public sealed record RunCheckpoint(CheckpointFiles Files, string Key);
