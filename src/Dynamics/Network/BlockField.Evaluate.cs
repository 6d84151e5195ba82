using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace SimplicityBias.Dynamics.Network;

/// <summary>The evaluation of the block form: v = G u - b block by block, then the loss and the gradient.</summary>
internal sealed partial class BlockField
{
    /// <summary>
    /// Loss (1/(2n)) and gradient (layout of theta) of the loss with the pattern the blocks hold; call
    /// <see cref="Sync"/> first.
    /// </summary>
    public double Evaluate(ReadOnlySpan<double> theta, Span<double> grad)
    {
        Evaluations++;
        int stride = _d + 1;
        for (int j = 0; j < _m; j++)
        {
            double a = theta[j * stride];
            for (int r = 0; r < _d; r++) _u[j * _ds + r] = a * theta[j * stride + 1 + r];
        }
        Array.Clear(_v);
        ref double g0 = ref MemoryMarshal.GetArrayDataReference(_g);
        ref double u0 = ref MemoryMarshal.GetArrayDataReference(_u);
        ref double v0 = ref MemoryMarshal.GetArrayDataReference(_v);
        for (int i = 0, p = 0; i < _m; i++)
        {
            ref double ui = ref Unsafe.Add(ref u0, i * _ds);
            ref double vi = ref Unsafe.Add(ref v0, i * _ds);
            if (_terms[p] > 0) MultiplyAdd(ref Unsafe.Add(ref g0, (nint)p * _dd), ref ui, ref vi);
            p++;
            for (int j = i + 1; j < _m; j++, p++)
            {
                if (_terms[p] == 0) continue;
                MultiplyAdd2(ref Unsafe.Add(ref g0, (nint)p * _dd), ref ui, ref Unsafe.Add(ref u0, j * _ds), ref vi, ref Unsafe.Add(ref v0, j * _ds));
            }
        }
        double quad = 0, lin = 0, invN = 1.0 / _n;
        for (int j = 0; j < _m; j++)
        {
            double a = theta[j * stride], dot = 0;
            for (int r = 0; r < _d; r++)
            {
                int e = j * _ds + r, eb = j * _d + r;
                quad += _u[e] * _v[e];
                lin += _u[e] * _b[eb];
                double vr = _v[e] - _b[eb];
                dot += theta[j * stride + 1 + r] * vr;
                if (!grad.IsEmpty) grad[j * stride + 1 + r] = a * invN * vr;
            }
            if (!grad.IsEmpty) grad[j * stride] = invN * dot;
        }
        return 0.5 * invN * (quad - 2 * lin + _c);
    }

    /// <summary>
    /// v += G u for a symmetric block (row stride _ds, zero padding): column by column (row q of G is column q),
    /// each output row its own chain of separately rounded products and sums, four rows to a vector; the same
    /// operations on every machine (Vector256 is emulated element by element where the hardware lacks it).
    /// </summary>
    void MultiplyAdd(ref double g, ref double u, ref double v)
    {
        int d = _d, ds = _ds;
        for (int r0 = 0; r0 < ds; r0 += 4)
        {
            var acc = Vector256.LoadUnsafe(ref v, (nuint)r0);
            for (int q = 0; q < d; q++)
                acc = Vector256.Add(acc, Vector256.Multiply(Vector256.LoadUnsafe(ref g, (nuint)(q * ds + r0)), Vector256.Create(Unsafe.Add(ref u, q))));
            acc.StoreUnsafe(ref v, (nuint)r0);
        }
    }

    /// <summary>vi += G uj and vj += G ui for an off-diagonal block (G_ji = G_ij, symmetric), reading G once.</summary>
    void MultiplyAdd2(ref double g, ref double ui, ref double uj, ref double vi, ref double vj)
    {
        int d = _d, ds = _ds;
        for (int r0 = 0; r0 < ds; r0 += 4)
        {
            var ai = Vector256.LoadUnsafe(ref vi, (nuint)r0);
            var aj = Vector256.LoadUnsafe(ref vj, (nuint)r0);
            for (int q = 0; q < d; q++)
            {
                var col = Vector256.LoadUnsafe(ref g, (nuint)(q * ds + r0));
                ai = Vector256.Add(ai, Vector256.Multiply(col, Vector256.Create(Unsafe.Add(ref uj, q))));
                aj = Vector256.Add(aj, Vector256.Multiply(col, Vector256.Create(Unsafe.Add(ref ui, q))));
            }
            ai.StoreUnsafe(ref vi, (nuint)r0);
            aj.StoreUnsafe(ref vj, (nuint)r0);
        }
    }
}
