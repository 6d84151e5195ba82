using SimplicityBias.Dynamics.Network;

namespace SimplicityBias.Dynamics.Tests.Network;

/// <summary>Random small problems and plain scalar reference implementations (loops, no blocking, no SIMD).</summary>
internal static class ReferenceNetwork
{
    public static Dataset RandomData(int n, int d, ulong seed, double noise = 0.3)
    {
        var rng = new SeededRandom(seed);
        var x = new double[n * d];
        rng.FillGaussian(x);
        var y = new double[n];
        for (int k = 0; k < n; k++) y[k] = x[k * d] + noise * rng.NextGaussian();
        return new Dataset(n, d, x, y);
    }

    /// <summary>A random (unbalanced, scale 1) network: pre-activations of order 1.</summary>
    public static NetworkParameters RandomNetwork(int m, int d, ulong seed)
        => Initialization.Create(InitKind.Unbalanced, m, d, Math.Sqrt(m), seed);

    public static double[] PatternMask(Dataset data, double[] theta, int m)
    {
        int n = data.N, d = data.D;
        var mask = new double[m * n];
        for (int j = 0; j < m; j++)
            for (int k = 0; k < n; k++)
            {
                double z = 0;
                for (int i = 0; i < d; i++) z += theta[j * (d + 1) + 1 + i] * data.X[k * d + i];
                mask[j * n + k] = z > 0 ? 1.0 : 0.0;
            }
        return mask;
    }

    /// <summary>Smallest |z_jk| / |x_k|: how far (in parameter distance) the nearest kink is.</summary>
    public static double KinkMargin(Dataset data, double[] theta, int m)
    {
        int n = data.N, d = data.D;
        double best = double.PositiveInfinity;
        for (int j = 0; j < m; j++)
            for (int k = 0; k < n; k++)
            {
                double z = 0, nx = 0;
                for (int i = 0; i < d; i++) { z += theta[j * (d + 1) + 1 + i] * data.X[k * d + i]; nx += data.X[k * d + i] * data.X[k * d + i]; }
                best = Math.Min(best, Math.Abs(z) / Math.Sqrt(nx));
            }
        return best;
    }

    /// <summary>Loss and gradient by the textbook formulas, one sample and one neuron at a time.</summary>
    public static double LossAndGradient(Dataset data, double[] theta, int m, Activation act, double[] grad, double[]? mask = null)
    {
        int n = data.N, d = data.D, p = d + 1;
        Array.Clear(grad);
        var z = new double[m];
        double loss = 0;
        for (int k = 0; k < n; k++)
        {
            double h = 0;
            for (int j = 0; j < m; j++)
            {
                z[j] = 0;
                for (int i = 0; i < d; i++) z[j] += theta[j * p + 1 + i] * data.X[k * d + i];
                h += theta[j * p] * Act(z[j], act, mask, j, k, n);
            }
            double r = h - data.Y[k];
            loss += r * r;
            for (int j = 0; j < m; j++)
            {
                grad[j * p] += r * Act(z[j], act, mask, j, k, n);
                double dq = mask != null ? mask[j * n + k] : act == Activation.Relu ? (z[j] > 0 ? 1 : 0) : Gelu.Derivative(z[j]);
                for (int i = 0; i < d; i++) grad[j * p + 1 + i] += theta[j * p] * r * dq * data.X[k * d + i];
            }
        }
        for (int i = 0; i < grad.Length; i++) grad[i] /= n;
        return loss / (2.0 * n);
    }

    /// <summary>r_k = h(x_k) - y_k with the given activation or frozen mask.</summary>
    public static double Residual(Dataset data, double[] theta, int m, Activation act, double[]? mask, int k)
    {
        int n = data.N, d = data.D, p = d + 1;
        double h = 0;
        for (int j = 0; j < m; j++)
        {
            double z = 0;
            for (int i = 0; i < d; i++) z += theta[j * p + 1 + i] * data.X[k * d + i];
            h += theta[j * p] * Act(z, act, mask, j, k, n);
        }
        return h - data.Y[k];
    }

    static double Act(double z, Activation act, double[]? mask, int j, int k, int n)
        => mask != null ? mask[j * n + k] * z : act == Activation.Relu ? Math.Max(z, 0) : Gelu.Value(z);

    public static double MaxAbs(ReadOnlySpan<double> v) { double s = 0; foreach (var x in v) s = Math.Max(s, Math.Abs(x)); return s; }
}
