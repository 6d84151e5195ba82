namespace SimplicityBias.Theory.Numerics;

/// <summary>
/// Logarithm and exponential written with IEEE-exact operations only (+, -, *, /, bit
/// manipulation), so random draws built on them give the same bits on every platform and
/// runtime version (Math.Log and Math.Exp may differ in the last bit between C runtimes).
/// Accuracy: a few ulp, which is all a sampler needs.
/// </summary>
public static class DeterministicMath
{
    private const double Ln2Hi = 6.93147180369123816490e-01; // upper bits of ln 2 (exact product with small ints)
    private const double Ln2Lo = 1.90821492927058770002e-10;
    private const double Sqrt2 = 1.4142135623730951;

    /// <summary>Natural logarithm of a positive finite <paramref name="x"/>.</summary>
    public static double Log(double x)
    {
        if (!(x > 0) || double.IsPositiveInfinity(x))
        {
            if (x == 0) return double.NegativeInfinity;
            if (double.IsPositiveInfinity(x)) return x;
            return double.NaN;
        }
        long bits = BitConverter.DoubleToInt64Bits(x);
        int exp = (int)((bits >> 52) & 0x7FF);
        if (exp == 0)
        {
            // subnormal: scale up by 2^54 exactly
            x *= 18014398509481984.0;
            bits = BitConverter.DoubleToInt64Bits(x);
            exp = (int)((bits >> 52) & 0x7FF) - 54;
        }
        int e = exp - 1023;
        double m = BitConverter.Int64BitsToDouble((bits & 0x000FFFFFFFFFFFFFL) | 0x3FF0000000000000L); // [1, 2)
        if (m > Sqrt2) { m *= 0.5; e += 1; } // m in (sqrt(1/2), sqrt(2)]
        // log(m) = 2 atanh(s), s = (m-1)/(m+1), |s| <= 0.1716: the odd series converges fast
        double s = (m - 1.0) / (m + 1.0);
        double s2 = s * s;
        double term = s, sum = 0;
        for (int k = 1; k < 60; k += 2)
        {
            double add = term / k;
            sum += add;
            if (Math.Abs(add) < 1e-18 * Math.Abs(sum)) break;
            term *= s2;
        }
        return e * Ln2Hi + (2.0 * sum + e * Ln2Lo);
    }

    /// <summary>e^x, for finite <paramref name="x"/> (overflows to +infinity, underflows to 0).</summary>
    public static double Exp(double x)
    {
        if (double.IsNaN(x)) return x;
        if (x > 709.782712893384) return double.PositiveInfinity;
        if (x < -745.1332191019412) return 0.0;
        // x = k ln2 + r, |r| <= ln2/2
        double kd = Math.Round(x / (Ln2Hi + Ln2Lo), MidpointRounding.ToEven);
        int k = (int)kd;
        double r = (x - kd * Ln2Hi) - kd * Ln2Lo;
        // Taylor series for e^r with |r| <= 0.347: 20 terms reach full precision
        double term = 1, sum = 1;
        for (int i = 1; i < 30; i++)
        {
            term *= r / i;
            sum += term;
            if (Math.Abs(term) < 1e-18 * sum) break;
        }
        return ScaleByPowerOfTwo(sum, k);
    }

    private static double ScaleByPowerOfTwo(double v, int k)
    {
        // apply 2^k in steps that stay representable, so subnormal results are reached exactly
        while (k > 1000) { v *= BitConverter.Int64BitsToDouble((long)(1000 + 1023) << 52); k -= 1000; }
        while (k < -1000) { v *= BitConverter.Int64BitsToDouble((long)(-1000 + 1023) << 52); k += 1000; }
        if (k >= -1022) return v * BitConverter.Int64BitsToDouble((long)(k + 1023) << 52);
        // k in [-1000, -1023): split so each factor is a normal number
        v *= BitConverter.Int64BitsToDouble((long)(-600 + 1023) << 52);
        return v * BitConverter.Int64BitsToDouble((long)(k + 600 + 1023) << 52);
    }
}
