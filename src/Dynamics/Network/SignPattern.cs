using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using SimplicityBias.Dynamics.Network.Lanes;

namespace SimplicityBias.Dynamics.Network;

/// <summary>
/// The signs of the pre-activations z_jk = &lt;w_j, x_k&gt; at one state, packed like <see cref="ActivationMask"/>
/// (word j * ceil(n/32) + k/32, bit k % 32): which pairs have z &gt; 0 (NaN does not). The integrator needs the
/// signs of all m n pairs after every step (to find crossings) but the values of only the few pairs that crossed,
/// are captured or may sit exactly at z = 0; those it recomputes (<see cref="PreActivation"/>). Keeping the
/// signs instead of the m n doubles saves the kernel a 16 MB write at every step's end at n = 20,000, m = 100 (15% of
/// such a run's time went to that copy), and the scans that read it back.
/// </summary>
internal sealed class SignPattern
{
    readonly int _m, _n, _chunks;

    /// <param name="m">Neurons.</param>
    /// <param name="n">Samples.</param>
    /// <param name="paddedNeurons">Rows of the packed form (the tiled kernel writes m padded to a multiple of 4).</param>
    public SignPattern(int m, int n, int paddedNeurons)
    {
        _m = m; _n = n;
        _chunks = (n + 31) / 32;
        int words = Math.Max(m, paddedNeurons) * _chunks;
        Positive = new uint[words];
    }

    /// <summary>Bits of z &gt; 0.</summary>
    public uint[] Positive { get; }

    /// <summary>The 32 bits z &gt; 0 of neuron j for samples k0..k0+31 (k0 a multiple of 32).</summary>
    public uint PositiveWord(int j, int k0) => Positive[j * _chunks + k0 / 32];

    /// <summary>Whether z_jk &gt; 0.</summary>
    public bool IsPositive(int j, int k) => (Positive[j * _chunks + k / 32] >> (k % 32) & 1u) != 0;

    /// <summary>Sets whether z_jk &gt; 0.</summary>
    public void Set(int j, int k, bool positive)
    {
        ref uint word = ref Positive[j * _chunks + k / 32];
        uint bit = 1u << (k % 32);
        word = positive ? word | bit : word & ~bit;
    }

    /// <summary>
    /// z_jk = &lt;w_j, x_k&gt; with the tiled kernel's rounding (a chain of fused multiply-adds from 0, feature by
    /// feature), so a sign recomputed here is the sign the kernel writes.
    /// </summary>
    public static double PreActivation(ReadOnlySpan<double> w, ReadOnlySpan<double> x)
    {
        double s = 0;
        for (int i = 0; i < w.Length; i++) s = Math.FusedMultiplyAdd(w[i], x[i], s);
        return s;
    }

    /// <summary>Recomputes the signs of neuron j with input weights w (8 samples a vector, from the inputs by column).</summary>
    public void SetNeuron(int j, ReadOnlySpan<double> w, Dataset data)
    {
        var xt = data.XT;
        Span<double> z = stackalloc double[32];
        for (int c = 0, k0 = 0; c < _chunks; c++, k0 += 32)
        {
            int end = Math.Min(32, _n - k0), b = 0;
            if (Vector512.IsHardwareAccelerated)
                for (; b + 8 <= end; b += 8)
                {
                    var s = Vector512<double>.Zero;
                    for (int i = 0; i < w.Length; i++)
                        s = Vector512.FusedMultiplyAdd(Vector512.Create(w[i]), Vector512.Create(xt.AsSpan(i * _n + k0 + b, 8)), s);
                    s.CopyTo(z.Slice(b, 8));
                }
            for (; b < end; b++)
            {
                double s = 0;
                for (int i = 0; i < w.Length; i++) s = Math.FusedMultiplyAdd(w[i], xt[i * _n + k0 + b], s);
                z[b] = s;
            }
            Positive[j * _chunks + c] = Pack(z[..end]);
        }
    }

    /// <summary>
    /// Recomputes the signs of neurons (indices into theta, laid out a_j, w_j). One tiled pass over the inputs for
    /// all of them: a block of samples stays in L1 while every neuron visits it, and a register tile holds z of 4
    /// neurons for 32 samples (16 independent chains). Neuron by neuron (<see cref="SetNeuron"/>) the inputs were
    /// streamed once per neuron through a single latency-bound chain: at d = 10, n = 25,000 that was a third of
    /// the integrator's time after crossing steps. Same rounding as <see cref="PreActivation"/>, so the same bits.
    /// </summary>
    public void SetNeurons(ReadOnlySpan<int> neurons, ReadOnlySpan<double> theta, Dataset data)
    {
        if (neurons.Length == 0) return;
        // Same bits on every width (lane-wise fused chains); without 256-bit FMA hardware, neuron by neuron.
        if (Vector512.IsHardwareAccelerated) SetNeuronsTiled<Lanes512>(neurons, theta, data);
        else if (Vector256.IsHardwareAccelerated && Fma.IsSupported) SetNeuronsTiled<Lanes256>(neurons, theta, data);
        else foreach (int j in neurons) SetNeuron(j, theta.Slice(j * (data.D + 1) + 1, data.D), data);
    }

    unsafe void SetNeuronsTiled<V>(ReadOnlySpan<int> neurons, ReadOnlySpan<double> theta, Dataset data) where V : struct, ILanes<V>
    {
        int d = data.D, n = _n, stride = d + 1, count = neurons.Length;
        const int Block = 512; // samples per block: d x 512 doubles stay in L1 for small d
        int full = n / 32 * 32;
        fixed (double* xt = data.XT, th = theta)
        fixed (uint* pos = Positive)
        {
            for (int k0 = 0; k0 < full; k0 += Block)
            {
                int kEnd = Math.Min(k0 + Block, full), g = 0;
                for (; g + 4 <= count; g += 4)
                {
                    double* w0 = th + neurons[g] * stride + 1, w1 = th + neurons[g + 1] * stride + 1,
                        w2 = th + neurons[g + 2] * stride + 1, w3 = th + neurons[g + 3] * stride + 1;
                    uint* p0 = pos + neurons[g] * _chunks, p1 = pos + neurons[g + 1] * _chunks,
                        p2 = pos + neurons[g + 2] * _chunks, p3 = pos + neurons[g + 3] * _chunks;
                    for (int kc = k0; kc < kEnd; kc += 32)
                    {
                        RegisterTile.Compute(w0, w1, w2, w3, xt + kc, n, d,
                            out V z00, out V z01, out V z02, out V z03, out V z10, out V z11, out V z12, out V z13,
                            out V z20, out V z21, out V z22, out V z23, out V z30, out V z31, out V z32, out V z33);
                        int word = kc / 32;
                        p0[word] = Bits(z00, z01, z02, z03); p1[word] = Bits(z10, z11, z12, z13);
                        p2[word] = Bits(z20, z21, z22, z23); p3[word] = Bits(z30, z31, z32, z33);
                    }
                }
                for (; g < count; g++)
                {
                    double* w = th + neurons[g] * stride + 1;
                    uint* p = pos + neurons[g] * _chunks;
                    for (int kc = k0; kc < kEnd; kc += 32)
                    {
                        V z0 = default, z1 = default, z2 = default, z3 = default;
                        double* x = xt + kc;
                        for (int i = 0; i < d; i++, x += n)
                        {
                            var c = V.Create(w[i]);
                            z0 = V.Fma(c, V.Load(x), z0);
                            z1 = V.Fma(c, V.Load(x + 8), z1);
                            z2 = V.Fma(c, V.Load(x + 16), z2);
                            z3 = V.Fma(c, V.Load(x + 24), z3);
                        }
                        p[kc / 32] = Bits(z0, z1, z2, z3);
                    }
                }
            }
            if (full == n) return;
            // The last, partial chunk.
            Span<double> z = stackalloc double[32];
            foreach (int j in neurons)
            {
                double* w = th + j * stride + 1;
                for (int k = full; k < n; k++)
                {
                    double s = 0;
                    for (int i = 0; i < d; i++) s = Math.FusedMultiplyAdd(w[i], xt[(long)i * n + k], s);
                    z[k - full] = s;
                }
                pos[j * _chunks + full / 32] = Pack(z[..(n - full)]);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static uint Bits<V>(V z0, V z1, V z2, V z3) where V : struct, ILanes<V> =>
        V.PositiveBits(z0) | V.PositiveBits(z1) << 8 | V.PositiveBits(z2) << 16 | V.PositiveBits(z3) << 24;

    /// <summary>The bits z &gt; 0 of up to 32 values, without a branch per value (their signs are random).</summary>
    static uint Pack(ReadOnlySpan<double> z)
    {
        uint pos = 0;
        for (int b = 0; b < z.Length; b++) pos |= (z[b] > 0 ? 1u : 0u) << b;
        return pos;
    }

    /// <summary>Sets the signs from pre-activations m x n, neuron-major (the portable kernel's output).</summary>
    public void SetFrom(ReadOnlySpan<double> z)
    {
        for (int j = 0; j < _m; j++)
            for (int c = 0, k0 = 0; c < _chunks; c++, k0 += 32)
                Positive[j * _chunks + c] = Pack(z.Slice(j * _n + k0, Math.Min(32, _n - k0)));
    }
}
