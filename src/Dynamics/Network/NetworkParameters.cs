namespace SimplicityBias.Dynamics.Network;

/// <summary>
/// Parameters theta = (a_j, w_j), j = 1..m, of h(x) = sum_j a_j relu(&lt;w_j, x&gt;), in one flat
/// array the ODE solvers can use. Layout: neuron-major blocks of d+1 numbers,
/// Theta[j*(d+1)] = a_j and Theta[j*(d+1)+1 .. j*(d+1)+d] = w_j.
/// </summary>
public sealed class NetworkParameters
{
    /// <summary>Width m (number of neurons).</summary>
    public int M { get; }
    /// <summary>Input dimension d.</summary>
    public int D { get; }
    /// <summary>The flat parameter vector, length m*(d+1).</summary>
    public double[] Theta { get; }

    /// <summary>Stride between consecutive neurons in <see cref="Theta"/>.</summary>
    public int Stride => D + 1;

    /// <summary>Wraps (without copying) a flat parameter vector.</summary>
    public NetworkParameters(int m, int d, double[] theta)
    {
        if (m < 1) throw new ArgumentException($"m must be >= 1, got {m}", nameof(m));
        if (d < 1) throw new ArgumentException($"d must be >= 1, got {d}", nameof(d));
        ArgumentNullException.ThrowIfNull(theta);
        if (theta.Length != m * (d + 1)) throw new ArgumentException($"theta has length {theta.Length}, expected m*(d+1) = {m * (d + 1)}", nameof(theta));
        M = m; D = d; Theta = theta;
    }

    /// <summary>Zero parameters of the given shape.</summary>
    public NetworkParameters(int m, int d) : this(m, d, new double[m * (d + 1)]) { }

    /// <summary>Output weight a_j.</summary>
    public double A(int j) => Theta[j * (D + 1)];
    /// <summary>Input weight w_j as a span of length d.</summary>
    public Span<double> W(int j) => new(Theta, j * (D + 1) + 1, D);

    /// <summary>A deep copy.</summary>
    public NetworkParameters Clone() => new(M, D, (double[])Theta.Clone());

    /// <summary>h_theta(x) for one input (reference implementation, not the hot loop).</summary>
    public double Predict(ReadOnlySpan<double> x)
    {
        if (x.Length != D) throw new ArgumentException($"x has length {x.Length}, expected d = {D}", nameof(x));
        double h = 0;
        for (int j = 0; j < M; j++)
        {
            int o = j * (D + 1);
            double z = 0;
            for (int i = 0; i < D; i++) z += Theta[o + 1 + i] * x[i];
            if (z > 0) h += Theta[o] * z;
        }
        return h;
    }

    /// <summary>The training loss L = 1/(2n) sum_k (h(x_k) - y_k)^2 (reference implementation).</summary>
    public double Loss(Dataset data)
    {
        if (data.D != D) throw new ArgumentException($"dataset has d = {data.D}, network has d = {D}", nameof(data));
        double s = 0;
        for (int k = 0; k < data.N; k++)
        {
            double r = Predict(data.Row(k)) - data.Y[k];
            s += r * r;
        }
        return s / (2.0 * data.N);
    }

    /// <summary>beta+ = sum over a_j &gt; 0 of a_j w_j (sign = +1), or beta- over a_j &lt; 0 (sign = -1).</summary>
    public double[] SignedSum(int sign)
    {
        var beta = new double[D];
        for (int j = 0; j < M; j++)
        {
            double a = A(j);
            if (sign > 0 ? a > 0 : a < 0)
            {
                var w = W(j);
                for (int i = 0; i < D; i++) beta[i] += a * w[i];
            }
        }
        return beta;
    }
}
