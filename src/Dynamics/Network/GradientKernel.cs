using SimplicityBias.Dynamics.Network.Lanes;

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
    readonly Dataset _data;
    readonly ITiledKernel _tiled;

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

    /// <summary>The path this kernel runs (<see cref="KernelPath.Auto"/> resolved).</summary>
    public KernelPath Path { get; }

    /// <summary>
    /// Creates a kernel with its workspace for <paramref name="data"/> and width <paramref name="m"/>; <paramref name="path"/>
    /// chooses the register mapping (the same bits on every path), Auto the fastest this machine runs.
    /// </summary>
    public GradientKernel(Dataset data, int m, Activation activation = Activation.Relu, KernelPath path = KernelPath.Auto)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (m < 1) throw new ArgumentException($"m must be >= 1, got {m}", nameof(m));
        _data = data; M = m; Activation = activation;
        Residuals = new double[data.N];
        Path = KernelPaths.Resolve(path);
        _tiled = KernelPaths.Create(Path, data, m, activation);
    }

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
        return _tiled.Evaluate(theta, grad, mask, preActivations, Residuals);
    }

    /// <summary>The length checks shared by every evaluation (theta, a non-empty gradient, non-empty pre-activations).</summary>
    void CheckArguments(ReadOnlySpan<double> theta, Span<double> grad, Span<double> preActivations)
    {
        if (theta.Length != ParameterCount) throw new ArgumentException($"theta has length {theta.Length}, expected {ParameterCount}", nameof(theta));
        if (!grad.IsEmpty && grad.Length != ParameterCount) throw new ArgumentException($"grad has length {grad.Length}, expected {ParameterCount}", nameof(grad));
        if (!preActivations.IsEmpty && preActivations.Length != M * _data.N) throw new ArgumentException($"preActivations has length {preActivations.Length}, expected m*n = {M * _data.N}", nameof(preActivations));
    }

    /// <summary>
    /// <see cref="Evaluate"/> with a frozen 0/1 pattern given as an <see cref="ActivationMask"/> (read as packed bits).
    /// When <paramref name="signs"/> is given it receives the signs of the pre-activations.
    /// </summary>
    internal double EvaluateMasked(ReadOnlySpan<double> theta, Span<double> grad, ActivationMask mask, Span<double> preActivations = default,
        SignPattern? signs = null)
    {
        CheckArguments(theta, grad, preActivations);
        if (Activation != Activation.Relu) throw new ArgumentException("a frozen mask applies to ReLU only", nameof(mask));
        return _tiled.EvaluateMaskBits(theta, grad, mask.Bits, preActivations, Residuals, signs);
    }

    /// <summary>Rows of the tiled kernel's packed patterns (m rounded up to its neuron group).</summary>
    internal int PaddedNeurons => _tiled.PaddedNeurons;

    /// <summary>Whether <see cref="EvaluateCountingFlips"/> is available: always (every path counts pattern changes as a by-product).</summary>
    internal bool CountsFlips => true;

    /// <summary>Length of the pattern array of <see cref="EvaluateCountingFlips"/>.</summary>
    internal int PatternWords => _tiled.PatternWords;

    /// <summary>
    /// Loss and gradient (no mask) as <see cref="Evaluate"/>, and the number of pairs whose side 1[z &gt; 0]
    /// changed since the call that last wrote <paramref name="pattern"/> (the caller ignores the count on the
    /// first call, when the pattern was empty). Requires <see cref="CountsFlips"/>.
    /// </summary>
    internal double EvaluateCountingFlips(ReadOnlySpan<double> theta, Span<double> grad, Span<uint> pattern, out long flips)
    {
        CheckArguments(theta, grad, default);
        if (pattern.Length != PatternWords) throw new ArgumentException($"pattern has length {pattern.Length}, expected {PatternWords}", nameof(pattern));
        return _tiled.Evaluate(theta, grad, default, default, Residuals, pattern, out flips);
    }
}
