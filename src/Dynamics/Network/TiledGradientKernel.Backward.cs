using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using SimplicityBias.Dynamics.Network.Lanes;

namespace SimplicityBias.Dynamics.Network;

/// <summary>The tiled kernel's GeLU activations and derivatives and its backward pass (the gradient from the residuals).</summary>
internal sealed unsafe partial class TiledGradientKernel<V> : ITiledKernel where V : struct, ILanes<V>
{
    /// <summary>GeLU: s = g(z) (scalar erfc), h = sum_j a_j s_j.</summary>
    void GeluActivations(double* a, double* z, double* h, int bPad)
    {
        var hs = new Span<double>(h, bPad);
        hs.Clear();
        for (int j = 0; j < _m; j++)
        {
            var s = _s.AsSpan(j * _block, bPad);
            Gelu.Values(new ReadOnlySpan<double>(z + j * _block, bPad), s);
            TensorPrimitives.MultiplyAdd(s, a[j], hs, hs);
        }
    }

    /// <summary>GeLU: q = r g'(z) for the backward product, and the a-gradient sum_k r_k g(z_jk).</summary>
    void GeluDerivatives(double* z, double* r, int bPad)
    {
        var rs = new ReadOnlySpan<double>(r, bPad);
        for (int j = 0; j < _m; j++)
        {
            // A lane-wise chain and the fixed 8-lane sum: TensorPrimitives.Dot's order depends on the hardware's width.
            var acc = default(V);
            fixed (double* s = &_s[j * _block])
                for (int c = 0; c < bPad; c += 8) acc = V.Fma(V.Load(r + c), V.Load(s + c), acc);
            _gaGelu[j] += V.Sum(acc);
            var q = _q.AsSpan(j * _block, bPad);
            Gelu.Derivatives(new ReadOnlySpan<double>(z + j * _block, bPad), q);
            TensorPrimitives.Multiply(q, rs, q);
        }
    }

    /// <summary>
    /// gw_ji += sum_k q_jk x_ki over the block, with q = r 1[z &gt; 0] (ReLU), r mask (frozen pattern) or the
    /// precomputed r g'(z) (GeLU). The a-gradient needs no pass of its own (see Evaluate).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    void Backward(double* x, int ldx, double* z, double* r, double* qBuf, double* gw, int bPad, Mode mode, int chunk0)
    {
        int d = _d, block = _block, mPad = _mPad;
        uint* maskBits = _maskBits;
        int chunksPerNeuron = (_data.N + Chunk - 1) / Chunk;
        for (int jg = 0; jg < mPad; jg += Group)
        {
            double* g0 = gw + jg * d * 8, g1 = g0 + d * 8, g2 = g1 + d * 8, g3 = g2 + d * 8;
            for (int kc = 0; kc < bPad; kc += Chunk)
            {
                V q00, q01, q02, q03, q10, q11, q12, q13, q20, q21, q22, q23, q30, q31, q32, q33;
                double* z0 = z + jg * block + kc, z1 = z0 + block, z2 = z1 + block, z3 = z2 + block;
                if (mode == Mode.Gelu)
                {
                    double* p0 = qBuf + jg * block + kc, p1 = p0 + block, p2 = p1 + block, p3 = p2 + block;
                    q00 = V.Load(p0); q01 = V.Load(p0 + 8); q02 = V.Load(p0 + 16); q03 = V.Load(p0 + 24);
                    q10 = V.Load(p1); q11 = V.Load(p1 + 8); q12 = V.Load(p1 + 16); q13 = V.Load(p1 + 24);
                    q20 = V.Load(p2); q21 = V.Load(p2 + 8); q22 = V.Load(p2 + 16); q23 = V.Load(p2 + 24);
                    q30 = V.Load(p3); q31 = V.Load(p3 + 8); q32 = V.Load(p3 + 16); q33 = V.Load(p3 + 24);
                }
                else
                {
                    var r0 = V.Load(r + kc); var r1 = V.Load(r + kc + 8);
                    var r2 = V.Load(r + kc + 16); var r3 = V.Load(r + kc + 24);
                    if (mode == Mode.Relu || (maskBits != null && _patternIsSign[jg / Group * (block / Chunk) + kc / Chunk]))
                    {
                        // relu'(0) = 0: q = r where z > 0 (or a frozen pattern equal to 1[z > 0] on this tile, which
                        // Forward checked). A NaN z comes from a non-finite w_j, and <w_j, gw_j> then turns NaN.
                        q00 = V.WherePositive(V.Load(z0), r0);
                        q01 = V.WherePositive(V.Load(z0 + 8), r1);
                        q02 = V.WherePositive(V.Load(z0 + 16), r2);
                        q03 = V.WherePositive(V.Load(z0 + 24), r3);
                        q10 = V.WherePositive(V.Load(z1), r0);
                        q11 = V.WherePositive(V.Load(z1 + 8), r1);
                        q12 = V.WherePositive(V.Load(z1 + 16), r2);
                        q13 = V.WherePositive(V.Load(z1 + 24), r3);
                        q20 = V.WherePositive(V.Load(z2), r0);
                        q21 = V.WherePositive(V.Load(z2 + 8), r1);
                        q22 = V.WherePositive(V.Load(z2 + 16), r2);
                        q23 = V.WherePositive(V.Load(z2 + 24), r3);
                        q30 = V.WherePositive(V.Load(z3), r0);
                        q31 = V.WherePositive(V.Load(z3 + 8), r1);
                        q32 = V.WherePositive(V.Load(z3 + 16), r2);
                        q33 = V.WherePositive(V.Load(z3 + 24), r3);
                    }
                    else if (maskBits != null)
                    {
                        uint* mb = maskBits + (long)jg * chunksPerNeuron + chunk0 + kc / Chunk;
                        q00 = r0; q01 = r1; q02 = r2; q03 = r3; q10 = r0; q11 = r1; q12 = r2; q13 = r3;
                        q20 = r0; q21 = r1; q22 = r2; q23 = r3; q30 = r0; q31 = r1; q32 = r2; q33 = r3;
                        KeepWhereSet(mb[0], ref q00, ref q01, ref q02, ref q03);
                        KeepWhereSet(mb[chunksPerNeuron], ref q10, ref q11, ref q12, ref q13);
                        KeepWhereSet(mb[2 * chunksPerNeuron], ref q20, ref q21, ref q22, ref q23);
                        KeepWhereSet(mb[3 * chunksPerNeuron], ref q30, ref q31, ref q32, ref q33);
                    }
                    else
                    {
                        double* m0 = (double*)_maskRows[jg] + kc, m1 = (double*)_maskRows[jg + 1] + kc,
                            m2 = (double*)_maskRows[jg + 2] + kc, m3 = (double*)_maskRows[jg + 3] + kc;
                        q00 = r0 * V.Load(m0); q01 = r1 * V.Load(m0 + 8); q02 = r2 * V.Load(m0 + 16); q03 = r3 * V.Load(m0 + 24);
                        q10 = r0 * V.Load(m1); q11 = r1 * V.Load(m1 + 8); q12 = r2 * V.Load(m1 + 16); q13 = r3 * V.Load(m1 + 24);
                        q20 = r0 * V.Load(m2); q21 = r1 * V.Load(m2 + 8); q22 = r2 * V.Load(m2 + 16); q23 = r3 * V.Load(m2 + 24);
                        q30 = r0 * V.Load(m3); q31 = r1 * V.Load(m3 + 8); q32 = r2 * V.Load(m3 + 16); q33 = r3 * V.Load(m3 + 24);
                    }
                }
                double* xp = x + kc;
                for (int i = 0; i < d; i++, xp += ldx)
                {
                    var x0 = V.Load(xp); var x1 = V.Load(xp + 8);
                    var x2 = V.Load(xp + 16); var x3 = V.Load(xp + 24);
                    int o = i * 8;
                    var t = q00 * x0; t = V.Fma(q01, x1, t); t = V.Fma(q02, x2, t); t = V.Fma(q03, x3, t);
                    V.Store(V.Load(g0 + o) + t, g0 + o);
                    t = q10 * x0; t = V.Fma(q11, x1, t); t = V.Fma(q12, x2, t); t = V.Fma(q13, x3, t);
                    V.Store(V.Load(g1 + o) + t, g1 + o);
                    t = q20 * x0; t = V.Fma(q21, x1, t); t = V.Fma(q22, x2, t); t = V.Fma(q23, x3, t);
                    V.Store(V.Load(g2 + o) + t, g2 + o);
                    t = q30 * x0; t = V.Fma(q31, x1, t); t = V.Fma(q32, x2, t); t = V.Fma(q33, x3, t);
                    V.Store(V.Load(g3 + o) + t, g3 + o);
                }
            }
        }
    }
}
