using System.Runtime.CompilerServices;

namespace SimplicityBias.Dynamics.Network.Lanes;

/// <summary>
/// The 4 x 4 register tile of the tiled kernels: z_rc = sum_i w_r[i] x_i[8c .. 8c + 7] for 4 neurons r and 4 runs c of
/// 8 samples (32 samples), as 16 independent chains of fused multiply-adds over i in increasing order, so each lane has
/// the bits of a single FMA chain (the scalar dot product's). Sixteen accumulators, four inputs and a broadcast fit
/// the registers; sixteen chains hide the FMA latency. Callers: the tiled gradient kernel's forward pass,
/// SignPattern.SetNeurons and ReachScan (w and dw/dt of two neurons as the four rows). Pass the row pointers as locals
/// computed before the call: an address expression passed as an argument is recomputed in the inlined loop at every
/// feature. And let no vector of the caller be live across a call after the tile (ReachScan's list growth), or the JIT
/// spills the accumulators inside the loop.
/// </summary>
internal static unsafe class RegisterTile
{
    /// <summary>
    /// The tile of the neurons whose d weights start at w0..w3 and of the 32 samples at x, the inputs stored by feature
    /// (feature i's 32 values at x + i * ld). Inlined, so the accumulators stay in the caller's registers.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Compute<V>(double* w0, double* w1, double* w2, double* w3, double* x, int ld, int d,
        out V z00, out V z01, out V z02, out V z03, out V z10, out V z11, out V z12, out V z13,
        out V z20, out V z21, out V z22, out V z23, out V z30, out V z31, out V z32, out V z33) where V : struct, ILanes<V>
    {
        z00 = default; z01 = default; z02 = default; z03 = default;
        z10 = default; z11 = default; z12 = default; z13 = default;
        z20 = default; z21 = default; z22 = default; z23 = default;
        z30 = default; z31 = default; z32 = default; z33 = default;
        for (int i = 0; i < d; i++, x += ld)
        {
            var x0 = V.Load(x); var x1 = V.Load(x + 8);
            var x2 = V.Load(x + 16); var x3 = V.Load(x + 24);
            var c = V.Create(w0[i]);
            z00 = V.Fma(c, x0, z00); z01 = V.Fma(c, x1, z01);
            z02 = V.Fma(c, x2, z02); z03 = V.Fma(c, x3, z03);
            c = V.Create(w1[i]);
            z10 = V.Fma(c, x0, z10); z11 = V.Fma(c, x1, z11);
            z12 = V.Fma(c, x2, z12); z13 = V.Fma(c, x3, z13);
            c = V.Create(w2[i]);
            z20 = V.Fma(c, x0, z20); z21 = V.Fma(c, x1, z21);
            z22 = V.Fma(c, x2, z22); z23 = V.Fma(c, x3, z23);
            c = V.Create(w3[i]);
            z30 = V.Fma(c, x0, z30); z31 = V.Fma(c, x1, z31);
            z32 = V.Fma(c, x2, z32); z33 = V.Fma(c, x3, z33);
        }
    }
}
