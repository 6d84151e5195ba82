using System.Globalization;

namespace SimplicityBias.Verify.Sweeps;

/// <summary>One slice of a sweep: runs whose index i satisfies i mod Count == Index (0-based, as Slurm array ids 0..N-1).</summary>
/// <param name="Index">Which slice, 0 &lt;= Index &lt; Count.</param>
/// <param name="Count">Number of slices.</param>
public readonly record struct Shard(int Index, int Count)
{
    /// <summary>The whole sweep.</summary>
    public static readonly Shard All = new(0, 1);

    /// <summary>Whether this shard is the whole sweep.</summary>
    public bool IsAll => Count == 1;

    /// <summary>Whether the run at <paramref name="runIndex"/> belongs to this shard.</summary>
    public bool Contains(int runIndex) => runIndex % Count == Index;

    /// <summary>Parses "i/N"; throws <see cref="FormatException"/> naming the value.</summary>
    public static Shard Parse(string text)
    {
        var parts = text.Split('/');
        if (parts.Length != 2
            || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var i)
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var n))
            throw new FormatException($"--shard: expected i/N with integers 0 <= i < N, got '{text}'");
        if (n < 1 || i < 0 || i >= n) throw new FormatException($"--shard: expected 0 <= i < N and N >= 1, got '{text}'");
        return new Shard(i, n);
    }

    /// <summary>"i/N".</summary>
    public override string ToString() => $"{Index}/{Count}";
}
