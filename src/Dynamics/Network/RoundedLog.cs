namespace SimplicityBias.Dynamics.Network;

/// <summary>
/// The natural logarithm correctly rounded (but for inputs whose logarithm lies within about 2^-45 ulp of a rounding
/// midpoint, none of which a sampler will meet), so the same on every platform and runtime: Math.Log promises only
/// about one ulp, and C runtimes differ in the last bit. Math.Log's value y0 serves as a start only: one Newton step
/// y0 + (x - e^y0) / e^y0 with e^y0 in double-double arithmetic removes its error, so the result does not depend
/// on which runtime computed y0. Where the runtime's log is itself correctly rounded (almost everywhere for glibc's)
/// the result equals it.
/// </summary>
public static class RoundedLog
{
    const double Ln2Hi = 0.6931471805599453;          // ln 2 to 53 bits
    const double Ln2Lo = 2.3190468138462996e-17;      // ln 2 - Ln2Hi

    /// <summary>ln x for finite x &gt; 0 (0 gives -infinity, +infinity itself, anything else NaN).</summary>
    public static double Log(double x)
    {
        if (!(x > 0) || !double.IsFinite(x)) return x == 0 ? double.NegativeInfinity : double.IsPositiveInfinity(x) ? x : double.NaN;
        if (x == 1) return 0.0;
        // Subnormal: scaled into the normal range (deterministic still, correctly rounded no longer claimed).
        if (!double.IsNormal(x)) return Refine(x * 18014398509481984.0, Math.Log(x * 18014398509481984.0)) - 54 * Ln2Hi - 54 * Ln2Lo;
        return Refine(x, Math.Log(x));
    }

    internal static double Refine(double x, double y0)
    {
        var (hi, lo) = RefineDoubleDouble(x, y0);
        return hi + lo;
    }

    /// <summary>ln x as y0 + c, c the Newton correction of the start y0 (about 1e-30 relative: the double-double log).</summary>
    internal static (double Hi, double Lo) RefineDoubleDouble(double x, double y0)
    {
        var (eHi, eLo) = ExpDoubleDouble(y0, 0);
        // (x - e) / e, with x - eHi exact (e is within a few ulp of x).
        double c = (x - eHi - eLo) / eHi;
        return (y0, c);
    }

    /// <summary>e^(hi + lo) in double-double, for |hi| small enough that 2^k stays normal (|hi| &lt; 700).</summary>
    internal static (double Hi, double Lo) ExpDoubleDouble(double hi, double lo)
    {
        // e^y = 2^k e^r, r = y - k ln 2 in double-double (|r| <= 0.35).
        double k = Math.Round(hi / Ln2Hi);
        double aHi = k * Ln2Hi, aLo = Math.FusedMultiplyAdd(k, Ln2Hi, -aHi);
        double s = hi - aHi; // exact (Sterbenz) when k != 0, and hi itself when k = 0
        var (rHi, rLo) = TwoSum(s, lo - aLo - k * Ln2Lo);
        // e^r by Horner on the Taylor series, in double-double: t = 1 + r t / i for i = 27..1.
        double tHi = 1, tLo = 0;
        for (int i = 27; i >= 1; i--)
        {
            (tHi, tLo) = Mul(rHi, rLo, tHi, tLo);
            (tHi, tLo) = DivSmall(tHi, tLo, i);
            (tHi, tLo) = TwoSum(1.0, tHi, tLo);
        }
        double scale = Math.ScaleB(1.0, (int)k);
        return (tHi * scale, tLo * scale);
    }

    static (double Hi, double Lo) TwoSum(double a, double b)
    {
        double s = a + b, bb = s - a;
        return (s, (a - (s - bb)) + (b - bb));
    }

    /// <summary>a + (bHi + bLo), normalized.</summary>
    static (double Hi, double Lo) TwoSum(double a, double bHi, double bLo)
    {
        var (s, e) = TwoSum(a, bHi);
        return Fast(s, e + bLo);
    }

    internal static (double Hi, double Lo) Fast(double a, double b)
    {
        double s = a + b;
        return (s, b - (s - a));
    }

    static (double Hi, double Lo) Mul(double aHi, double aLo, double bHi, double bLo)
    {
        double p = aHi * bHi, e = Math.FusedMultiplyAdd(aHi, bHi, -p);
        e += aHi * bLo + aLo * bHi;
        return Fast(p, e);
    }

    static (double Hi, double Lo) DivSmall(double hi, double lo, int d)
    {
        double q1 = hi / d;
        double rem = Math.FusedMultiplyAdd(-q1, d, hi) + lo;
        return Fast(q1, rem / d);
    }
}
