namespace SimplicityBias.Dynamics.Network;

/// <summary>
/// The right-hand side f(theta) = -grad L(theta) of the gradient flow with the activation pattern frozen
/// (a mask, so f is a polynomial in theta within a step) and with the Filippov sliding selection: for a
/// neuron sliding on the hyperplanes K_j, the w_j component is projected onto their common tangent space,
/// which is the selection eta_k = lambda_k n / (a_j r_k) that keeps &lt;w_j, x_k&gt; = 0 (THEORY.md section 7).
/// The projectors depend on the data only, so within a step the field stays a polynomial and its
/// Jacobian is exactly -Pi H (Pi the block projector, H the Hessian of the masked loss).
/// </summary>
internal sealed class FilippovField
{
    readonly GradientKernel _kernel;
    readonly Dataset _data;
    readonly int _m, _d, _n;
    readonly double[] _lambda;

    /// <summary>Frozen activation pattern, m x n neuron-major, 0 or 1 (sliding pairs are 0: their z is 0).</summary>
    public ActivationMask Mask { get; }
    /// <summary>Sliding set of each neuron (empty when it slides on none).</summary>
    public SlidingSet[] Sliding { get; }
    /// <summary>lambda of each sliding basis pair at the last evaluation: Lambda[j*(d-1) + position in the basis of K_j].</summary>
    public double[] Lambda => _lambda;
    /// <summary>The unprojected gradient of the masked loss at the last evaluation (layout of theta).</summary>
    public double[] RawGradient { get; }
    /// <summary>Right-hand-side evaluations so far.</summary>
    public long Evaluations { get; private set; }
    /// <summary>The kernel (its residuals are those of the last evaluation).</summary>
    public GradientKernel Kernel => _kernel;
    /// <summary>Number of sliding pairs.</summary>
    public int SlidingPairs { get; private set; }

    public FilippovField(Dataset data, int m)
    {
        _data = data; _m = m; _d = data.D; _n = data.N;
        _kernel = new GradientKernel(data, m, Activation.Relu);
        Mask = new ActivationMask(m, data.N, _kernel.PaddedNeurons);
        Sliding = new SlidingSet[m];
        for (int j = 0; j < m; j++) Sliding[j] = new SlidingSet(data);
        _lambda = new double[m * Math.Max(1, data.D - 1)];
        RawGradient = new double[m * (data.D + 1)];
    }

    /// <summary>Recounts <see cref="SlidingPairs"/> after the sets changed.</summary>
    public void RecountSliding()
    {
        int c = 0;
        foreach (var s in Sliding) c += s.Count;
        SlidingPairs = c;
    }

    /// <summary>f = -Pi grad L_mask(theta); returns the loss. Writes the signs of the pre-activations when asked.</summary>
    public double Evaluate(ReadOnlySpan<double> theta, Span<double> f, SignPattern? signs = null)
    {
        Evaluations++;
        double loss = _kernel.EvaluateMasked(theta, f, Mask, default, signs);
        f.CopyTo(RawGradient);
        for (int p = 0; p < f.Length; p++) f[p] = -f[p];
        if (SlidingPairs > 0) ProjectSliding(f);
        return loss;
    }

    /// <summary>Projects the w-part of every sliding neuron of a vector laid out like theta.</summary>
    public void ProjectSliding(Span<double> v)
    {
        int stride = _d + 1, q = Math.Max(1, _d - 1);
        for (int j = 0; j < _m; j++)
        {
            var set = Sliding[j];
            if (set.Count == 0) continue;
            set.Project(v.Slice(j * stride + 1, _d), _lambda.AsSpan(j * q, set.BasisCount));
        }
    }
}
