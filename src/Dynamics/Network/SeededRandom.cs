namespace SimplicityBias.Dynamics.Network;

/// <summary>
/// A small, fully specified pseudo-random generator, so a run is a pure function of its seed on every
/// platform and .NET version (System.Random's algorithm is not part of its contract).
/// Uniform bits: xoshiro256** (Blackman and Vigna), its 256-bit state filled from the seed by SplitMix64.
/// Uniform doubles: the top 53 bits times 2^-53, in [0, 1). Normals: Marsaglia's polar method, which
/// needs only log and sqrt (no sin/cos), the log correctly rounded (<see cref="RoundedLog"/>) so that draws do not
/// depend on the C runtime; the second value of each pair is kept for the next call.
/// </summary>
public sealed class SeededRandom
{
    ulong _s0, _s1, _s2, _s3;
    double _spare;
    bool _hasSpare;

    /// <summary>The seed this generator started from.</summary>
    public ulong Seed { get; }

    /// <summary>Creates a generator whose whole output is determined by <paramref name="seed"/>.</summary>
    public SeededRandom(ulong seed)
    {
        Seed = seed;
        ulong x = seed;
        _s0 = SplitMix64(ref x);
        _s1 = SplitMix64(ref x);
        _s2 = SplitMix64(ref x);
        _s3 = SplitMix64(ref x);
        // SplitMix64 never yields four zeros in a row, but xoshiro must not start from the all-zero state.
        if ((_s0 | _s1 | _s2 | _s3) == 0) _s0 = 1;
    }

    /// <summary>
    /// The generator of stream <paramref name="stream"/> of <paramref name="seed"/>: the streams of one seed (training
    /// set, test set, population sample, teacher, each search) are treated as independent, their starting seed a mix
    /// of both numbers.
    /// </summary>
    public static SeededRandom ForStream(long seed, ulong stream)
        => new(Mix64(unchecked((ulong)seed) ^ Mix64(stream + 0x632BE59BD9B4E019UL)));

    /// <summary>A generator with an explicit raw state (for checks against the published reference outputs).</summary>
    internal static SeededRandom FromState(ulong s0, ulong s1, ulong s2, ulong s3)
    {
        var r = new SeededRandom(0);
        r._s0 = s0; r._s1 = s1; r._s2 = s2; r._s3 = s3;
        return r;
    }

    /// <summary>One step of SplitMix64 (Steele, Lea and Flood): a bijective mixer of a Weyl sequence.</summary>
    public static ulong SplitMix64(ref ulong state) => Mix64(state += 0x9E3779B97F4A7C15UL);

    /// <summary>The SplitMix64 finaliser (a bijective 64-bit mixer); also derives one seed from another.</summary>
    public static ulong Mix64(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>64 uniform random bits (xoshiro256**).</summary>
    public ulong NextUInt64()
    {
        ulong result = ulong.RotateLeft(_s1 * 5, 7) * 9;
        ulong t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = ulong.RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>A uniform double in [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>A uniform double in (0, 1): never 0, so safe under a logarithm.</summary>
    public double NextOpenDouble() => ((NextUInt64() >> 12) + 0.5) * (1.0 / (1UL << 52));

    /// <summary>A uniform double in [lo, hi).</summary>
    public double NextUniform(double lo, double hi) => lo + (hi - lo) * NextDouble();

    /// <summary>+1 or -1 with probability 1/2 each (the top bit of one draw).</summary>
    public int NextSign() => (NextUInt64() >> 63) == 0 ? 1 : -1;

    /// <summary>A uniform integer in [0, n) (rejection sampling, no modulo bias).</summary>
    public int NextInt(int n)
    {
        if (n < 1) throw new ArgumentException($"n must be >= 1, got {n}", nameof(n));
        ulong bound = (ulong)n;
        ulong limit = ulong.MaxValue - ulong.MaxValue % bound;
        ulong u;
        do u = NextUInt64(); while (u >= limit);
        return (int)(u % bound);
    }

    /// <summary>A standard normal N(0, 1) draw (Marsaglia polar method).</summary>
    public double NextGaussian()
    {
        if (_hasSpare) { _hasSpare = false; return _spare; }
        (double first, _spare) = PolarPair(RoundedLog.Log);
        _hasSpare = true;
        return first;
    }

    /// <summary>
    /// Two independent N(0, 1) draws by Marsaglia's polar method, with the given logarithm (the one place the method
    /// is written; the draws' bits depend on which deterministic log a caller gives).
    /// </summary>
    public (double First, double Second) PolarPair(Func<double, double> log)
    {
        double u, v, s;
        do
        {
            u = 2.0 * NextDouble() - 1.0;
            v = 2.0 * NextDouble() - 1.0;
            s = u * u + v * v;
        } while (s >= 1.0 || s == 0.0);
        double f = Math.Sqrt(-2.0 * log(s) / s);
        return (u * f, v * f);
    }

    /// <summary>Fills <paramref name="target"/> with independent N(0, 1) draws, in order.</summary>
    public void FillGaussian(Span<double> target)
    {
        for (int i = 0; i < target.Length; i++) target[i] = NextGaussian();
    }
}
