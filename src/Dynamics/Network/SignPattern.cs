using System.Runtime.Intrinsics;

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
