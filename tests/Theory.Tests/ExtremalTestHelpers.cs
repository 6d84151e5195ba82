using SimplicityBias.Dynamics.Network;
using SimplicityBias.Theory.Data;
using SimplicityBias.Theory.Extremal;

namespace SimplicityBias.Theory.Tests;

internal static class ExtremalTestHelpers
{
    public static Dataset Gaussian(int n, int d, long seed, double sigma = 1.0)
    {
        var m = DataModel.StandardLinear(n, d, sigma, seed);
        return m.Generate();
    }

    public static string KeyOf(ExtremalVector v) =>
        $"{v.Sign}|{string.Join(",", v.ActivationSet)}|{string.Join(",", v.BoundarySet)}";

    /// <summary>
    /// Checks D_n(u) = s c u from scratch: the activation set of u (points strictly positive),
    /// the boundary points (|&lt;u,x_k&gt;| tiny), and the eta selection in [0, 1].
    /// Returns an error message or null.
    /// </summary>
    public static string? CheckExact(Dataset data, ExtremalVector v)
    {
        int n = data.N, d = data.D;
        var u = v.Direction;
        double un = Math.Sqrt(u.Sum(t => t * t));
        if (Math.Abs(un - 1) > 1e-12) return $"|u| = {un}";
        if (v.Sign != 1 && v.Sign != -1) return $"sign {v.Sign}";
        if (!(v.Value > 0)) return $"c = {v.Value}";
        var boundary = new HashSet<int>(v.BoundarySet);
        var dn = new double[d];
        double scale = 0;
        var act = new List<int>();
        for (int k = 0; k < n; k++)
        {
            var x = data.Row(k);
            double z = 0, xn = 0;
            for (int i = 0; i < d; i++) { z += u[i] * x[i]; xn += x[i] * x[i]; }
            xn = Math.Sqrt(xn);
            scale += Math.Abs(data.Y[k]) * xn / n;
            if (boundary.Contains(k))
            {
                if (Math.Abs(z) > 1e-10 * xn) return $"boundary point {k} has <u,x> = {z}";
                continue;
            }
            if (z > 0)
            {
                act.Add(k);
                for (int i = 0; i < d; i++) dn[i] += data.Y[k] * x[i] / n;
            }
        }
        if (!act.SequenceEqual(v.ActivationSet)) return "activation set differs from the one recomputed from u";
        for (int p = 0; p < v.BoundarySet.Length; p++)
        {
            double eta = v.Eta[p];
            if (eta < 0 || eta > 1) return $"eta = {eta}";
            int k = v.BoundarySet[p];
            for (int i = 0; i < d; i++) dn[i] += eta * data.Y[k] * data.X[k * d + i] / n;
        }
        double res = 0;
        for (int i = 0; i < d; i++) res += Math.Pow(dn[i] - v.Sign * v.Value * u[i], 2);
        res = Math.Sqrt(res);
        if (res > 1e-12 * (scale + v.Value)) return $"|D_n(u) - s c u| = {res} (scale {scale})";
        return null;
    }
}
