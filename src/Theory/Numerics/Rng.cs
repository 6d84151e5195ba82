using SimplicityBias.Dynamics.Network;

namespace SimplicityBias.Theory.Numerics;

/// <summary>
/// The draws of the data models and the extremal searches: the uniform bits of <see cref="SeededRandom"/> (its
/// stream of a seed, <see cref="SeededRandom.ForStream"/>), with the Gaussians of the Marsaglia polar method on
/// <see cref="DeterministicMath.Log"/> and integers by Lemire's method. Those two are what keeps this class apart
/// from <see cref="SeededRandom"/> (whose Gaussians use the correctly rounded <see cref="RoundedLog"/>): the logs
/// differ in the last bits for about 29% of the draws, so sharing one would change every data set, and with it the
/// committed reports and the reference problem R1 (docs/ARCHITECTURE.md). Not thread-safe: one instance per stream.
/// </summary>
public sealed class Rng
{
    private readonly SeededRandom _bits;
    private double _spareGaussian;
    private bool _hasSpare;

    /// <summary>A generator for stream 0 of <paramref name="seed"/>.</summary>
    public Rng(long seed) : this(seed, 0) { }

    /// <summary>A generator for stream <paramref name="stream"/> of <paramref name="seed"/> (streams of one seed are independent).</summary>
    public Rng(long seed, ulong stream) => _bits = SeededRandom.ForStream(seed, stream);

    /// <summary>The SplitMix64 finaliser (a bijective 64-bit mixer), to derive one seed from another.</summary>
    public static ulong Mix64(ulong z) => SeededRandom.Mix64(z);

    /// <summary>The next 64 raw bits (xoshiro256**).</summary>
    public ulong NextUInt64() => _bits.NextUInt64();

    /// <summary>A uniform double in [0, 1) with 53 random bits.</summary>
    public double NextDouble() => _bits.NextDouble();

    /// <summary>A uniform double in (0, 1): never 0, so safe under a logarithm.</summary>
    public double NextOpenDouble() => _bits.NextOpenDouble();

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
    public double NextSign() => _bits.NextSign();

    /// <summary>A standard normal N(0, 1) draw (Marsaglia polar method; pairs are cached).</summary>
    public double NextGaussian()
    {
        if (_hasSpare)
        {
            _hasSpare = false;
            return _spareGaussian;
        }
        (double first, _spareGaussian) = _bits.PolarPair(DeterministicMath.Log);
        _hasSpare = true;
        return first;
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
