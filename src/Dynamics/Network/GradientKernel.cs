using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.Intrinsics;

namespace SimplicityBias.Dynamics.Network;

/// <summary>
/// The hot loop: loss and gradient of L(theta) = 1/(2n) sum_k (h(x_k) - y_k)^2 for one dataset and width.
/// Two dense products (Z = W X^T, then the gradient (mask .* r) X), about 4 n m d flops, processed in
/// sample blocks so the pre-activations of a block stay in cache: the residual of a sample depends on that
/// sample only, so a block can be finished (forward, residual, gradient) before the next is read.
/// One instance is not thread-safe (it owns its workspace); use one per thread.
/// </summary>
public sealed class GradientKernel
{
    const int Block = 256;

    readonly Dataset _data;
    readonly double[] _z;   // m x Block pre-activations of the current block
    readonly double[] _s;   // m x Block activations (masked for a frozen pattern)
    readonly double[] _q;   // Block: r .* relu'(z) for one neuron
    readonly double[] _h;   // Block: predictions
    readonly double[] _gw;  // m x d, unscaled w-gradient accumulator

    /// <summary>Width m.</summary>
    public int M { get; }
    /// <summary>The dataset.</summary>
    public Dataset Data => _data;
    /// <summary>Nonlinearity.</summary>
    public Activation Activation { get; }
    /// <summary>Number of parameters m(d+1).</summary>
    public int ParameterCount => M * (_data.D + 1);
    /// <summary>Residuals r_k = h(x_k) - y_k of the last evaluation (length n).</summary>
    public double[] Residuals { get; }

    /// <summary>Creates a kernel with its workspace for <paramref name="data"/> and width <paramref name="m"/>.</summary>
    public GradientKernel(Dataset data, int m, Activation activation = Activation.Relu)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (m < 1) throw new ArgumentException($"m must be >= 1, got {m}", nameof(m));
        _data = data; M = m; Activation = activation;
        _z = new double[m * Block];
        _s = new double[m * Block];
        _q = new double[Block];
        _h = new double[Block];
        _gw = new double[m * data.D];
        Residuals = new double[data.N];
        if (Vector512.IsHardwareAccelerated) _tiled = new TiledGradientKernel(data, m, activation);
    }

    /// <summary>Tests set this to run the portable implementation instead of the AVX-512 one.</summary>
    internal static bool ForcePortable { get; set; }

    readonly TiledGradientKernel? _tiled;

    /// <summary>
    /// Loss (1/(2n)), and the gradient into <paramref name="grad"/> unless it is empty.
    /// </summary>
    /// <param name="theta">Parameters, length m(d+1), layout of <see cref="NetworkParameters"/>.</param>
    /// <param name="grad">Gradient output (same layout), or empty for the loss only.</param>
    /// <param name="mask">Frozen activation pattern (ReLU only): m x n, neuron-major, entries 0 or 1 (or an
    /// eta in [0, 1]); relu(z) is taken as mask*z and relu'(z) as mask. Empty: relu'(z) = 1[z &gt; 0].</param>
    /// <param name="preActivations">If not empty (m x n, neuron-major), receives z_jk = &lt;w_j, x_k&gt;.</param>
    public double Evaluate(ReadOnlySpan<double> theta, Span<double> grad, ReadOnlySpan<double> mask = default,
        Span<double> preActivations = default)
    {
        int n = _data.N, m = M;
        CheckArguments(theta, grad, preActivations);
        if (!mask.IsEmpty && mask.Length != m * n) throw new ArgumentException($"mask has length {mask.Length}, expected m*n = {m * n}", nameof(mask));
        if (!mask.IsEmpty && Activation != Activation.Relu) throw new ArgumentException("a frozen mask applies to ReLU only", nameof(mask));
        return _tiled is not null && !ForcePortable
            ? _tiled.Evaluate(theta, grad, mask, preActivations, Residuals)
            : EvaluatePortable(theta, grad, mask, preActivations);
    }

    /// <summary>The length checks shared by every evaluation (theta, a non-empty gradient, non-empty pre-activations).</summary>
    void CheckArguments(ReadOnlySpan<double> theta, Span<double> grad, Span<double> preActivations)
    {
        if (theta.Length != ParameterCount) throw new ArgumentException($"theta has length {theta.Length}, expected {ParameterCount}", nameof(theta));
        if (!grad.IsEmpty && grad.Length != ParameterCount) throw new ArgumentException($"grad has length {grad.Length}, expected {ParameterCount}", nameof(grad));
        if (!preActivations.IsEmpty && preActivations.Length != M * _data.N) throw new ArgumentException($"preActivations has length {preActivations.Length}, expected m*n = {M * _data.N}", nameof(preActivations));
    }

    /// <summary>
    /// <see cref="Evaluate"/> with a frozen 0/1 pattern given as an <see cref="ActivationMask"/>: the tiled kernel
    /// reads its packed bits, the portable one the pattern expanded to doubles.
    /// When <paramref name="signs"/> is given it receives the signs of the pre-activations (the tiled kernel writes
    /// them as bits from its registers; the portable one converts its pre-activations).
    /// </summary>
    internal double EvaluateMasked(ReadOnlySpan<double> theta, Span<double> grad, ActivationMask mask, Span<double> preActivations = default,
        SignPattern? signs = null)
    {
        if (_tiled is null || ForcePortable)
        {
            if (signs is not null && preActivations.IsEmpty) preActivations = _portableZ ??= new double[M * _data.N];
            double loss = Evaluate(theta, grad, mask.ToDoubles(), preActivations);
            signs?.SetFrom(preActivations);
            return loss;
        }
        CheckArguments(theta, grad, preActivations);
        if (Activation != Activation.Relu) throw new ArgumentException("a frozen mask applies to ReLU only", nameof(mask));
        return _tiled.EvaluateMaskBits(theta, grad, mask.Bits, preActivations, Residuals, signs);
    }

    double[]? _portableZ; // pre-activations for the portable path's signs, allocated on first use

    /// <summary>Rows of the tiled kernel's packed patterns (m rounded up to its neuron group), or m.</summary>
    internal int PaddedNeurons => _tiled?.PaddedNeurons ?? M;

    /// <summary>
    /// Whether <see cref="EvaluateCountingFlips"/> is available: the tiled path counts pattern changes as a
    /// by-product; otherwise callers compare pre-activations themselves.
    /// </summary>
    internal bool CountsFlips => _tiled is not null && !ForcePortable;

    /// <summary>Length of the pattern array of <see cref="EvaluateCountingFlips"/>.</summary>
    internal int PatternWords => _tiled?.PatternWords ?? 0;

    /// <summary>
    /// Loss and gradient (no mask) as <see cref="Evaluate"/>, and the number of pairs whose side 1[z &gt; 0]
    /// changed since the call that last wrote <paramref name="pattern"/> (the caller ignores the count on the
    /// first call, when the pattern was empty). Requires <see cref="CountsFlips"/>.
    /// </summary>
    internal double EvaluateCountingFlips(ReadOnlySpan<double> theta, Span<double> grad, Span<uint> pattern, out long flips)
    {
        if (!CountsFlips) throw new InvalidOperationException("flip counting needs the tiled (AVX-512) kernel");
        CheckArguments(theta, grad, default);
        if (pattern.Length != PatternWords) throw new ArgumentException($"pattern has length {pattern.Length}, expected {PatternWords}", nameof(pattern));
        return _tiled!.Evaluate(theta, grad, default, default, Residuals, pattern, out flips);
    }

    /// <summary>The first implementation (TensorPrimitives over sample blocks): the fallback without AVX-512, and a reference in tests.</summary>
    double EvaluatePortable(ReadOnlySpan<double> theta, Span<double> grad, ReadOnlySpan<double> mask, Span<double> preActivations)
    {
        int n = _data.N, d = _data.D, m = M, stride = d + 1;
        if (theta.Length != ParameterCount) throw new ArgumentException($"theta has length {theta.Length}, expected {ParameterCount}", nameof(theta));
        bool wantGrad = !grad.IsEmpty;
        if (wantGrad && grad.Length != ParameterCount) throw new ArgumentException($"grad has length {grad.Length}, expected {ParameterCount}", nameof(grad));
        bool masked = !mask.IsEmpty;
        if (masked && mask.Length != m * n) throw new ArgumentException($"mask has length {mask.Length}, expected m*n = {m * n}", nameof(mask));
        if (masked && Activation != Activation.Relu) throw new ArgumentException("a frozen mask applies to ReLU only", nameof(mask));
        if (!preActivations.IsEmpty && preActivations.Length != m * n) throw new ArgumentException($"preActivations has length {preActivations.Length}, expected m*n = {m * n}", nameof(preActivations));

        var xt = _data.XT;
        var y = _data.Y;
        if (wantGrad) { grad.Clear(); Array.Clear(_gw); }
        double sumSq = 0;

        for (int k0 = 0; k0 < n; k0 += Block)
        {
            int b = Math.Min(Block, n - k0);
            var h = _h.AsSpan(0, b);
            h.Clear();
            // Forward: z_j = sum_i w_ji x_i over the block, s_j = act(z_j), h += a_j s_j.
            for (int j = 0; j < m; j++)
            {
                var z = _z.AsSpan(j * Block, b);
                int o = j * stride + 1;
                TensorPrimitives.Multiply(new ReadOnlySpan<double>(xt, k0, b), theta[o], z);
                for (int i = 1; i < d; i++)
                    TensorPrimitives.MultiplyAdd(new ReadOnlySpan<double>(xt, i * n + k0, b), theta[o + i], z, z);
                if (!preActivations.IsEmpty) z.CopyTo(preActivations.Slice(j * n + k0, b));
                var s = _s.AsSpan(j * Block, b);
                if (masked) TensorPrimitives.Multiply(z, mask.Slice(j * n + k0, b), s);
                else if (Activation == Activation.Relu) TensorPrimitives.Max(z, 0.0, s);
                else Gelu.Values(z, s);
                TensorPrimitives.MultiplyAdd(s, theta[j * stride], h, h);
            }
            // Residuals of the block.
            var r = Residuals.AsSpan(k0, b);
            TensorPrimitives.Subtract(h, new ReadOnlySpan<double>(y, k0, b), r);
            sumSq += TensorPrimitives.Dot(r, r);
            if (!wantGrad) continue;
            // Gradient: dL/da_j = <r, s_j>/n, dL/dw_j = a_j/n * sum_k r_k act'(z_jk) x_k.
            var q = _q.AsSpan(0, b);
            for (int j = 0; j < m; j++)
            {
                var s = _s.AsSpan(j * Block, b);
                grad[j * stride] += TensorPrimitives.Dot(r, s);
                var z = _z.AsSpan(j * Block, b);
                if (masked) TensorPrimitives.Multiply(r, mask.Slice(j * n + k0, b), q);
                else if (Activation == Activation.Relu) ReluDerivativeTimes(z, r, q);
                else { Gelu.Derivatives(z, q); TensorPrimitives.Multiply(q, r, q); }
                int g = j * d;
                for (int i = 0; i < d; i++)
                    _gw[g + i] += TensorPrimitives.Dot(q, new ReadOnlySpan<double>(xt, i * n + k0, b));
            }
        }
        if (wantGrad)
        {
            double invN = 1.0 / n;
            for (int j = 0; j < m; j++)
            {
                int o = j * stride;
                grad[o] *= invN;
                double aOverN = theta[o] * invN;
                for (int i = 0; i < d; i++) grad[o + 1 + i] = aOverN * _gw[j * d + i];
            }
        }
        return sumSq / (2.0 * n);
    }

    /// <summary>q_k = r_k if z_k &gt; 0 else 0 (relu'(0) = 0, PyTorch's convention).</summary>
    static void ReluDerivativeTimes(ReadOnlySpan<double> z, ReadOnlySpan<double> r, Span<double> q)
    {
        int k = 0;
        if (Vector.IsHardwareAccelerated)
        {
            int w = Vector<double>.Count;
            for (; k <= z.Length - w; k += w)
            {
                var zv = new Vector<double>(z.Slice(k));
                var rv = new Vector<double>(r.Slice(k));
                Vector.ConditionalSelect(Vector.GreaterThan(zv, Vector<double>.Zero), rv, Vector<double>.Zero).CopyTo(q.Slice(k));
            }
        }
        for (; k < z.Length; k++) q[k] = z[k] > 0 ? r[k] : 0.0;
    }
}
