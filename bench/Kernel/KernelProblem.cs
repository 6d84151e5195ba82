using SimplicityBias.Dynamics.Network;

namespace SimplicityBias.Bench.Kernel;

/// <summary>A random regression problem of a given size for timing the gradient kernel (data and weights are fixed by the seed).</summary>
public sealed class KernelProblem
{
    public int N { get; }
    public int M { get; }
    public int D { get; }
    public Dataset Data { get; }
    public double[] Theta { get; }
    public double[] Grad { get; }
    public GradientKernel Kernel { get; }

    /// <summary>Flops of one loss-and-gradient evaluation by the usual count: two dense products, 4 n m d.</summary>
    public double Flops => 4.0 * N * M * D;

    public KernelProblem(int n, int m, int d, Activation activation = Activation.Relu, ulong seed = 1, KernelPath path = KernelPath.Auto)
    {
        N = n; M = m; D = d;
        var rng = new SeededRandom(seed);
        var x = new double[(long)n * d];
        rng.FillGaussian(x);
        var y = new double[n];
        for (int k = 0; k < n; k++) y[k] = x[(long)k * d] + 0.5 * rng.NextGaussian();
        Data = new Dataset(n, d, x, y);
        // Scale 1: about half the pairs active, as in the middle of training.
        Theta = Initialization.Create(InitKind.Balanced, m, d, Math.Sqrt(m), seed + 1).Theta;
        Grad = new double[Theta.Length];
        Kernel = new GradientKernel(Data, m, activation, path);
    }

    ActivationMask? _mask;
    SignPattern? _signs;

    /// <summary>
    /// Time the Filippov integrator's path instead: a frozen pattern (the ReLU pattern of Theta) read as packed
    /// bits, and the signs of the pre-activations written as bits.
    /// </summary>
    public bool Masked
    {
        get => _mask is not null;
        set
        {
            if (!value) { _mask = null; _signs = null; return; }
            _mask = new ActivationMask(M, N, Kernel.PaddedNeurons);
            _signs = new SignPattern(M, N, Kernel.PaddedNeurons);
            for (int j = 0; j < M; j++) _signs.SetNeuron(j, Theta.AsSpan(j * (D + 1) + 1, D), Data);
            _mask.SetFromSigns(_signs);
        }
    }

    public double Evaluate() => _mask is null ? Kernel.Evaluate(Theta, Grad) : Kernel.EvaluateMasked(Theta, Grad, _mask, default, _signs);

    public override string ToString() => $"n={N} m={M} d={D}";
}
