using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using SimplicityBias.Dynamics.Network.Lanes;

namespace SimplicityBias.Dynamics.Network;

/// <summary>
/// The pairs one step's motion carries onto their hyperplanes: for chosen neurons j, the samples k with
/// z dz &lt; 0 and |z| &lt;= h |dz|, where z = &lt;w_j, x_k&gt; and dz = &lt;dw_j/dt, x_k&gt;. One pass over the inputs
/// serves all the neurons: blocks of samples small enough for L1 are reused across neurons, and a register tile
/// holds z and dz of 2 neurons for 32 samples (the gradient kernel's forward product with the field as second
/// weight row). Scanning neuron by neuron would stream the inputs once per neuron, which costs more wall time than
/// the evaluations the junction selection saves (bench/RESULTS.md, appendix, "Junctions within one step's motion"). z and dz are fused multiply-add chains over
/// the features from 0, like <see cref="SignPattern.PreActivation"/>: the same bits on any vector width.
/// </summary>
internal sealed class ReachScan
{
    const int Chunk = 32;   // samples per register tile (4 vectors of 8)
    const int Block = 512;  // samples per block: d x 512 doubles stay in L1 for small d

    readonly Dataset _data;
    readonly int _n, _d;
    double[] _rows = Array.Empty<double>(); // per chosen neuron (padded to even): w_j then dw_j/dt, d each
    List<int>[] _found = Array.Empty<List<int>>();
    int _count;

    public ReachScan(Dataset data)
    {
        _data = data; _n = data.N; _d = data.D;
    }

    /// <summary>The samples found for the s-th neuron of the last <see cref="Scan"/>, increasing.</summary>
    public List<int> Found(int s) => _found[s];

    /// <summary>
    /// Scans neurons[0..count) of the state theta (layout a_j, w_j) with the field f (same layout) over a step of
    /// size h; the samples found for the s-th neuron are in <see cref="Found"/>(s).
    /// </summary>
    public unsafe void Scan(ReadOnlySpan<int> neurons, double[] theta, double[] f, double h)
    {
        int d = _d, n = _n, stride = d + 1, count = neurons.Length, pairs = (count + 1) / 2;
        if (_rows.Length < 4 * pairs * d) _rows = new double[8 * pairs * d];
        if (_found.Length < 2 * pairs)
        {
            var grown = new List<int>[4 * pairs];
            for (int s = 0; s < grown.Length; s++) grown[s] = s < _found.Length ? _found[s] : new List<int>();
            _found = grown;
        }
        _count = count;
        for (int s = 0; s < 2 * pairs; s++)
        {
            _found[s].Clear();
            int j = neurons[Math.Min(s, count - 1)]; // an odd count repeats the last neuron; its finds are dropped
            for (int i = 0; i < d; i++)
            {
                _rows[(2 * s) * d + i] = theta[j * stride + 1 + i];
                _rows[(2 * s + 1) * d + i] = f[j * stride + 1 + i];
            }
        }
        fixed (double* xt = _data.XT, rows = _rows)
        {
            // Same bits on every width (lane-wise fused chains); without 256-bit FMA hardware every sample takes
            // the scalar path below.
            int full = Vector512.IsHardwareAccelerated ? ScanTiles<Lanes512>(xt, rows, pairs, h)
                : Vector256.IsHardwareAccelerated && Fma.IsSupported ? ScanTiles<Lanes256>(xt, rows, pairs, h)
                : 0;
            for (int k = full; k < n; k++)
                for (int s = 0; s < count; s++)
                {
                    double* w = rows + 2 * s * d, v = w + d;
                    double z = 0, dz = 0;
                    for (int i = 0; i < d; i++)
                    {
                        double x = xt[(long)i * n + k];
                        z = Math.FusedMultiplyAdd(w[i], x, z);
                        dz = Math.FusedMultiplyAdd(v[i], x, dz);
                    }
                    if (z * dz < 0 && Math.Abs(z) <= h * Math.Abs(dz)) _found[s].Add(k);
                }
        }
    }

    /// <summary>The full chunks of 32 samples, block by block; returns the first sample left to the scalar path.</summary>
    unsafe int ScanTiles<V>(double* xt, double* rows, int pairs, double h) where V : struct, ILanes<V>
    {
        int n = _n, d = _d, full = n / Chunk * Chunk;
        var hv = V.Create(h);
        for (int k0 = 0; k0 < full; k0 += Block)
        {
            int kEnd = Math.Min(k0 + Block, full);
            for (int p = 0; p < pairs; p++)
                for (int kc = k0; kc < kEnd; kc += Chunk)
                    Tile(xt + kc, n, rows + 4 * p * d, hv, 2 * p, kc);
        }
        return full;
    }

    /// <summary>z and dz of neurons s and s + 1 for samples kc..kc+32; records those within reach.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    unsafe void Tile<V>(double* x, int ldx, double* rows, V h, int s, int kc) where V : struct, ILanes<V>
    {
        int d = _d;
        double* w0 = rows, f0 = rows + d, w1 = rows + 2 * d, f1 = rows + 3 * d;
        V z00 = default, z01 = default, z02 = default, z03 = default,
            v00 = default, v01 = default, v02 = default, v03 = default,
            z10 = default, z11 = default, z12 = default, z13 = default,
            v10 = default, v11 = default, v12 = default, v13 = default;
        for (int i = 0; i < d; i++, x += ldx)
        {
            var x0 = V.Load(x); var x1 = V.Load(x + 8);
            var x2 = V.Load(x + 16); var x3 = V.Load(x + 24);
            var c = V.Create(w0[i]);
            z00 = V.Fma(c, x0, z00); z01 = V.Fma(c, x1, z01);
            z02 = V.Fma(c, x2, z02); z03 = V.Fma(c, x3, z03);
            c = V.Create(f0[i]);
            v00 = V.Fma(c, x0, v00); v01 = V.Fma(c, x1, v01);
            v02 = V.Fma(c, x2, v02); v03 = V.Fma(c, x3, v03);
            c = V.Create(w1[i]);
            z10 = V.Fma(c, x0, z10); z11 = V.Fma(c, x1, z11);
            z12 = V.Fma(c, x2, z12); z13 = V.Fma(c, x3, z13);
            c = V.Create(f1[i]);
            v10 = V.Fma(c, x0, v10); v11 = V.Fma(c, x1, v11);
            v12 = V.Fma(c, x2, v12); v13 = V.Fma(c, x3, v13);
        }
        uint b0 = V.WithinReach(z00, v00, h) | V.WithinReach(z01, v01, h) << 8 | V.WithinReach(z02, v02, h) << 16 | V.WithinReach(z03, v03, h) << 24;
        if (b0 != 0) Record(s, kc, b0);
        if (s + 1 >= _count) return;
        uint b1 = V.WithinReach(z10, v10, h) | V.WithinReach(z11, v11, h) << 8 | V.WithinReach(z12, v12, h) << 16 | V.WithinReach(z13, v13, h) << 24;
        if (b1 != 0) Record(s + 1, kc, b1);
    }

    void Record(int s, int kc, uint bits)
    {
        var list = _found[s];
        while (bits != 0)
        {
            list.Add(kc + System.Numerics.BitOperations.TrailingZeroCount(bits));
            bits &= bits - 1;
        }
    }
}
