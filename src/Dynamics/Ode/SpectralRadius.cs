namespace SimplicityBias.Dynamics.Ode;

/// <summary>
/// The spectral radius of df/dy at y, estimated without a Jacobian by a nonlinear power iteration on differences of f:
/// v &lt;- f(y + v) - f(y) with |v| ~ sqrt(eps) |y| (the method of the RKC code of Sommeijer, Shampine &amp; Verwer).
/// It is what a stabilized explicit method needs to choose its stage count. The last direction is kept and warm-starts
/// the next estimate, so a refresh along a trajectory converges in a few iterations.
/// </summary>
public sealed class SpectralRadiusEstimator
{
    private double[]? _v;

    /// <summary>Safety factor applied to the converged estimate (the RKC code's 1.2).</summary>
    public const double Margin = 1.2;

    /// <summary>Estimates made so far.</summary>
    public long Estimates { get; private set; }

    /// <summary>
    /// The estimate at (t, y), with <paramref name="f"/> = f(t, y), times <see cref="Margin"/>; at least 1.2e-12.
    /// Stops when two iterates agree to 1% or after <paramref name="maxIterations"/>.
    /// </summary>
    /// <param name="rhs">f.</param>
    /// <param name="t">Time.</param>
    /// <param name="y">State.</param>
    /// <param name="f">f(t, y).</param>
    /// <param name="yWork">Scratch of the state's length.</param>
    /// <param name="fWork">Scratch of the state's length.</param>
    /// <param name="maxIterations">Largest number of evaluations of f.</param>
    public double Estimate(OdeRhs rhs, double t, ReadOnlySpan<double> y, ReadOnlySpan<double> f,
        Span<double> yWork, Span<double> fWork, int maxIterations)
    {
        int n = y.Length;
        if (_v is null || _v.Length != n)
        {
            // Start from f itself plus a deterministic spread, so no eigen-direction is missed by symmetry.
            _v = new double[n];
            double fNorm = Norm2(f);
            for (int i = 0; i < n; i++) _v[i] = f[i] + 1e-3 * fNorm * Spread(i);
        }
        double delta = Math.Max(Norm2(y), 1e-8) * Math.Sqrt(2.2e-16);
        double vNorm = Norm2(_v);
        if (!(vNorm > 0)) { for (int i = 0; i < n; i++) _v[i] = Spread(i); vNorm = Norm2(_v); }
        double rho = 0;
        for (int it = 0; it < maxIterations; it++)
        {
            double scale = delta / vNorm;
            for (int i = 0; i < n; i++) { _v[i] *= scale; yWork[i] = y[i] + _v[i]; }
            rhs(t, yWork[..n], fWork[..n]);
            for (int i = 0; i < n; i++) _v[i] = fWork[i] - f[i];
            vNorm = Norm2(_v);
            double next = vNorm / delta;
            bool converged = it > 0 && Math.Abs(next - rho) <= 0.01 * next;
            rho = next;
            if (converged) break;
            if (!(vNorm > 0)) break; // f constant along v: nothing stiff in that direction
        }
        Estimates++;
        return Margin * Math.Max(rho, 1e-12);
    }

    /// <summary>A fixed pseudo-random number in [-1, 1) for index i (a Weyl sequence's fraction: IEEE-exact, the same everywhere).</summary>
    private static double Spread(int i) => 2.0 * ((ulong)(i + 1) * 0x9E3779B97F4A7C15UL >> 11) * (1.0 / (1UL << 53)) - 1.0;

    private static double Norm2(ReadOnlySpan<double> v)
    {
        double s = 0;
        foreach (var x in v) s += x * x;
        return Math.Sqrt(s);
    }
}
