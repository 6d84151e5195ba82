namespace SimplicityBias.Dynamics.Network;

/// <summary>
/// The frozen activation pattern of the Filippov integrator: m x n entries 0 or 1 (neuron-major, index j*n + k),
/// packed 32 samples to a word in the tiled kernel's layout (word j * ceil(n/32) + k/32, bit k % 32; padded
/// neurons and samples 0). The tiled kernel then reads m n / 8 bytes per evaluation instead of 8 m n: at
/// n = 20,000, m = 100, 250 KB instead of 16 MB, the difference between a kernel bound by memory and one bound
/// by arithmetic. The portable kernel gets the pattern expanded to doubles on demand.
/// </summary>
internal sealed class ActivationMask
{
    readonly int _m, _n, _chunks;
    readonly uint[] _bits;
    double[]? _doubles; // scratch of ToDoubles, allocated on first use (portable kernel only)

    /// <param name="m">Neurons.</param>
    /// <param name="n">Samples.</param>
    /// <param name="paddedNeurons">Rows of the packed form (the tiled kernel pads m to a multiple of 4).</param>
    public ActivationMask(int m, int n, int paddedNeurons)
    {
        _m = m; _n = n;
        _chunks = (n + 31) / 32;
        _bits = new uint[Math.Max(m, paddedNeurons) * _chunks];
    }

    /// <summary>Counts the changes to the pattern, so a consumer that follows it (<see cref="BlockField"/>) sees at once whether it changed.</summary>
    public long Version { get; private set; }

    /// <summary>Entry j*n + k: 1 where the pair counts as active, 0 where not.</summary>
    public double this[int index]
    {
        get => (_bits[index / _n * _chunks + index % _n / 32] >> (index % _n % 32) & 1u) != 0 ? 1.0 : 0.0;
        set => Set(index / _n, index % _n, value != 0);
    }

    /// <summary>Whether pair (j, k) is active.</summary>
    public bool IsOn(int j, int k) => (_bits[j * _chunks + k / 32] >> (k % 32) & 1u) != 0;

    /// <summary>The 32 pattern bits of neuron j for samples k0..k0+31 (k0 a multiple of 32; bits past n are 0).</summary>
    public uint Word(int j, int k0) => _bits[j * _chunks + k0 / 32];

    /// <summary>Sets pair (j, k) active or not.</summary>
    public void Set(int j, int k, bool on)
    {
        ref uint w = ref _bits[j * _chunks + k / 32];
        uint bit = 1u << (k % 32);
        w = on ? w | bit : w & ~bit;
        Version++;
    }

    /// <summary>Turns entry j*n + k (a flip of the pair's side; flips are involutions).</summary>
    public void Flip(int index)
    {
        _bits[index / _n * _chunks + index % _n / 32] ^= 1u << (index % _n % 32);
        Version++;
    }

    /// <summary>Marks every pair of neuron j inactive.</summary>
    public void ClearNeuron(int j)
    {
        Array.Clear(_bits, j * _chunks, _chunks);
        Version++;
    }

    /// <summary>The pattern as m x n doubles, for the portable kernel (a buffer reused and overwritten by the next call).</summary>
    public ReadOnlySpan<double> ToDoubles()
    {
        _doubles ??= new double[_m * _n];
        for (int j = 0, i = 0; j < _m; j++)
            for (int k = 0; k < _n; k++, i++) _doubles[i] = IsOn(j, k) ? 1.0 : 0.0;
        return _doubles;
    }

    /// <summary>Sets the pattern to 1[z &gt; 0] from the signs (same packed layout: the words are copied).</summary>
    public void SetFromSigns(SignPattern signs)
    {
        if (signs.Positive.Length != _bits.Length) throw new ArgumentException($"sign pattern has {signs.Positive.Length} words, expected {_bits.Length}", nameof(signs));
        CopyFrom(signs.Positive);
    }

    /// <summary>Copies the packed bits into <paramref name="destination"/> (length <see cref="Bits"/>.Length), to restore them later.</summary>
    public void CopyTo(uint[] destination) => _bits.CopyTo(destination, 0);

    /// <summary>Restores the packed bits from a copy made by <see cref="CopyTo"/>.</summary>
    public void CopyFrom(ReadOnlySpan<uint> source)
    {
        source.CopyTo(_bits);
        Version++;
    }

    /// <summary>The packed bits in the tiled kernel's layout.</summary>
    public ReadOnlySpan<uint> Bits => _bits;
}
