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
        // The register tile's four weight rows: w_s, dw_s/dt, w_s+1, dw_s+1/dt.
        double* w0 = rows, f0 = w0 + d, w1 = f0 + d, f1 = w1 + d;
        RegisterTile.Compute(w0, f0, w1, f1, x, ldx, d,
            out V z00, out V z01, out V z02, out V z03, out V v00, out V v01, out V v02, out V v03,
            out V z10, out V z11, out V z12, out V z13, out V v10, out V v11, out V v12, out V v13);
        // Both masks before a list may grow: no vector is then live across a call, which would make the JIT spill
        // the accumulators inside the feature loop.
        uint b0 = V.WithinReach(z00, v00, h) | V.WithinReach(z01, v01, h) << 8 | V.WithinReach(z02, v02, h) << 16 | V.WithinReach(z03, v03, h) << 24;
        uint b1 = V.WithinReach(z10, v10, h) | V.WithinReach(z11, v11, h) << 8 | V.WithinReach(z12, v12, h) << 16 | V.WithinReach(z13, v13, h) << 24;
        if (b0 != 0) Record(s, kc, b0);
        if (b1 != 0 && s + 1 < _count) Record(s + 1, kc, b1); // an odd count's last row pair repeats a neuron
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
