namespace SimplicityBias.Theory.Numerics;

/// <summary>
/// The project's random number generator: xoshiro256** (Blackman and Vigna) seeded through
/// SplitMix64. Its bits depend only on the seed and the stream number, never on the .NET
/// version or platform: uniforms use the top 53 bits of the 64-bit output, Gaussians use the
/// Marsaglia polar method with <see cref="DeterministicMath.Log"/> (only +, *, / and sqrt, which
/// IEEE 754 rounds exactly). Not thread-safe: one instance per stream.
/// </summary>
public sealed class Rng
{
    private ulong _s0, _s1, _s2, _s3;
    private double _spareGaussian;
    private bool _hasSpare;

    /// <summary>A generator for stream 0 of <paramref name="seed"/>.</summary>
    public Rng(long seed) : this(seed, 0) { }

    /// <summary>
    /// A generator for stream <paramref name="stream"/> of <paramref name="seed"/>. Different
    /// streams of one seed are treated as independent (the state is SplitMix64 of a mix of both).
    /// </summary>
    public Rng(long seed, ulong stream)
    {
        ulong sm = Mix64(unchecked((ulong)seed) ^ Mix64(stream + 0x632BE59BD9B4E019UL));
        _s0 = SplitMix64(ref sm);
        _s1 = SplitMix64(ref sm);
        _s2 = SplitMix64(ref sm);
        _s3 = SplitMix64(ref sm);
        if ((_s0 | _s1 | _s2 | _s3) == 0) _s0 = 1; // the all-zero state is a fixed point
    }

    /// <summary>A generator with an explicit raw state (for checks against the published reference outputs).</summary>
    internal static Rng FromState(ulong s0, ulong s1, ulong s2, ulong s3)
    {
        var r = new Rng(0);
        r._s0 = s0; r._s1 = s1; r._s2 = s2; r._s3 = s3;
        return r;
    }

    /// <summary>The SplitMix64 step: advances <paramref name="state"/> and returns a mixed output.</summary>
    public static ulong SplitMix64(ref ulong state)
    {
        state = unchecked(state + 0x9E3779B97F4A7C15UL);
        return Mix64(state);
    }

    /// <summary>The SplitMix64 finaliser (a bijective 64-bit mixer).</summary>
    public static ulong Mix64(ulong z)
    {
        unchecked
        {
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return z ^ (z >> 31);
        }
    }

    /// <summary>The next 64 raw bits (xoshiro256**).</summary>
    public ulong NextUInt64()
    {
        unchecked
        {
            ulong result = RotateLeft(_s1 * 5, 7) * 9;
            ulong t = _s1 << 17;
            _s2 ^= _s0;
            _s3 ^= _s1;
            _s1 ^= _s2;
            _s0 ^= _s3;
            _s2 ^= t;
            _s3 = RotateLeft(_s3, 45);
            return result;
        }
    }

    private static ulong RotateLeft(ulong x, int k) => (x << k) | (x >> (64 - k));

    /// <summary>A uniform double in [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / 9007199254740992.0);

    /// <summary>A uniform double in (0, 1): never 0, so safe under a logarithm.</summary>
    public double NextOpenDouble() => ((NextUInt64() >> 12) + 0.5) * (1.0 / 4503599627370496.0);

    /// <summary>A uniform integer in [0, <paramref name="bound"/>) without modulo bias (Lemire's method).</summary>
    public int NextInt(int bound)
    {
        if (bound <= 0) throw new ArgumentException($"bound must be > 0, got {bound}", nameof(bound));
        ulong b = (ulong)bound;
        UInt128 m = (UInt128)NextUInt64() * b;
        ulong low = (ulong)m;
        if (low < b)
        {
            ulong threshold = unchecked(0UL - b) % b;
            while (low < threshold)
            {
                m = (UInt128)NextUInt64() * b;
                low = (ulong)m;
            }
        }
        return (int)(m >> 64);
    }

    /// <summary>+1 or -1 with probability 1/2 each.</summary>
    public double NextSign() => (NextUInt64() >> 63) == 0 ? 1.0 : -1.0;

    /// <summary>A standard normal N(0, 1) draw (Marsaglia polar method; pairs are cached).</summary>
    public double NextGaussian()
    {
        if (_hasSpare)
        {
            _hasSpare = false;
            return _spareGaussian;
        }
        double u, v, s;
        do
        {
            u = 2.0 * NextDouble() - 1.0;
            v = 2.0 * NextDouble() - 1.0;
            s = u * u + v * v;
        } while (s >= 1.0 || s == 0.0);
        double f = Math.Sqrt(-2.0 * DeterministicMath.Log(s) / s);
        _spareGaussian = v * f;
        _hasSpare = true;
        return u * f;
    }

    /// <summary>Fills <paramref name="dest"/> with i.i.d. standard normal draws.</summary>
    public void FillGaussian(Span<double> dest)
    {
        for (int i = 0; i < dest.Length; i++) dest[i] = NextGaussian();
    }

    /// <summary>A uniform direction on the unit sphere of R^d, written into <paramref name="dest"/>.</summary>
    public void NextUnitVector(Span<double> dest)
    {
        while (true)
        {
            FillGaussian(dest);
            double s = 0;
            for (int i = 0; i < dest.Length; i++) s += dest[i] * dest[i];
            if (s > 1e-300)
            {
                double inv = 1.0 / Math.Sqrt(s);
                for (int i = 0; i < dest.Length; i++) dest[i] *= inv;
                return;
            }
        }
    }
}
