namespace SimplicityBias.Dynamics.Network;

/// <summary>
/// x^p correctly rounded (but for results within about 1e-30 relative of a rounding midpoint), so the same on every
/// platform and runtime: step-size control, trajectory times and early-phase thresholds feed a run's bits, and
/// Math.Pow promises only about one ulp, with C runtimes differing in the last bit. Computed as e^(p ln x) with ln x
/// and the exponential in double-double arithmetic (<see cref="RoundedLog"/>); Math.Log serves only as the start of
/// the logarithm's Newton step, so its last bit does not matter.
/// </summary>
public static class RoundedPow
{
    /// <summary>x^p for x &gt;= 0 and finite p (x = 0 or +infinity by the usual limits; negative or NaN x gives NaN).</summary>
    public static double Pow(double x, double p)
    {
        if (double.IsNaN(x) || double.IsNaN(p) || x < 0) return double.NaN;
        if (p == 0 || x == 1) return 1.0;
        if (x == 0) return p > 0 ? 0.0 : double.PositiveInfinity;
        if (double.IsPositiveInfinity(x)) return p > 0 ? double.PositiveInfinity : 0.0;
        if (p == 1) return x;
        if (!double.IsNormal(x)) return Math.Pow(x, p); // subnormal x: not met by the callers, rounded by the runtime
        var (lHi, lLo) = RoundedLog.RefineDoubleDouble(x, Math.Log(x));
        double tHi = p * lHi, tLo = Math.FusedMultiplyAdd(p, lHi, -tHi) + p * lLo;
        if (tHi > 709.8) return double.PositiveInfinity;
        if (tHi < -708.0) return Math.Exp(tHi); // subnormal results: not met by the callers, rounded by the runtime
        var (eHi, eLo) = RoundedLog.ExpDoubleDouble(tHi, tLo);
        return eHi + eLo;
    }
}
