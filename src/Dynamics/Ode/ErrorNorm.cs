namespace SimplicityBias.Dynamics.Ode;

/// <summary>
/// The weighted RMS error norm of adaptive step control:
/// sqrt(mean_i (err_i / (atol_i + rtol * max(|y_i|, |ynew_i|)))^2). A step is acceptable when it is &lt;= 1.
/// </summary>
public static class ErrorNorm
{
    /// <summary>Norm with a scalar absolute tolerance.</summary>
    public static double Rms(ReadOnlySpan<double> error, ReadOnlySpan<double> y, ReadOnlySpan<double> yNew, double rtol, double atol)
        => Rms(error, y, yNew, rtol, new ReadOnlySpan<double>(in atol));

    /// <summary>Norm with an absolute tolerance of length 1 (broadcast) or n (per component).</summary>
    public static double Rms(ReadOnlySpan<double> error, ReadOnlySpan<double> y, ReadOnlySpan<double> yNew, double rtol, ReadOnlySpan<double> atol)
    {
        int n = error.Length;
        if (y.Length != n || yNew.Length != n) throw new ArgumentException($"error, y and yNew must have one length, got {n}, {y.Length}, {yNew.Length}");
        if (atol.Length != 1 && atol.Length != n) throw new ArgumentException($"atol must have length 1 or {n}, got {atol.Length}", nameof(atol));
        double sum = 0;
        bool scalar = atol.Length == 1;
        for (int i = 0; i < n; i++)
        {
            double sc = (scalar ? atol[0] : atol[i]) + rtol * Math.Max(Math.Abs(y[i]), Math.Abs(yNew[i]));
            double r = error[i] / sc;
            sum += r * r;
        }
        return Math.Sqrt(sum / n);
    }

    /// <summary>The weight 1/sc_i of component i (helper for steppers that combine several estimates).</summary>
    internal static double Scale(int i, double yi, double yNewi, double rtol, ReadOnlySpan<double> atol)
        => (atol.Length == 1 ? atol[0] : atol[i]) + rtol * Math.Max(Math.Abs(yi), Math.Abs(yNewi));
}
