namespace SimplicityBias.Dynamics.Ode;

/// <summary>
/// Hairer's automatic initial step (Hairer, Nørsett, Wanner I, II.4), with RMS norms weighted by
/// atol + rtol |y0|: a first guess 0.01 |y0|/|f0|, one explicit Euler step to estimate |y''|, then
/// h = min(100 h0, (0.01 / max(|f0|, |y''|))^(1/k), hmax). Costs one evaluation of f.
/// |y''| is |f(y0 + h0 f0) - f0| / h0 as Hairer's code computes it, or with <c>divideBeforeNorm</c> the norm of the
/// difference quotient (f(y0 + h0 f0) - f0) / h0: the same number but for the last bits, which a caller that pins its
/// runs' bits may need to keep.
/// </summary>
public static class InitialStep
{
    /// <summary>Proposes the first step.</summary>
    /// <param name="rhs">f.</param>
    /// <param name="t0">Initial time.</param>
    /// <param name="y0">Initial state.</param>
    /// <param name="f0">f(t0, y0).</param>
    /// <param name="errorOrder">k, the order of the local error estimate (err ~ h^k).</param>
    /// <param name="rtol">Relative tolerance.</param>
    /// <param name="atol">Absolute tolerance, length 1 or n.</param>
    /// <param name="maxStep">Upper bound on the result (and on the remaining span).</param>
    /// <param name="work1">Scratch of length n.</param>
    /// <param name="work2">Scratch of length n.</param>
    /// <param name="statistics">Counts the evaluation of f (may be null).</param>
    /// <param name="divideBeforeNorm">Divide the difference of f by h0 component by component, before the norm.</param>
    public static double Select(OdeRhs rhs, double t0, ReadOnlySpan<double> y0, ReadOnlySpan<double> f0, int errorOrder,
        double rtol, ReadOnlySpan<double> atol, double maxStep, Span<double> work1, Span<double> work2, OdeStatistics? statistics = null,
        bool divideBeforeNorm = false)
    {
        int n = y0.Length;
        double d0 = 0, d1 = 0;
        for (int i = 0; i < n; i++)
        {
            double sc = ErrorNorm.Scale(i, y0[i], y0[i], rtol, atol);
            d0 += (y0[i] / sc) * (y0[i] / sc);
            d1 += (f0[i] / sc) * (f0[i] / sc);
        }
        d0 = Math.Sqrt(d0 / n);
        d1 = Math.Sqrt(d1 / n);
        double h0 = d0 < 1e-5 || d1 < 1e-5 ? 1e-6 : 0.01 * d0 / d1;
        h0 = Math.Min(h0, maxStep);
        for (int i = 0; i < n; i++) work1[i] = y0[i] + h0 * f0[i];
        rhs(t0 + h0, work1[..n], work2[..n]);
        if (statistics != null) statistics.FunctionEvaluations++;
        double d2 = 0;
        for (int i = 0; i < n; i++)
        {
            double sc = ErrorNorm.Scale(i, y0[i], y0[i], rtol, atol);
            double r = divideBeforeNorm ? (work2[i] - f0[i]) / h0 / sc : (work2[i] - f0[i]) / sc;
            d2 += r * r;
        }
        d2 = divideBeforeNorm ? Math.Sqrt(d2 / n) : Math.Sqrt(d2 / n) / h0;
        if (!double.IsFinite(d2)) return Math.Min(h0 * 1e-3, maxStep);
        double h1 = d1 <= 1e-15 && d2 <= 1e-15
            ? Math.Max(1e-6, h0 * 1e-3)
            : Network.RoundedPow.Pow(0.01 / Math.Max(d1, d2), 1.0 / errorOrder);
        return Math.Min(Math.Min(100 * h0, h1), maxStep);
    }
}
