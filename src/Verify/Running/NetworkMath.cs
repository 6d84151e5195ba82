using SimplicityBias.Dynamics.Network;
using SimplicityBias.Dynamics.Numerics;

namespace SimplicityBias.Verify.Running;

/// <summary>Small reference computations on a trained network (outside any hot loop).</summary>
internal static class NetworkMath
{
    public static double Sigma(double z, bool gelu)
        => gelu ? Gelu.Value(z) : Math.Max(z, 0);

    public static double Predict(NetworkParameters p, ReadOnlySpan<double> x, bool gelu)
    {
        if (!gelu) return p.Predict(x);
        double h = 0;
        for (int j = 0; j < p.M; j++)
        {
            var w = p.W(j);
            double z = 0;
            for (int i = 0; i < p.D; i++) z += w[i] * x[i];
            h += p.A(j) * Sigma(z, true);
        }
        return h;
    }

    /// <summary>1/(2n) sum (h(x_k) - y_k)^2.</summary>
    public static double Loss(NetworkParameters p, Dataset data, bool gelu)
    {
        double s = 0;
        for (int k = 0; k < data.N; k++)
        {
            double r = Predict(p, data.Row(k), gelu) - data.Y[k];
            s += r * r;
        }
        return s / (2.0 * data.N);
    }

    /// <summary>Unit direction of w_j (null for w_j = 0).</summary>
    public static double[]? Direction(NetworkParameters p, int j)
    {
        var w = p.W(j);
        double n = Vec.Norm(w);
        if (!(n > 0)) return null;
        var u = new double[p.D];
        for (int i = 0; i < p.D; i++) u[i] = w[i] / n;
        return u;
    }

    public static double Median(IReadOnlyList<double> values)
    {
        if (values.Count == 0) return double.NaN;
        var s = values.OrderBy(v => v).ToArray();
        return s.Length % 2 == 1 ? s[s.Length / 2] : 0.5 * (s[s.Length / 2 - 1] + s[s.Length / 2]);
    }
}
