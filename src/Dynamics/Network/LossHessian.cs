using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace SimplicityBias.Dynamics.Network;

/// <summary>
/// The exact Hessian of L(theta) = 1/(2n) sum_k (h(x_k) - y_k)^2 for a fixed activation pattern:
/// H = (1/n) (J^T J + sum_k r_k Hess h_k), J the n x P Jacobian of the predictions, P = m(d+1).
/// ReLU with a frozen pattern (mask, the convention of <see cref="GradientKernel"/>): within the pattern
/// h_k is a polynomial, d h_k/d a_j = mask_jk z_jk, d h_k/d w_j = a_j mask_jk x_k, and the only nonzero
/// second derivative is d^2 h_k/(d a_j d w_j) = mask_jk x_k. GeLU (smooth): d h_k/d a_j = g(z_jk),
/// d h_k/d w_j = a_j g'(z_jk) x_k, d^2 h_k/(d a_j d w_j) = g'(z_jk) x_k, d^2 h_k/d w_j^2 = a_j g''(z_jk) x_k x_k^T.
/// </summary>
/// <remarks>
/// Cost: about n P^2 flops for J^T J (the upper triangle only, then mirrored), done as a rank-b update per
/// block of b samples: the block's Jacobian rows are written straight into 16-column panels, and an
/// 8 x 16 register-tiled kernel accumulates each upper tile of H over the block (AVX-512 when available).
/// The Hessian-vector product costs about one gradient (8 n m d flops) and needs no P x P storage.
/// One instance is not thread-safe (it owns its workspace).
/// </remarks>
public sealed class LossHessian
{
    const int Panel = 16;       // columns per Jacobian panel (two 512-bit vectors)
    const int RowTile = 8;      // rows of H per register tile
    const int ForwardBlock = 256;
    const long PanelBudgetBytes = 6L << 20; // the panels of one sample block stay within a few MB (L2/L3)

    readonly Dataset _data;
    readonly bool _vectorTiles; // 512-bit J^T J tiles (else scalar: the same bits)
    readonly int _p, _pPad, _sampleBlock;
    readonly double[] _panels;  // [P_pad/16][sampleBlock][16]: Jacobian rows of the current block
    readonly double[] _z, _s, _q, _u;   // m x sampleBlock: pre-activations, d h/d a, act', r act'' (GeLU)
    readonly double[] _h, _r, _tmp;     // sampleBlock
    readonly double[] _resAw;   // m x d: sum_k r_k act'(z_jk) x_k
    readonly double[] _resWw;   // m x d x d (GeLU only): a_j sum_k r_k g''(z_jk) x_k x_k^T
    readonly double[] _t;       // m x ForwardBlock: <x_k, v_wj> (Hessian-vector product)
    readonly double[] _jv;      // ForwardBlock

    /// <summary>Width m.</summary>
    public int M { get; }
    /// <summary>The dataset.</summary>
    public Dataset Data => _data;
    /// <summary>Nonlinearity.</summary>
    public Activation Activation { get; }
    /// <summary>Number of parameters P = m(d+1); the Hessian is P x P, row-major.</summary>
    public int ParameterCount => _p;

    /// <summary>
    /// Creates the evaluator and its workspace for <paramref name="data"/> and width <paramref name="m"/>. The
    /// J^T J tiles are 512-bit when <paramref name="path"/> resolves to <see cref="KernelPath.Vector512"/>, scalar
    /// otherwise: both are the same fused chains, so the same bits.
    /// </summary>
    public LossHessian(Dataset data, int m, Activation activation = Activation.Relu, KernelPath path = KernelPath.Auto)
    {
        _vectorTiles = KernelPaths.Resolve(path) == KernelPath.Vector512;
        ArgumentNullException.ThrowIfNull(data);
        if (m < 1) throw new ArgumentException($"m must be >= 1, got {m}", nameof(m));
        if (!Enum.IsDefined(activation)) throw new ArgumentException($"activation is not defined: {(int)activation}", nameof(activation));
        long p = (long)m * (data.D + 1);
        if (p * p > Array.MaxLength) throw new ArgumentException($"m(d+1) = {p} is too large for a dense Hessian", nameof(m));
        _data = data; M = m; Activation = activation;
        _p = (int)p;
        _pPad = (_p + Panel - 1) / Panel * Panel;
        // b samples per rank-b update: large enough that each tile of H is read and written rarely
        // (b FMAs per element per pass), small enough that the panels stay in cache.
        long b = PanelBudgetBytes / (8L * _pPad);
        _sampleBlock = (int)Math.Clamp(b / RowTile * RowTile, 32, 512);
        _sampleBlock = Math.Min(_sampleBlock, (data.N + RowTile - 1) / RowTile * RowTile);
        _panels = new double[(long)_pPad * _sampleBlock];
        int blk = Math.Max(_sampleBlock, ForwardBlock);
        _z = new double[m * blk];
        _s = new double[m * blk];
        _q = new double[m * blk];
        _u = activation == Activation.Gelu ? new double[m * blk] : Array.Empty<double>();
        _h = new double[blk];
        _r = new double[blk];
        _tmp = new double[blk];
        _resAw = new double[m * data.D];
        _resWw = activation == Activation.Gelu ? new double[m * data.D * data.D] : Array.Empty<double>();
        _t = new double[m * ForwardBlock];
        _jv = new double[ForwardBlock];
    }

    void Validate(ReadOnlySpan<double> theta, ReadOnlySpan<double> mask)
    {
        if (theta.Length != _p) throw new ArgumentException($"theta has length {theta.Length}, expected {_p}", nameof(theta));
        if (!mask.IsEmpty && mask.Length != (long)M * _data.N) throw new ArgumentException($"mask has length {mask.Length}, expected m*n = {(long)M * _data.N}", nameof(mask));
        if (!mask.IsEmpty && Activation != Activation.Relu) throw new ArgumentException("a frozen mask applies to ReLU only", nameof(mask));
    }

    /// <summary>
    /// Forward pass over samples k0..k0+b-1: z, s = d h/d a_j, q = act'(z), u = r g''(z) (GeLU), residuals r.
    /// Returns the sum of squared residuals of the block.
    /// </summary>
    double Forward(ReadOnlySpan<double> theta, ReadOnlySpan<double> mask, int k0, int b, int ld)
    {
        int n = _data.N, d = _data.D, m = M, stride = d + 1;
        var xt = _data.XT;
        var h = _h.AsSpan(0, b);
        h.Clear();
        for (int j = 0; j < m; j++)
        {
            var z = _z.AsSpan(j * ld, b);
            int o = j * stride + 1;
            TensorPrimitives.Multiply(new ReadOnlySpan<double>(xt, k0, b), theta[o], z);
            for (int i = 1; i < d; i++)
                TensorPrimitives.MultiplyAdd(new ReadOnlySpan<double>(xt, i * n + k0, b), theta[o + i], z, z);
            var s = _s.AsSpan(j * ld, b);
            var q = _q.AsSpan(j * ld, b);
            if (!mask.IsEmpty)
            {
                var mk = mask.Slice(j * n + k0, b);
                mk.CopyTo(q);
                TensorPrimitives.Multiply(z, mk, s);
            }
            else if (Activation == Activation.Relu)
            {
                // relu'(0) = 0, as in GradientKernel without a mask.
                for (int k = 0; k < b; k++) q[k] = z[k] > 0 ? 1.0 : 0.0;
                TensorPrimitives.Max(z, 0.0, s);
            }
            else
            {
                Gelu.Values(z, s);
                Gelu.Derivatives(z, q);
            }
            TensorPrimitives.MultiplyAdd(s, theta[j * stride], h, h);
        }
        var r = _r.AsSpan(0, b);
        TensorPrimitives.Subtract(h, new ReadOnlySpan<double>(_data.Y, k0, b), r);
        if (Activation == Activation.Gelu)
            for (int j = 0; j < m; j++)
            {
                var z = _z.AsSpan(j * ld, b);
                var u = _u.AsSpan(j * ld, b);
                for (int k = 0; k < b; k++) u[k] = r[k] * Gelu.SecondDerivative(z[k]);
            }
        return FixedOrder.Dot(r, r);
    }

    /// <summary>
    /// The Hessian (P x P, row-major, both triangles) into <paramref name="hessian"/>; returns the loss (1/(2n)).
    /// </summary>
    /// <param name="theta">Parameters, length P, layout of <see cref="NetworkParameters"/>.</param>
    /// <param name="hessian">Output, length P*P.</param>
    /// <param name="mask">Frozen activation pattern (ReLU only), m x n neuron-major, as for
    /// <see cref="GradientKernel.Evaluate"/>; empty: the pattern 1[z &gt; 0] of <paramref name="theta"/>.</param>
    /// <param name="grad">If not empty (length P), receives the gradient for the same pattern.</param>
    public double Evaluate(ReadOnlySpan<double> theta, Span<double> hessian, ReadOnlySpan<double> mask = default, Span<double> grad = default)
    {
        Validate(theta, mask);
        if (hessian.Length != (long)_p * _p) throw new ArgumentException($"hessian has length {hessian.Length}, expected P*P = {(long)_p * _p}", nameof(hessian));
        if (!grad.IsEmpty && grad.Length != _p) throw new ArgumentException($"grad has length {grad.Length}, expected {_p}", nameof(grad));

        int n = _data.N, d = _data.D, m = M, stride = d + 1, bs = _sampleBlock;
        var xt = _data.XT;
        hessian.Clear();
        Array.Clear(_resAw);
        Array.Clear(_resWw);
        if (!grad.IsEmpty) grad.Clear();
        bool gelu = Activation == Activation.Gelu;
        double sumSq = 0;

        for (int k0 = 0; k0 < n; k0 += bs)
        {
            int b = Math.Min(bs, n - k0);
            sumSq += Forward(theta, mask, k0, b, bs);
            var r = _r.AsSpan(0, b);
            var tmp = _tmp.AsSpan(0, b);
            // Jacobian rows of the block into the panels: column c of sample kk at ((c/16) bs + kk) 16 + c%16.
            for (int j = 0; j < m; j++)
            {
                double a = theta[j * stride];
                var s = _s.AsSpan(j * bs, b);
                var q = _q.AsSpan(j * bs, b);
                int c = j * stride;
                WriteColumn(c, s, 1.0);
                if (!grad.IsEmpty) grad[c] += FixedOrder.Dot(r, s);
                for (int i = 0; i < d; i++)
                {
                    var xi = new ReadOnlySpan<double>(xt, i * n + k0, b);
                    TensorPrimitives.Multiply(q, xi, tmp);
                    WriteColumn(c + 1 + i, tmp, a);
                    double rqx = FixedOrder.Dot(r, tmp);
                    _resAw[j * d + i] += rqx;
                    if (!grad.IsEmpty) grad[c + 1 + i] += a * rqx;
                }
                if (gelu)
                {
                    var u = _u.AsSpan(j * bs, b);
                    for (int i = 0; i < d; i++)
                    {
                        TensorPrimitives.Multiply(u, new ReadOnlySpan<double>(xt, i * n + k0, b), tmp);
                        for (int l = i; l < d; l++)
                            _resWw[(j * d + i) * d + l] += a * FixedOrder.Dot(tmp, new ReadOnlySpan<double>(xt, l * n + k0, b));
                    }
                }
            }
            AccumulateUpper(hessian, b);
        }

        // Residual (second-derivative) terms, upper triangle: (a_j, w_j) and, for GeLU, (w_j, w_j).
        for (int j = 0; j < m; j++)
        {
            int c = j * stride;
            for (int i = 0; i < d; i++) hessian[c * _p + c + 1 + i] += _resAw[j * d + i];
            if (gelu)
                for (int i = 0; i < d; i++)
                    for (int l = i; l < d; l++)
                        hessian[(c + 1 + i) * _p + c + 1 + l] += _resWw[(j * d + i) * d + l];
        }
        double invN = 1.0 / n;
        for (int i = 0; i < _p; i++)
        {
            var row = hessian.Slice(i * _p + i, _p - i);
            TensorPrimitives.Multiply(row, invN, row);
        }
        MirrorUpperToLower(hessian, _p);
        if (!grad.IsEmpty) TensorPrimitives.Multiply(grad, invN, grad);
        return sumSq / (2.0 * n);
    }

    void WriteColumn(int c, ReadOnlySpan<double> values, double factor)
    {
        var dst = _panels.AsSpan((c / Panel) * _sampleBlock * Panel + c % Panel);
        for (int k = 0; k < values.Length; k++) dst[k * Panel] = factor * values[k];
    }

    /// <summary>H[i, c] += sum_k J[k, i] J[k, c] for every tile that meets the upper triangle c &gt;= i.</summary>
    unsafe void AccumulateUpper(Span<double> hessian, int b)
    {
        int p = _p, bs = _sampleBlock;
        bool vec = _vectorTiles;
        fixed (double* pan = _panels)
        fixed (double* hp = hessian)
        {
            for (int i0 = 0; i0 < p; i0 += RowTile)
            {
                double* rowPanel = pan + (long)(i0 / Panel) * bs * Panel + i0 % Panel;
                int rows = Math.Min(RowTile, p - i0);
                for (int c0 = i0 / Panel * Panel; c0 < p; c0 += Panel)
                {
                    double* colPanel = pan + (long)(c0 / Panel) * bs * Panel;
                    int cols = Math.Min(Panel, p - c0);
                    double* dst = hp + (long)i0 * p + c0;
                    if (vec) Tile8x16(rowPanel, colPanel, b, dst, p, rows, cols);
                    else TilePortable(rowPanel, colPanel, b, dst, p, rows, cols);
                }
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static unsafe void Tile8x16(double* a, double* bp, int kCount, double* c, int ldc, int rows, int cols)
    {
        Vector512<double> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default,
            c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default,
            c60 = default, c61 = default, c70 = default, c71 = default;
        for (int k = 0; k < kCount; k++)
        {
            var b0 = Vector512.Load(bp);
            var b1 = Vector512.Load(bp + 8);
            Vector512<double> x;
            x = Vector512.Create(a[0]); c00 = Vector512.FusedMultiplyAdd(x, b0, c00); c01 = Vector512.FusedMultiplyAdd(x, b1, c01);
            x = Vector512.Create(a[1]); c10 = Vector512.FusedMultiplyAdd(x, b0, c10); c11 = Vector512.FusedMultiplyAdd(x, b1, c11);
            x = Vector512.Create(a[2]); c20 = Vector512.FusedMultiplyAdd(x, b0, c20); c21 = Vector512.FusedMultiplyAdd(x, b1, c21);
            x = Vector512.Create(a[3]); c30 = Vector512.FusedMultiplyAdd(x, b0, c30); c31 = Vector512.FusedMultiplyAdd(x, b1, c31);
            x = Vector512.Create(a[4]); c40 = Vector512.FusedMultiplyAdd(x, b0, c40); c41 = Vector512.FusedMultiplyAdd(x, b1, c41);
            x = Vector512.Create(a[5]); c50 = Vector512.FusedMultiplyAdd(x, b0, c50); c51 = Vector512.FusedMultiplyAdd(x, b1, c51);
            x = Vector512.Create(a[6]); c60 = Vector512.FusedMultiplyAdd(x, b0, c60); c61 = Vector512.FusedMultiplyAdd(x, b1, c61);
            x = Vector512.Create(a[7]); c70 = Vector512.FusedMultiplyAdd(x, b0, c70); c71 = Vector512.FusedMultiplyAdd(x, b1, c71);
            a += Panel; bp += Panel;
        }
        if (rows == RowTile && cols == Panel)
        {
            Add(c, c00, c01); Add(c + ldc, c10, c11); Add(c + 2 * ldc, c20, c21); Add(c + 3 * ldc, c30, c31);
            Add(c + 4 * ldc, c40, c41); Add(c + 5 * ldc, c50, c51); Add(c + 6 * ldc, c60, c61); Add(c + 7 * ldc, c70, c71);
            return;
        }
        // Edge tile: spill and add the part inside the matrix.
        double* t = stackalloc double[RowTile * Panel];
        c00.Store(t); c01.Store(t + 8); c10.Store(t + 16); c11.Store(t + 24); c20.Store(t + 32); c21.Store(t + 40);
        c30.Store(t + 48); c31.Store(t + 56); c40.Store(t + 64); c41.Store(t + 72); c50.Store(t + 80); c51.Store(t + 88);
        c60.Store(t + 96); c61.Store(t + 104); c70.Store(t + 112); c71.Store(t + 120);
        for (int r = 0; r < rows; r++)
            for (int col = 0; col < cols; col++)
                c[(long)r * ldc + col] += t[r * Panel + col];
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static unsafe void Add(double* c, Vector512<double> lo, Vector512<double> hi)
    {
        (Vector512.Load(c) + lo).Store(c);
        (Vector512.Load(c + 8) + hi).Store(c + 8);
    }

    static unsafe void TilePortable(double* a, double* bp, int kCount, double* c, int ldc, int rows, int cols)
    {
        double* acc = stackalloc double[RowTile * Panel];
        new Span<double>(acc, RowTile * Panel).Clear();
        for (int k = 0; k < kCount; k++)
        {
            for (int r = 0; r < RowTile; r++)
            {
                double x = a[r];
                for (int col = 0; col < Panel; col++) acc[r * Panel + col] = Math.FusedMultiplyAdd(x, bp[col], acc[r * Panel + col]);
            }
            a += Panel; bp += Panel;
        }
        for (int r = 0; r < rows; r++)
            for (int col = 0; col < cols; col++)
                c[(long)r * ldc + col] += acc[r * Panel + col];
    }

    /// <summary>H[j, i] = H[i, j] for j &gt; i, in square blocks so both sides stay in cache.</summary>
    static void MirrorUpperToLower(Span<double> h, int p)
    {
        const int B = 64;
        for (int i0 = 0; i0 < p; i0 += B)
            for (int j0 = i0; j0 < p; j0 += B)
            {
                int i1 = Math.Min(i0 + B, p), j1 = Math.Min(j0 + B, p);
                for (int i = i0; i < i1; i++)
                    for (int j = Math.Max(j0, i + 1); j < j1; j++)
                        h[j * p + i] = h[i * p + j];
            }
    }

    /// <summary>
    /// The Hessian-vector product H v for the same pattern convention as <see cref="Evaluate"/>, in about
    /// the cost of one gradient and without forming H; returns the loss (1/(2n)).
    /// </summary>
    /// <param name="theta">Parameters, length P.</param>
    /// <param name="v">Direction, length P.</param>
    /// <param name="hv">Output H v, length P.</param>
    /// <param name="mask">Frozen activation pattern (ReLU only), or empty for 1[z &gt; 0].</param>
    public double HessianVectorProduct(ReadOnlySpan<double> theta, ReadOnlySpan<double> v, Span<double> hv, ReadOnlySpan<double> mask = default)
    {
        Validate(theta, mask);
        if (v.Length != _p) throw new ArgumentException($"v has length {v.Length}, expected {_p}", nameof(v));
        if (hv.Length != _p) throw new ArgumentException($"hv has length {hv.Length}, expected {_p}", nameof(hv));
        int n = _data.N, d = _data.D, m = M, stride = d + 1;
        const int bs = ForwardBlock;
        var xt = _data.XT;
        bool gelu = Activation == Activation.Gelu;
        // hv accumulates in place: keep it separate from v (the caller may not alias them).
        hv.Clear();
        double sumSq = 0;
        for (int k0 = 0; k0 < n; k0 += bs)
        {
            int b = Math.Min(bs, n - k0);
            sumSq += Forward(theta, mask, k0, b, bs);
            var r = _r.AsSpan(0, b);
            var jv = _jv.AsSpan(0, b);
            var tmp = _tmp.AsSpan(0, b);
            jv.Clear();
            // t_jk = <x_k, v_wj>; (J v)_k = sum_j s_jk v_aj + a_j q_jk t_jk.
            for (int j = 0; j < m; j++)
            {
                int o = j * stride;
                var t = _t.AsSpan(j * bs, b);
                TensorPrimitives.Multiply(new ReadOnlySpan<double>(xt, k0, b), v[o + 1], t);
                for (int i = 1; i < d; i++)
                    TensorPrimitives.MultiplyAdd(new ReadOnlySpan<double>(xt, i * n + k0, b), v[o + 1 + i], t, t);
                TensorPrimitives.MultiplyAdd(_s.AsSpan(j * bs, b), v[o], jv, jv);
                TensorPrimitives.Multiply(_q.AsSpan(j * bs, b), t, tmp);
                TensorPrimitives.MultiplyAdd(tmp, theta[o], jv, jv);
            }
            for (int j = 0; j < m; j++)
            {
                int o = j * stride;
                double a = theta[o];
                var s = _s.AsSpan(j * bs, b);
                var q = _q.AsSpan(j * bs, b);
                var t = _t.AsSpan(j * bs, b);
                // a_j row: sum_k (Jv)_k s_jk + r_k q_jk t_jk.
                TensorPrimitives.Multiply(r, q, tmp);
                hv[o] += FixedOrder.Dot(jv, s) + FixedOrder.Dot(tmp, t);
                // w_j rows: sum_k x_k (a_j q_jk (Jv)_k + r_k q_jk v_aj [+ a_j r_k g''(z_jk) t_jk]).
                TensorPrimitives.Multiply(tmp, v[o], tmp);
                var qjv = _h.AsSpan(0, b); // the predictions are no longer needed
                TensorPrimitives.Multiply(q, jv, qjv);
                TensorPrimitives.MultiplyAdd(qjv, a, tmp, tmp);
                if (gelu)
                {
                    TensorPrimitives.Multiply(_u.AsSpan(j * bs, b), t, qjv);
                    TensorPrimitives.MultiplyAdd(qjv, a, tmp, tmp);
                }
                for (int i = 0; i < d; i++)
                    hv[o + 1 + i] += FixedOrder.Dot(tmp, new ReadOnlySpan<double>(xt, i * n + k0, b));
            }
        }
        TensorPrimitives.Multiply(hv, 1.0 / n, hv);
        return sumSq / (2.0 * n);
    }
}
