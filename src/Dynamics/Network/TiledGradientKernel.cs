using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using SimplicityBias.Dynamics.Network.Lanes;

namespace SimplicityBias.Dynamics.Network;

/// <summary>
/// The tiled implementation of <see cref="GradientKernel"/> (same inputs, outputs and conventions; validated there),
/// written once against 8-lane logical vectors <typeparamref name="V"/> (<see cref="ILanes{TSelf}"/>): every
/// instantiation performs the same lane-wise fused operations in the same order, so the 512-bit, 256-bit, 128-bit
/// and scalar instantiations give the same bits.
/// Register-tiled: the forward product z = W x is done for 4 neurons x 32 samples at a time with the 16
/// accumulators in registers over the d features; the backward product sum_k q_jk x_k for 4 neurons x 32
/// samples keeps q = r relu'(z) in registers over the d features and adds each (neuron, feature) partial
/// sum into an 8-lane accumulator in memory (reduced once at the end). Neurons are padded to a multiple of
/// 4 with zero weights, the last sample block to a multiple of 32 with zero inputs and labels: padded
/// entries contribute exactly zero to the loss and the gradient.
/// </summary>
internal sealed unsafe partial class TiledGradientKernel<V> : ITiledKernel where V : struct, ILanes<V>
{
    const int Chunk = 32;   // samples per register tile (4 vectors of 8)
    const int Group = 4;    // neurons per register tile

    enum Mode { Relu, Mask, Gelu }

    readonly Dataset _data;
    readonly int _m, _mPad, _d, _block;
    readonly double[] _w;       // mPad x d input weights (padded rows zero)
    readonly double[] _a;       // mPad output weights
    readonly double[] _z;       // mPad x block pre-activations
    readonly double[] _r;       // block residuals
    readonly double[] _h;       // block predictions
    readonly double[] _xTail;   // d x block: the last (partial) block, zero padded
    readonly double[] _yTail;   // block
    readonly double[] _maskTail; // mPad x block (mask of the last block, zero padded)
    readonly double[] _zero;    // block zeros: mask rows of padded neurons
    readonly double[] _gwAcc;   // mPad x d x 8 lane accumulators of sum_k q_jk x_k
    readonly double[] _s, _q, _gaGelu; // GeLU: activations, r g'(z), sum_k r_k g(z_jk)
    readonly IntPtr[] _maskRows; // per padded neuron, the mask row of the current block
    readonly bool[] _patternIsSign; // per tile of the block (neuron group, chunk): the frozen pattern equals 1[z > 0] there

    public TiledGradientKernel(Dataset data, int m, Activation activation)
    {
        _data = data; _m = m; _d = data.D;
        _mPad = (m + Group - 1) / Group * Group;
        // The block's pre-activations (mPad x block) stay within about 200 KB of L2 (256 samples at m = 100,
        // the fastest of 32..512 measured there).
        int b = TiledBlock.Override > 0 ? TiledBlock.Override : 25600 / _mPad / Chunk * Chunk;
        _block = Math.Clamp(b, Chunk, 512);
        _block = Math.Min(_block, (data.N + Chunk - 1) / Chunk * Chunk);
        _w = new double[_mPad * _d];
        _a = new double[_mPad];
        _z = new double[_mPad * _block];
        _r = new double[_block];
        _h = new double[_block];
        _xTail = new double[_d * _block];
        _yTail = new double[_block];
        _maskTail = activation == Activation.Relu ? new double[_mPad * _block] : Array.Empty<double>();
        _zero = new double[_block];
        _gwAcc = new double[_mPad * _d * 8];
        bool gelu = activation == Activation.Gelu;
        _s = gelu ? new double[_mPad * _block] : Array.Empty<double>();
        _q = gelu ? new double[_mPad * _block] : Array.Empty<double>();
        _gaGelu = gelu ? new double[_mPad] : Array.Empty<double>();
        _maskRows = new IntPtr[_mPad];
        _patternIsSign = new bool[_mPad / Group * (_block / Chunk)];
        _gelu = gelu;
    }

    readonly bool _gelu;

    /// <summary>Length of the pattern array of the flip-counting Evaluate: one 32-bit word per padded neuron and 32 samples.</summary>
    public int PatternWords => _mPad * ((_data.N + Chunk - 1) / Chunk);

    uint* _pattern;
    long _flips;
    uint* _maskBits; // the frozen pattern packed like the flip pattern (ActivationMask), during EvaluateMaskBits

    /// <summary>Rows of the packed patterns: m padded to the neuron group.</summary>
    public int PaddedNeurons => _mPad;

    /// <summary>
    /// Evaluate with a frozen 0/1 pattern given as packed bits (<see cref="ActivationMask"/> layout, PatternWords
    /// words) instead of doubles: the same results, m n / 8 bytes read instead of 8 m n.
    /// </summary>
    public double EvaluateMaskBits(ReadOnlySpan<double> theta, Span<double> grad, ReadOnlySpan<uint> bits,
        Span<double> preActivations, double[] residuals, SignPattern? signs = null)
    {
        if (bits.Length < PatternWords) throw new ArgumentException($"mask bits have length {bits.Length}, expected {PatternWords}", nameof(bits));
        if (signs is not null && signs.Positive.Length < PatternWords) throw new ArgumentException($"sign pattern has {signs.Positive.Length} words, expected {PatternWords}", nameof(signs));
        fixed (uint* b = bits, pos = signs?.Positive)
        {
            _maskBits = b;
            _signPositive = pos;
            try { return Evaluate(theta, grad, default, preActivations, residuals); }
            finally { _maskBits = null; _signPositive = null; }
        }
    }

    uint* _signPositive; // SignPattern output during EvaluateMaskBits, or null

    /// <summary>z where z &gt; 0, else 0 (NaN gives 0, as a pattern bit 0 does).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static V KeepPositive(V z) => V.WherePositive(z, z);

    /// <summary>Zeroes the lanes of 32 samples (4 vectors of 8) whose pattern bit is not set.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void KeepWhereSet(uint bits, ref V v0, ref V v1, ref V v2, ref V v3)
    {
        v0 = V.WhereSet(bits, v0);
        v1 = V.WhereSet(bits >> 8, v1);
        v2 = V.WhereSet(bits >> 16, v2);
        v3 = V.WhereSet(bits >> 24, v3);
    }

    /// <summary>The 32 bits z &gt; 0 of 4 vectors of 8 (NaN gives 0).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static uint PositiveBits(V z0, V z1, V z2, V z3) =>
        V.PositiveBits(z0) | V.PositiveBits(z1) << 8 | V.PositiveBits(z2) << 16 | V.PositiveBits(z3) << 24;

    // pattern (length PatternWords) holds the pattern 1[z > 0] of the previous call; it is replaced by the
    // current one, and the number of bits that changed is returned in flips (a by-product of the forward
    // tiles: a compare and a popcount per 32 pairs).
    public double Evaluate(ReadOnlySpan<double> theta, Span<double> grad, ReadOnlySpan<double> mask,
        Span<double> preActivations, double[] residuals, Span<uint> pattern, out long flips)
    {
        fixed (uint* pat = pattern)
        {
            _pattern = pat;
            _flips = 0;
            try { return Evaluate(theta, grad, mask, preActivations, residuals); }
            finally { flips = _flips; _pattern = null; }
        }
    }

    public double Evaluate(ReadOnlySpan<double> theta, Span<double> grad, ReadOnlySpan<double> mask,
        Span<double> preActivations, double[] residuals)
    {
        int n = _data.N, d = _d, m = _m, stride = d + 1, block = _block;
        bool wantGrad = !grad.IsEmpty, masked = !mask.IsEmpty || _maskBits != null;
        var mode = masked ? Mode.Mask : _gelu ? Mode.Gelu : Mode.Relu;
        for (int j = 0; j < m; j++)
        {
            _a[j] = theta[j * stride];
            for (int i = 0; i < d; i++) _w[j * d + i] = theta[j * stride + 1 + i];
        }
        if (wantGrad) { Array.Clear(_gwAcc); if (mode == Mode.Gelu) Array.Clear(_gaGelu); }
        var sumSq = default(V);

        fixed (double* xt = _data.XT, y = _data.Y, maskP = mask, w = _w, a = _a, z = _z, r = _r, h = _h,
               xTail = _xTail, yTail = _yTail, maskTail = _maskTail, zero = _zero, gw = _gwAcc, q = _q)
        {
            for (int k0 = 0; k0 < n; k0 += block)
            {
                int b = Math.Min(block, n - k0);
                int bPad = (b + Chunk - 1) / Chunk * Chunk;
                double* xb, yb;
                int ldx;
                if (b == bPad) { xb = xt + k0; ldx = n; yb = y + k0; }
                else
                {
                    // Last partial block: zero-padded copies, so every tile is full.
                    xb = xTail; ldx = block; yb = yTail;
                    for (int i = 0; i < d; i++)
                    {
                        new ReadOnlySpan<double>(xt + (long)i * n + k0, b).CopyTo(new Span<double>(xTail + i * block, b));
                        new Span<double>(xTail + i * block + b, bPad - b).Clear();
                    }
                    new ReadOnlySpan<double>(y + k0, b).CopyTo(new Span<double>(yTail, b));
                    new Span<double>(yTail + b, bPad - b).Clear();
                }
                if (masked && _maskBits == null)
                    for (int j = 0; j < _mPad; j++)
                    {
                        if (j >= m) { _maskRows[j] = (IntPtr)zero; continue; }
                        if (b == bPad) { _maskRows[j] = (IntPtr)(maskP + (long)j * n + k0); continue; }
                        double* row = maskTail + j * block;
                        new ReadOnlySpan<double>(maskP + (long)j * n + k0, b).CopyTo(new Span<double>(row, b));
                        new Span<double>(row + b, bPad - b).Clear();
                        _maskRows[j] = (IntPtr)row;
                    }

                Forward(xb, ldx, w, a, z, h, bPad, mode, k0 / Chunk);
                if (mode == Mode.Gelu) GeluActivations(a, z, h, bPad);
                for (int c = 0; c < bPad; c += 8)
                {
                    var rv = V.Load(h + c) - V.Load(yb + c);
                    V.Store(rv, r + c);
                    sumSq = V.Fma(rv, rv, sumSq);
                }
                new ReadOnlySpan<double>(r, b).CopyTo(residuals.AsSpan(k0, b));
                if (!preActivations.IsEmpty)
                    for (int j = 0; j < m; j++)
                        new ReadOnlySpan<double>(z + j * block, b).CopyTo(preActivations.Slice(j * n + k0, b));
                if (!wantGrad) continue;
                if (mode == Mode.Gelu) GeluDerivatives(z, r, bPad);
                Backward(xb, ldx, z, r, q, gw, bPad, mode, k0 / Chunk);
            }
        }

        if (wantGrad)
        {
            double invN = 1.0 / n;
            for (int j = 0; j < m; j++)
            {
                int o = j * stride;
                // ReLU or a frozen mask: dL/da_j = sum_k r_k s_jk = sum_k q_jk z_jk = <w_j, sum_k q_jk x_k>, since
                // z_jk = <w_j, x_k>: the a-gradient comes from the w-gradient's sums, with no pass over z.
                double aOverN = theta[o] * invN, wDotG = 0;
                for (int i = 0; i < d; i++)
                {
                    double gi;
                    fixed (double* acc = &_gwAcc[(j * d + i) * 8]) gi = V.Sum(V.Load(acc));
                    grad[o + 1 + i] = aOverN * gi;
                    wDotG += theta[o + 1 + i] * gi;
                }
                grad[o] = (mode == Mode.Gelu ? _gaGelu[j] : wDotG) * invN;
            }
        }
        return V.Sum(sumSq) / (2.0 * n);
    }

    /// <summary>
    /// z_jk = &lt;w_j, x_k&gt; for the block into z (rows of length block), and (ReLU, mask) h_k = sum_j a_j s_jk
    /// with s = max(z, 0) or mask .* z. NaN in z propagates into h (the loss must show it).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    void Forward(double* x, int ldx, double* w, double* a, double* z, double* h, int bPad, Mode mode, int chunk0)
    {
        int d = _d, block = _block, mPad = _mPad;
        uint* pattern = _pattern;
        int chunksPerNeuron = (_data.N + Chunk - 1) / Chunk;
        for (int kc = 0; kc < bPad; kc += Chunk)
        {
            V h0 = default, h1 = default, h2 = default, h3 = default;
            for (int jg = 0; jg < mPad; jg += Group)
            {
                double* w0 = w + jg * d, w1 = w0 + d, w2 = w1 + d, w3 = w2 + d;
                RegisterTile.Compute(w0, w1, w2, w3, x + kc, ldx, d,
                    out V z00, out V z01, out V z02, out V z03, out V z10, out V z11, out V z12, out V z13,
                    out V z20, out V z21, out V z22, out V z23, out V z30, out V z31, out V z32, out V z33);
                double* zr = z + jg * block + kc;
                V.Store(z00, zr); V.Store(z01, zr + 8); V.Store(z02, zr + 16); V.Store(z03, zr + 24);
                zr += block;
                V.Store(z10, zr); V.Store(z11, zr + 8); V.Store(z12, zr + 16); V.Store(z13, zr + 24);
                zr += block;
                V.Store(z20, zr); V.Store(z21, zr + 8); V.Store(z22, zr + 16); V.Store(z23, zr + 24);
                zr += block;
                V.Store(z30, zr); V.Store(z31, zr + 8); V.Store(z32, zr + 16); V.Store(z33, zr + 24);
                if (pattern != null)
                {
                    uint* pw = pattern + (long)jg * chunksPerNeuron + chunk0 + kc / Chunk;
                    _flips += Flips(pw, z00, z01, z02, z03)
                        + Flips(pw + chunksPerNeuron, z10, z11, z12, z13)
                        + Flips(pw + 2 * chunksPerNeuron, z20, z21, z22, z23)
                        + Flips(pw + 3 * chunksPerNeuron, z30, z31, z32, z33);
                }
                // 1[z > 0] of the tile's 4 neurons: the signs the integrator keeps, and the test of the masked fast path.
                uint p0 = 0, p1 = 0, p2 = 0, p3 = 0;
                if (_signPositive != null || _maskBits != null)
                {
                    p0 = PositiveBits(z00, z01, z02, z03); p1 = PositiveBits(z10, z11, z12, z13);
                    p2 = PositiveBits(z20, z21, z22, z23); p3 = PositiveBits(z30, z31, z32, z33);
                }
                if (_signPositive != null)
                {
                    uint* sp = _signPositive + (long)jg * chunksPerNeuron + chunk0 + kc / Chunk;
                    int left = _data.N - (chunk0 + kc / Chunk) * Chunk;
                    uint valid = left >= Chunk ? uint.MaxValue : (1u << left) - 1;
                    sp[0] = valid & p0; sp[chunksPerNeuron] = valid & p1; sp[2 * chunksPerNeuron] = valid & p2; sp[3 * chunksPerNeuron] = valid & p3;
                }
                if (mode == Mode.Gelu) continue;
                if (mode == Mode.Relu)
                {
                    // MaxNative(0, z) is vmaxpd, which returns its second operand z when z is NaN.
                    z00 = V.Relu(z00); z01 = V.Relu(z01); z02 = V.Relu(z02); z03 = V.Relu(z03);
                    z10 = V.Relu(z10); z11 = V.Relu(z11); z12 = V.Relu(z12); z13 = V.Relu(z13);
                    z20 = V.Relu(z20); z21 = V.Relu(z21); z22 = V.Relu(z22); z23 = V.Relu(z23);
                    z30 = V.Relu(z30); z31 = V.Relu(z31); z32 = V.Relu(z32); z33 = V.Relu(z33);
                }
                else if (_maskBits != null)
                {
                    uint* mb = _maskBits + (long)jg * chunksPerNeuron + chunk0 + kc / Chunk;
                    // Within a step the frozen pattern differs from 1[z > 0] only at sliding pairs and at pairs
                    // crossing during the step: on most tiles it is the sign, and a compare is cheaper than
                    // expanding the bits. Same result either way (pattern 1 means z > 0 there).
                    bool isSign = ((p0 ^ mb[0]) | (p1 ^ mb[chunksPerNeuron]) | (p2 ^ mb[2 * chunksPerNeuron]) | (p3 ^ mb[3 * chunksPerNeuron])) == 0;
                    _patternIsSign[jg / Group * (block / Chunk) + kc / Chunk] = isSign;
                    if (isSign)
                    {
                        z00 = KeepPositive(z00); z01 = KeepPositive(z01); z02 = KeepPositive(z02); z03 = KeepPositive(z03);
                        z10 = KeepPositive(z10); z11 = KeepPositive(z11); z12 = KeepPositive(z12); z13 = KeepPositive(z13);
                        z20 = KeepPositive(z20); z21 = KeepPositive(z21); z22 = KeepPositive(z22); z23 = KeepPositive(z23);
                        z30 = KeepPositive(z30); z31 = KeepPositive(z31); z32 = KeepPositive(z32); z33 = KeepPositive(z33);
                    }
                    else
                    {
                        KeepWhereSet(mb[0], ref z00, ref z01, ref z02, ref z03);
                        KeepWhereSet(mb[chunksPerNeuron], ref z10, ref z11, ref z12, ref z13);
                        KeepWhereSet(mb[2 * chunksPerNeuron], ref z20, ref z21, ref z22, ref z23);
                        KeepWhereSet(mb[3 * chunksPerNeuron], ref z30, ref z31, ref z32, ref z33);
                    }
                }
                else
                {
                    double* m0 = (double*)_maskRows[jg] + kc, m1 = (double*)_maskRows[jg + 1] + kc,
                        m2 = (double*)_maskRows[jg + 2] + kc, m3 = (double*)_maskRows[jg + 3] + kc;
                    z00 *= V.Load(m0); z01 *= V.Load(m0 + 8); z02 *= V.Load(m0 + 16); z03 *= V.Load(m0 + 24);
                    z10 *= V.Load(m1); z11 *= V.Load(m1 + 8); z12 *= V.Load(m1 + 16); z13 *= V.Load(m1 + 24);
                    z20 *= V.Load(m2); z21 *= V.Load(m2 + 8); z22 *= V.Load(m2 + 16); z23 *= V.Load(m2 + 24);
                    z30 *= V.Load(m3); z31 *= V.Load(m3 + 8); z32 *= V.Load(m3 + 16); z33 *= V.Load(m3 + 24);
                }
                var av = V.Create(a[jg]);
                h0 = V.Fma(av, z00, h0); h1 = V.Fma(av, z01, h1);
                h2 = V.Fma(av, z02, h2); h3 = V.Fma(av, z03, h3);
                av = V.Create(a[jg + 1]);
                h0 = V.Fma(av, z10, h0); h1 = V.Fma(av, z11, h1);
                h2 = V.Fma(av, z12, h2); h3 = V.Fma(av, z13, h3);
                av = V.Create(a[jg + 2]);
                h0 = V.Fma(av, z20, h0); h1 = V.Fma(av, z21, h1);
                h2 = V.Fma(av, z22, h2); h3 = V.Fma(av, z23, h3);
                av = V.Create(a[jg + 3]);
                h0 = V.Fma(av, z30, h0); h1 = V.Fma(av, z31, h1);
                h2 = V.Fma(av, z32, h2); h3 = V.Fma(av, z33, h3);
            }
            if (mode == Mode.Gelu) continue;
            V.Store(h0, h + kc); V.Store(h1, h + kc + 8); V.Store(h2, h + kc + 16); V.Store(h3, h + kc + 24);
        }
    }

    /// <summary>Replaces the 32 pattern bits 1[z &gt; 0] of one neuron and chunk and returns how many changed.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static int Flips(uint* word, V z0, V z1, V z2, V z3)
    {
        uint bits = PositiveBits(z0, z1, z2, z3);
        int changed = System.Numerics.BitOperations.PopCount(bits ^ *word);
        *word = bits;
        return changed;
    }
}
