using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace SimplicityBias.Dynamics.Network;

/// <summary>
/// The loss and gradient of the frozen-pattern loss in block form, at a cost that does not depend on n
/// (docs/THEORY.md section 12). With the pattern M frozen, the data enter only through
///   G_ij = sum_k M_ik M_jk x_k x_k'  (d x d, symmetric, G_ij = G_ji),  b_j = sum_k M_jk y_k x_k,  c = sum_k y_k^2,
/// and with u_i = a_i w_i and v_j = sum_i G_ji u_i - b_j:
///   grad_{w_j} L = (a_j / n) v_j,  grad_{a_j} L = (1/n) &lt;w_j, v_j&gt;,  L = (1/2n) (sum_j &lt;u_j, v_j - b_j&gt; + c).
/// One evaluation costs about m^2 d^2 flops (pairs that share no active sample are skipped) instead of 4 n m d.
/// The blocks follow the pattern lazily: before an evaluation the pattern is compared word by word with the one
/// the blocks hold, and each pair that changed adds or removes x_k x_k' in the blocks of its neuron with every
/// neuron active at k (O(m d^2) a pair). A block that has taken as many updates as it holds terms is summed
/// again from scratch, so its rounding error stays within twice that of a fresh sum.
/// Exact to rounding, but the loss is a difference of large terms where L is much smaller than c / 2n
/// (near interpolation): callers that need the loss or the residuals there use the direct kernel.
/// Deterministic on every machine: products and sums are separate roundings in a fixed order, and the vector
/// path only spreads independent rows over lanes.
/// </summary>
internal sealed partial class BlockField
{
    readonly Dataset _data;
    readonly int _m, _d, _n, _chunks, _ds, _dd; // _ds: d rounded up to 4, the row stride of a block; _dd = _ds^2
    readonly double[] _g;          // block (i, j), i <= j, at PairIndex(i, j) * d^2, row-major
    readonly int[] _terms;         // samples active for both neurons of a block
    readonly int[] _updates;       // updates a block has taken since it was last summed from scratch
    readonly double[] _b;          // m x d
    readonly double _c;
    readonly uint[] _built;        // the pattern the blocks hold (the mask's packed layout)
    readonly double[] _u, _v;
    readonly List<int> _stale = new();
    readonly int _packed;          // d (d + 1) / 2: the upper triangle of a block
    readonly double[] _acc, _rowProduct;
    double[] _products = new double[64];
    int[] _words = new int[16], _signs = new int[16], _passing = new int[16];
    uint[] _bitMasks = new uint[16];
    readonly List<int> _changed = new();
    readonly int[] _shared;        // the samples of one block being summed from scratch
    double[]? _table;              // x_k x_k' packed, for every sample, where it fits in MaxTableBytes
    const double MaxTableBytes = 512e6; // the pairs of one neuron that changed: k turned on, ~k turned off
    readonly bool[] _isStale;
    long _builtVersion = -1;

    /// <summary>Pairs whose side changed and were folded into the blocks.</summary>
    public long PairUpdates { get; private set; }
    /// <summary>Blocks summed again from scratch (the initial build counts every block).</summary>
    public long BlockRebuilds { get; private set; }
    /// <summary>Evaluations.</summary>
    public long Evaluations { get; private set; }

    public BlockField(Dataset data, int m, int maskWords)
    {
        _data = data; _m = m; _d = data.D; _n = data.N; _ds = (_d + 3) / 4 * 4; _dd = _ds * _ds;
        _chunks = (_n + 31) / 32;
        int pairs = m * (m + 1) / 2;
        _g = new double[(long)pairs * _dd <= int.MaxValue ? pairs * _dd : throw new ArgumentException($"m = {m}, d = {_d}: the blocks need {(long)pairs * _dd} doubles, more than one array holds", nameof(m))];
        _terms = new int[pairs];
        _updates = new int[pairs];
        _b = new double[m * _d];
        _built = new uint[maskWords];
        _u = new double[m * _ds];
        _v = new double[m * _ds];
        _isStale = new bool[pairs];
        _packed = _d * (_d + 1) / 2;
        _acc = new double[_packed];
        _rowProduct = new double[_packed];
        _shared = new int[_n];
        double c = 0;
        foreach (double y in data.Y) c += y * y;
        _c = c;
    }

    /// <summary>Bytes held by the blocks.</summary>
    public long Bytes => 8L * (_g.Length + _b.Length) + 8L * _terms.Length;

    /// <summary>Index of block (i, j) with i &lt;= j among the upper triangle, row by row.</summary>
    int PairIndex(int i, int j) => i * _m - i * (i - 1) / 2 + (j - i);

    /// <summary>
    /// The floating-point operations of one evaluation with the current pattern (for the automatic choice):
    /// two d x d products for each block with shared samples.
    /// </summary>
    public double FlopsPerEvaluation()
    {
        long live = 0;
        if (_builtVersion < 0) live = _terms.Length;
        else foreach (int t in _terms) if (t > 0) live++;
        return 2.0 * live * _d * _d + 4.0 * _m * _d;
    }

    /// <summary>Brings the blocks to the pattern <paramref name="mask"/> (only the pairs that changed).</summary>
    public void Sync(ActivationMask mask)
    {
        if (mask.Version == _builtVersion) return;
        var bits = mask.Bits;
        if (_builtVersion < 0)
        {
            bits.CopyTo(_built);
            _builtVersion = mask.Version;
            RebuildAll();
            return;
        }
        _builtVersion = mask.Version;
        long changed = 0;
        for (int w = 0; w < _built.Length; w++) changed += BitOperations.PopCount(bits[w] ^ _built[w]);
        // Folding a pair in costs about m/2 packed blocks, a fresh sum about n m^2 / 8 of them.
        if (changed >= (long)_n * _m / 4)
        {
            bits.CopyTo(_built);
            RebuildAll();
            return;
        }
        for (int j = 0; j < _m; j++)
        {
            int row = j * _chunks;
            _changed.Clear();
            for (int c = 0; c < _chunks; c++)
            {
                uint diff = bits[row + c] ^ _built[row + c];
                while (diff != 0)
                {
                    int bit = BitOperations.TrailingZeroCount(diff);
                    diff &= diff - 1;
                    _changed.Add((bits[row + c] >> bit & 1u) != 0 ? c * 32 + bit : ~(c * 32 + bit));
                }
            }
            if (_changed.Count == 0) continue;
            ApplyChanges(j);
            bits.Slice(row, _chunks).CopyTo(_built.AsSpan(row, _chunks));
        }
        foreach (int p in _stale) { _isStale[p] = false; RebuildPair(p); }
        _stale.Clear();
    }

    /// <summary>Sums every block again from the pattern they hold (the first build, and a pattern that changed by a quarter).</summary>
    public void RebuildAll()
    {
        if (_table is null && (double)_n * _packed * 8 <= MaxTableBytes)
        {
            // x_k x_k' of every sample once, rather than once per block that holds it.
            _table = new double[_n * _packed];
            for (int k = 0; k < _n; k++) PackOuter(_data.Row(k), 1, _table.AsSpan(k * _packed, _packed));
        }
        for (int i = 0; i < _m; i++)
        {
            RebuildB(i);
            for (int j = i; j < _m; j++) Rebuild(i, j);
        }
        foreach (int p in _stale) _isStale[p] = false;
        _stale.Clear();
    }


    /// <summary>
    /// Folds the changed pairs of neuron j (<see cref="_changed"/>: k turned on, ~k turned off) into b_j and into
    /// its blocks. The products x_k x_k' (upper triangle, signed) are formed once per pair; each partner's block then
    /// takes their sum over the pairs at which the partner is on, accumulated in a packed scratch and added once,
    /// so a block is read and written once per neuron and step: a late-phase step crosses thousands of hyperplanes.
    /// </summary>
    void ApplyChanges(int j)
    {
        int count = _changed.Count, dp = _packed;
        PairUpdates += count;
        if (_products.Length < count * dp) _products = new double[Math.Max(count * dp, 2 * _products.Length)];
        if (_words.Length < count) { _words = new int[Math.Max(count, 2 * _words.Length)]; _bitMasks = new uint[_words.Length]; _signs = new int[_words.Length]; _passing = new int[_words.Length]; }
        var bj = _b.AsSpan(j * _d, _d);
        for (int e = 0; e < count; e++)
        {
            int code = _changed[e], k = code >= 0 ? code : ~code, sign = code >= 0 ? 1 : -1;
            _words[e] = k >> 5; _bitMasks[e] = 1u << (k & 31); _signs[e] = sign;
            var x = _data.Row(k);
            double sy = sign * _data.Y[k];
            for (int r = 0; r < _d; r++) bj[r] += sy * x[r];
            PackOuter(x, sign, _products.AsSpan(e * dp, dp));
        }
        var acc = _acc.AsSpan(0, dp);
        for (int i = 0; i < _m; i++)
        {
            int p = i <= j ? PairIndex(i, j) : PairIndex(j, i), terms = _terms[p], added = 0, row = i * _chunks;
            for (int e = 0; e < count; e++)
            {
                // The diagonal block holds k exactly when (j, k) is on; another holds it when i is on at k too.
                if (i != j && (_built[row + _words[e]] & _bitMasks[e]) == 0) continue;
                _passing[added++] = e;
                terms += _signs[e];
            }
            if (added == 0) continue;
            SumProducts(_products, _passing, added, acc);
            Unpack(acc, _g.AsSpan(p * _dd, _dd));
            _terms[p] = terms;
            _updates[p] += added;
            // Rounding grows with the updates a block takes: past four times its terms, sum it afresh, which
            // keeps its error within five times the worst case of a fresh sum.
            if (_updates[p] >= 4 * terms + 256 && !_isStale[p]) { _isStale[p] = true; _stale.Add(p); }
        }
    }

    /// <summary>
    /// acc = the sum of the packed products source[index[t]] for t &lt; count, in that order, four elements at a time
    /// held in a register (the scalar tail rounds the same way).
    /// </summary>
    void SumProducts(double[] source, int[] indices, int passing, Span<double> acc)
    {
        int dp = _packed, c = 0;
        ref double products = ref MemoryMarshal.GetArrayDataReference(source);
        ref int index = ref MemoryMarshal.GetArrayDataReference(indices);
        if (Vector256.IsHardwareAccelerated)
            for (; c + 4 <= dp; c += 4)
            {
                var sum = Vector256<double>.Zero;
                for (int t = 0; t < passing; t++)
                    sum = Vector256.Add(sum, Vector256.LoadUnsafe(ref products, (nuint)(Unsafe.Add(ref index, t) * dp + c)));
                sum.CopyTo(acc.Slice(c, 4));
            }
        for (; c < dp; c++)
        {
            double sum = 0;
            for (int t = 0; t < passing; t++) sum += Unsafe.Add(ref products, Unsafe.Add(ref index, t) * dp + c);
            acc[c] = sum;
        }
    }

    /// <summary>The upper triangle of sign x x', row by row.</summary>
    void PackOuter(ReadOnlySpan<double> x, int sign, Span<double> packed)
    {
        int e = 0;
        for (int r = 0; r < _d; r++)
        {
            double c = sign * x[r];
            for (int q = r; q < _d; q++) packed[e++] = c * x[q];
        }
    }

    /// <summary>acc += v, element by element (the vector path only spreads elements over lanes).</summary>
    static void AddTo(Span<double> acc, ReadOnlySpan<double> v)
    {
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
            for (; i + 4 <= acc.Length; i += 4)
                Vector256.Add(Vector256.Create(acc.Slice(i, 4)), Vector256.Create(v.Slice(i, 4))).CopyTo(acc.Slice(i, 4));
        for (; i < acc.Length; i++) acc[i] += v[i];
    }

    /// <summary>Adds a packed upper triangle to a full symmetric block (both halves get the same value, so it stays symmetric to the bit).</summary>
    void Unpack(ReadOnlySpan<double> packed, Span<double> g)
    {
        int e = 0;
        for (int r = 0; r < _d; r++)
        {
            g[r * _ds + r] += packed[e++];
            for (int q = r + 1; q < _d; q++, e++)
            {
                g[r * _ds + q] += packed[e];
                g[q * _ds + r] += packed[e];
            }
        }
    }

    void RebuildPair(int p)
    {
        int i = 0;
        while (PairIndex(i, _m - 1) < p) i++;
        Rebuild(i, i + p - PairIndex(i, i));
    }

    /// <summary>G_ij summed from scratch over the samples active for both in the pattern the blocks hold.</summary>
    void Rebuild(int i, int j)
    {
        BlockRebuilds++;
        int p = PairIndex(i, j);
        var g = _g.AsSpan(p * _dd, _dd);
        g.Clear();
        var acc = _acc.AsSpan(0, _packed);
        int terms = 0;
        int ri = i * _chunks, rj = j * _chunks;
        for (int c = 0; c < _chunks; c++)
        {
            uint both = _built[ri + c] & _built[rj + c];
            while (both != 0)
            {
                _shared[terms++] = c * 32 + BitOperations.TrailingZeroCount(both);
                both &= both - 1;
            }
        }
        if (_table is not null) SumProducts(_table, _shared, terms, acc);
        else
        {
            acc.Clear();
            for (int t = 0; t < terms; t++)
            {
                PackOuter(_data.Row(_shared[t]), 1, _rowProduct);
                AddTo(acc, _rowProduct);
            }
        }
        Unpack(acc, g);
        _terms[p] = terms;
        _updates[p] = 0;
    }

    void RebuildB(int j)
    {
        var b = _b.AsSpan(j * _d, _d);
        b.Clear();
        int row = j * _chunks;
        for (int c = 0; c < _chunks; c++)
        {
            uint on = _built[row + c];
            while (on != 0)
            {
                int k = c * 32 + BitOperations.TrailingZeroCount(on);
                on &= on - 1;
                var x = _data.Row(k);
                double y = _data.Y[k];
                for (int r = 0; r < _d; r++) b[r] += y * x[r];
            }
        }
    }
}
