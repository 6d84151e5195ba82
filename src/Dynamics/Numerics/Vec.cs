namespace SimplicityBias.Dynamics.Numerics;

/// <summary>Small dense vector helpers on spans (no allocation unless the name says so).</summary>
public static class Vec
{
    /// <summary>The inner product &lt;a, b&gt;.</summary>
    public static double Dot(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        if (a.Length != b.Length) throw new ArgumentException($"lengths differ: {a.Length} and {b.Length}", nameof(b));
        double s = 0;
        for (int i = 0; i < a.Length; i++) s += a[i] * b[i];
        return s;
    }

    /// <summary>The Euclidean norm |a|.</summary>
    public static double Norm(ReadOnlySpan<double> a) => Math.Sqrt(Dot(a, a));

    /// <summary>The Euclidean distance |a - b|.</summary>
    public static double Distance(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        if (a.Length != b.Length) throw new ArgumentException($"lengths differ: {a.Length} and {b.Length}", nameof(b));
        double s = 0;
        for (int i = 0; i < a.Length; i++) { double t = a[i] - b[i]; s += t * t; }
        return Math.Sqrt(s);
    }

    /// <summary>Scales <paramref name="a"/> to unit norm in place; returns the old norm (0 leaves it unchanged).</summary>
    public static double Normalize(Span<double> a)
    {
        double n = Norm(a);
        if (n > 0)
        {
            double inv = 1.0 / n;
            for (int i = 0; i < a.Length; i++) a[i] *= inv;
        }
        return n;
    }

    /// <summary>A new unit vector along <paramref name="a"/> (throws if a = 0).</summary>
    public static double[] Unit(ReadOnlySpan<double> a)
    {
        var u = a.ToArray();
        if (Normalize(u) == 0) throw new ArgumentException("cannot normalise the zero vector", nameof(a));
        return u;
    }

    /// <summary>
    /// The angle in radians between the directions of <paramref name="a"/> and <paramref name="b"/>,
    /// computed as 2 asin(|a/|a| - b/|b|| / 2), accurate also for tiny angles.
    /// </summary>
    public static double Angle(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        if (a.Length != b.Length) throw new ArgumentException($"lengths differ: {a.Length} and {b.Length}", nameof(b));
        double na = Norm(a), nb = Norm(b);
        if (na == 0 || nb == 0) return double.NaN;
        double s = 0;
        for (int i = 0; i < a.Length; i++)
        {
            double t = a[i] / na - b[i] / nb;
            s += t * t;
        }
        return 2.0 * Math.Asin(Math.Min(1.0, Math.Sqrt(s) / 2.0));
    }
}
