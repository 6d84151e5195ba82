using System.Numerics;
using System.Runtime.Intrinsics;

namespace SimplicityBias.Dynamics.Network;

/// <summary>
/// The activation pattern 1[z_jk &gt; 0] of all neuron/point pairs as a bit set, and the number of pairs whose
/// bit flipped since the last update: the hyperplane crossings of a discrete trajectory.
/// </summary>
public sealed class ActivationSigns
{
    readonly ulong[] _bits;
    bool _initialized;

    /// <summary>Number of pairs tracked (m*n).</summary>
    public int Count { get; }

    /// <summary>Creates an empty pattern for <paramref name="count"/> pairs.</summary>
    public ActivationSigns(int count)
    {
        if (count < 0) throw new ArgumentException($"count must be >= 0, got {count}", nameof(count));
        Count = count;
        _bits = new ulong[(count + 63) / 64];
    }

    /// <summary>
    /// Replaces the pattern by that of <paramref name="z"/> (length <see cref="Count"/>) and returns how many
    /// pairs changed side (0 on the first call, which only sets the pattern).
    /// </summary>
    public long Update(ReadOnlySpan<double> z)
    {
        if (z.Length != Count) throw new ArgumentException($"z has length {z.Length}, expected {Count}", nameof(z));
        long flips = 0;
        int words = Count / 64;
        for (int w = 0; w < words; w++)
        {
            ulong bits = Pack64(z.Slice(w * 64, 64));
            flips += BitOperations.PopCount(bits ^ _bits[w]);
            _bits[w] = bits;
        }
        int rest = Count - words * 64;
        if (rest > 0)
        {
            ulong bits = 0;
            var tail = z.Slice(words * 64);
            for (int i = 0; i < rest; i++) if (tail[i] > 0) bits |= 1UL << i;
            flips += BitOperations.PopCount(bits ^ _bits[words]);
            _bits[words] = bits;
        }
        if (!_initialized) { _initialized = true; return 0; }
        return flips;
    }

    /// <summary>Whether pair <paramref name="index"/> was active (z &gt; 0) at the last update.</summary>
    public bool IsActive(int index) => (_bits[index >> 6] >> (index & 63) & 1) != 0;

    static ulong Pack64(ReadOnlySpan<double> z)
    {
        if (Vector512.IsHardwareAccelerated)
        {
            ulong bits = 0;
            for (int i = 0; i < 8; i++)
            {
                var v = Vector512.Create(z.Slice(i * 8, 8));
                bits |= Vector512.GreaterThan(v, Vector512<double>.Zero).ExtractMostSignificantBits() << (i * 8);
            }
            return bits;
        }
        if (Vector256.IsHardwareAccelerated)
        {
            ulong bits = 0;
            for (int i = 0; i < 16; i++)
            {
                var v = Vector256.Create(z.Slice(i * 4, 4));
                bits |= (ulong)Vector256.GreaterThan(v, Vector256<double>.Zero).ExtractMostSignificantBits() << (i * 4);
            }
            return bits;
        }
        ulong b = 0;
        for (int i = 0; i < 64; i++) if (z[i] > 0) b |= 1UL << i;
        return b;
    }
}
