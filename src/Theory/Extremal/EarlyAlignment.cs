using SimplicityBias.Dynamics.Network;

namespace SimplicityBias.Theory.Extremal;

/// <summary>
/// The early-alignment field of docs/THEORY.md section 4 on a dataset:
/// D_n(w) = 1/n sum_k 1[&lt;w, x_k&gt; &gt; 0] y_k x_k and G_n(w) = 1/n sum_k y_k relu(&lt;w, x_k&gt;) = &lt;w, D_n(w)&gt;.
/// Points exactly on the hyperplane (&lt;w, x_k&gt; = 0) are taken as inactive (eta = 0).
/// </summary>
public static class EarlyAlignment
{
    /// <summary>Writes D_n(w) into <paramref name="dest"/> and returns G_n(w).</summary>
    public static double D(Dataset data, ReadOnlySpan<double> w, Span<double> dest)
    {
        ArgumentNullException.ThrowIfNull(data);
        int n = data.N, d = data.D;
        if (w.Length != d) throw new ArgumentException($"w has length {w.Length}, expected d = {d}", nameof(w));
        if (dest.Length != d) throw new ArgumentException($"dest has length {dest.Length}, expected d = {d}", nameof(dest));
        dest.Clear();
        var x = data.X;
        var y = data.Y;
        double g = 0;
        for (int k = 0; k < n; k++)
        {
            var row = new ReadOnlySpan<double>(x, k * d, d);
            double z = 0;
            for (int i = 0; i < d; i++) z += w[i] * row[i];
            if (z > 0)
            {
                double yk = y[k];
                g += yk * z;
                for (int i = 0; i < d; i++) dest[i] += yk * row[i];
            }
        }
        double inv = 1.0 / n;
        for (int i = 0; i < d; i++) dest[i] *= inv;
        return g * inv;
    }

    /// <summary>D_n(w) as a new array.</summary>
    public static double[] D(Dataset data, ReadOnlySpan<double> w)
    {
        var dest = new double[data.D];
        D(data, w, dest);
        return dest;
    }

    /// <summary>G_n(w) = 1/n sum_k y_k relu(&lt;w, x_k&gt;).</summary>
    public static double G(Dataset data, ReadOnlySpan<double> w)
    {
        ArgumentNullException.ThrowIfNull(data);
        int n = data.N, d = data.D;
        if (w.Length != d) throw new ArgumentException($"w has length {w.Length}, expected d = {d}", nameof(w));
        double g = 0;
        for (int k = 0; k < n; k++)
        {
            var row = new ReadOnlySpan<double>(data.X, k * d, d);
            double z = 0;
            for (int i = 0; i < d; i++) z += w[i] * row[i];
            if (z > 0) g += data.Y[k] * z;
        }
        return g / n;
    }

    /// <summary>The activation set {k : &lt;w, x_k&gt; &gt; 0}, sorted.</summary>
    public static int[] ActivationSet(Dataset data, ReadOnlySpan<double> w)
    {
        ArgumentNullException.ThrowIfNull(data);
        int d = data.D;
        if (w.Length != d) throw new ArgumentException($"w has length {w.Length}, expected d = {d}", nameof(w));
        var list = new List<int>();
        for (int k = 0; k < data.N; k++)
        {
            var row = new ReadOnlySpan<double>(data.X, k * d, d);
            double z = 0;
            for (int i = 0; i < d; i++) z += w[i] * row[i];
            if (z > 0) list.Add(k);
        }
        return list.ToArray();
    }

    /// <summary>The activation set as a mask: mask[k] = &lt;w, x_k&gt; &gt; 0.</summary>
    public static bool[] ActivationMask(Dataset data, ReadOnlySpan<double> w)
    {
        ArgumentNullException.ThrowIfNull(data);
        int d = data.D;
        if (w.Length != d) throw new ArgumentException($"w has length {w.Length}, expected d = {d}", nameof(w));
        var mask = new bool[data.N];
        for (int k = 0; k < data.N; k++)
        {
            var row = new ReadOnlySpan<double>(data.X, k * d, d);
            double z = 0;
            for (int i = 0; i < d; i++) z += w[i] * row[i];
            mask[k] = z > 0;
        }
        return mask;
    }
}
