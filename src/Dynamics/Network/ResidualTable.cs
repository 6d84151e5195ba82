namespace SimplicityBias.Dynamics.Network;

/// <summary>
/// The residuals r_k = sum_j M_jk a_j &lt;w_j, x_k&gt; - y_k of one evaluation of the frozen-pattern field, read by
/// sample. After the direct kernel they are its n values. After the grouped form (whose cost must not grow with n)
/// they are computed on demand from the state and the pattern of that evaluation, which the table keeps: the
/// integrator reads them only at the few samples of crossings, sliding pairs and junctions. Both give r_k to
/// rounding; the summation orders differ.
/// </summary>
internal sealed class ResidualTable
{
    readonly Dataset _data;
    readonly int _m, _d, _n, _chunks;
    double[]? _dense;             // the kernel's (or a copy of them)
    double[] _ownDense = Array.Empty<double>();
    double[] _theta = Array.Empty<double>();
    uint[] _mask = Array.Empty<uint>();
    double[] _cache = Array.Empty<double>();
    long[] _stamp = Array.Empty<long>();
    long _version;

    /// <summary>Residuals computed on demand so far.</summary>
    public long Computed { get; private set; }

    public ResidualTable(Dataset data, int m)
    {
        _data = data; _m = m; _d = data.D; _n = data.N; _chunks = (_n + 31) / 32;
    }

    /// <summary>r_k.</summary>
    public double this[int k] => _dense is not null ? _dense[k] : Lazy(k);

    /// <summary>The residuals are the kernel's array (read live: the kernel's next evaluation overwrites them).</summary>
    public void UseKernel(double[] residuals) => _dense = residuals;

    /// <summary>The residuals are those of the state theta with the pattern <paramref name="mask"/>, computed when read.</summary>
    public void Capture(ReadOnlySpan<double> theta, ActivationMask mask)
    {
        _dense = null;
        if (_theta.Length != theta.Length) _theta = new double[theta.Length];
        theta.CopyTo(_theta);
        var bits = mask.Bits;
        if (_mask.Length != bits.Length) _mask = new uint[bits.Length];
        bits.CopyTo(_mask);
        NewVersion();
    }

    /// <summary>Makes this table hold the same residuals as <paramref name="other"/>, kept when the other changes.</summary>
    public void CopyFrom(ResidualTable other)
    {
        if (other._dense is not null)
        {
            if (_ownDense.Length != _n) _ownDense = new double[_n];
            Array.Copy(other._dense, _ownDense, _n);
            _dense = _ownDense;
            return;
        }
        _dense = null;
        if (_theta.Length != other._theta.Length) _theta = new double[other._theta.Length];
        Array.Copy(other._theta, _theta, _theta.Length);
        if (_mask.Length != other._mask.Length) _mask = new uint[other._mask.Length];
        Array.Copy(other._mask, _mask, _mask.Length);
        NewVersion();
    }

    void NewVersion()
    {
        if (_cache.Length != _n) { _cache = new double[_n]; _stamp = new long[_n]; }
        _version++;
    }

    double Lazy(int k)
    {
        if (_stamp[k] == _version) return _cache[k];
        var x = _data.Row(k);
        int stride = _d + 1, word = k / 32;
        uint bit = 1u << (k % 32);
        double r = 0;
        for (int j = 0; j < _m; j++)
        {
            if ((_mask[j * _chunks + word] & bit) == 0) continue;
            r += _theta[j * stride] * SignPattern.PreActivation(_theta.AsSpan(j * stride + 1, _d), x);
        }
        r -= _data.Y[k];
        _cache[k] = r;
        _stamp[k] = _version;
        Computed++;
        return r;
    }
}
