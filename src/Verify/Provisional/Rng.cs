namespace SimplicityBias.Verify.Provisional;

/// <summary>
/// xoshiro256** seeded through SplitMix64, with Gaussian draws by the polar method.
/// Bit-for-bit the same on every machine and .NET version (System.Random promises less).
/// TODO: replace by the Theory module's random source once it exists, if it offers one.
/// </summary>
internal sealed class Rng
{
    private ulong s0, s1, s2, s3;
    private double spare;
    private bool hasSpare;

    /// <summary>Independent streams: the same seed with different stream labels gives unrelated sequences.</summary>
    public Rng(long seed, ulong stream)
    {
        ulong x = unchecked((ulong)seed * 0x9E3779B97F4A7C15UL ^ stream * 0xD1B54A32D192ED03UL);
        s0 = SplitMix(ref x); s1 = SplitMix(ref x); s2 = SplitMix(ref x); s3 = SplitMix(ref x);
    }

    /// <summary>Stream labels used by the runs.</summary>
    public static class Streams
    {
        public const ulong Train = 1, Test = 2, Init = 3, Teacher = 4, Extremal = 5, Population = 6;
    }

    private static ulong SplitMix(ref ulong x)
    {
        ulong z = unchecked(x += 0x9E3779B97F4A7C15UL);
        z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
        z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
        return z ^ (z >> 31);
    }

    public ulong NextUInt64()
    {
        ulong result = unchecked(BitOperations.RotateLeft(s1 * 5, 7) * 9);
        ulong t = s1 << 17;
        s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3; s2 ^= t;
        s3 = BitOperations.RotateLeft(s3, 45);
        return result;
    }

    /// <summary>Uniform in [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Standard normal.</summary>
    public double NextGaussian()
    {
        if (hasSpare) { hasSpare = false; return spare; }
        double u, v, q;
        do
        {
            u = 2 * NextDouble() - 1;
            v = 2 * NextDouble() - 1;
            q = u * u + v * v;
        } while (q >= 1 || q == 0);
        double f = Math.Sqrt(-2 * Math.Log(q) / q);
        spare = v * f;
        hasSpare = true;
        return u * f;
    }

    /// <summary>+1 or -1 with probability 1/2 each.</summary>
    public int NextSign() => (NextUInt64() >> 63) == 0 ? 1 : -1;
}

file static class BitOperations
{
    public static ulong RotateLeft(ulong x, int k) => System.Numerics.BitOperations.RotateLeft(x, k);
}
