namespace SimplicityBias.Dynamics.Network;

/// <summary>
/// erfc and e^x from IEEE-exact operations and the double-double exponential of <see cref="RoundedLog"/>, so GeLU gives
/// the same bits on every platform (the runtime's exp and a library's erfc may differ in the last bit).
/// erfc(x) for 0 &lt;= x &lt; 2.5 is 1 - erf(x), erf from the series (2/sqrt(pi)) e^(-x^2) sum_n (2x^2)^n x / (1 3 ... (2n+1))
/// (all terms positive: no cancellation); for x &gt;= 2.5 the continued fraction
/// erfc(x) = e^(-x^2) / sqrt(pi) / (x + (1/2) / (x + 1 / (x + (3/2) / (x + ...)))) evaluated from a fixed depth;
/// erfc(-x) = 2 - erfc(x). Accurate to a few ulp of 1 (absolute) below 2.5 and a few ulp relative above.
/// </summary>
public static class GaussianTail
{
    const double TwoOverSqrtPi = 1.1283791670955126, InvSqrtPi = 0.5641895835477563;
    const int FractionDepth = 120;

    /// <summary>e^x, correctly rounded for -708 &lt; x &lt; 709 (0 below, +infinity above).</summary>
    public static double Exp(double x)
    {
        if (double.IsNaN(x)) return x;
        if (x >= 709.78) return double.PositiveInfinity;
        if (x <= -708) return 0.0;
        var (hi, lo) = RoundedLog.ExpDoubleDouble(x, 0);
        return hi + lo;
    }

    /// <summary>The complementary error function.</summary>
    public static double Erfc(double x)
    {
        if (double.IsNaN(x)) return x;
        if (x < 0) return 2.0 - Erfc(-x);
        if (x >= 27) return 0.0;
        double e = Exp(-x * x);
        if (x < 2.5)
        {
            double twoX2 = 2 * x * x, term = x, sum = x;
            for (int n = 1; n < 200; n++)
            {
                term *= twoX2 / (2 * n + 1);
                sum += term;
                if (term < 1e-17 * sum) break;
            }
            return 1.0 - TwoOverSqrtPi * e * sum;
        }
        double f = x;
        for (int k = FractionDepth; k >= 1; k--) f = x + 0.5 * k / f;
        return InvSqrtPi * e / f;
    }
}
