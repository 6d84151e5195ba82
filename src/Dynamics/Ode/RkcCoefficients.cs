namespace SimplicityBias.Dynamics.Ode;

/// <summary>
/// The s-stage damped Runge-Kutta-Chebyshev method of order 2 (van der Houwen &amp; Sommeijer 1980; the RKC
/// code of Sommeijer, Shampine &amp; Verwer 1997): an explicit method whose real stability interval grows like
/// s^2 (about 0.65 s^2 with damping 2/13), so a problem whose Jacobian has a real negative spectrum (a
/// gradient flow: its Jacobian is minus a Hessian) is integrated with s ~ sqrt(h rho) evaluations per step
/// instead of the h rho / 3.3 steps of 6 evaluations Dormand-Prince needs there. The stages obey the
/// three-term recurrence of the Chebyshev polynomials T_j:
/// <code>
/// Y_0 = y,  Y_1 = Y_0 + mu~_1 h F_0,
/// Y_j = (1 - mu_j - nu_j) Y_0 + mu_j Y_{j-1} + nu_j Y_{j-2} + mu~_j h F(Y_{j-1}) + gamma~_j h F_0,   y_new = Y_s.
/// </code>
/// </summary>
public sealed class RkcCoefficients
{
    /// <summary>The damping parameter epsilon of w0 = 1 + epsilon / s^2.</summary>
    public const double Damping = 2.0 / 13;

    /// <summary>Number of stages (evaluations of F per step besides F_0).</summary>
    public int Stages { get; }
    /// <summary>mu_j (index j = 2..s; entries 0 and 1 unused).</summary>
    public double[] Mu { get; }
    /// <summary>nu_j (index j = 2..s).</summary>
    public double[] Nu { get; }
    /// <summary>mu~_j (index j = 1..s).</summary>
    public double[] MuTilde { get; }
    /// <summary>gamma~_j (index j = 2..s).</summary>
    public double[] GammaTilde { get; }
    /// <summary>The real stability boundary beta(s): |R(z)| &lt;= 1 for z in [-beta, 0].</summary>
    public double StabilityBoundary { get; }

    /// <summary>Coefficients for <paramref name="stages"/> stages (2 or more).</summary>
    public RkcCoefficients(int stages)
    {
        if (stages < 2) throw new ArgumentOutOfRangeException(nameof(stages), stages, "stages must be >= 2");
        int s = stages;
        Stages = s;
        double w0 = 1 + Damping / ((double)s * s);
        // T_j, T'_j, T''_j at w0 by their three-term recurrences.
        var t = new double[s + 1];
        var dt = new double[s + 1];
        var d2t = new double[s + 1];
        t[0] = 1; t[1] = w0; dt[1] = 1;
        for (int j = 2; j <= s; j++)
        {
            t[j] = 2 * w0 * t[j - 1] - t[j - 2];
            dt[j] = 2 * t[j - 1] + 2 * w0 * dt[j - 1] - dt[j - 2];
            d2t[j] = 4 * dt[j - 1] + 2 * w0 * d2t[j - 1] - d2t[j - 2];
        }
        double w1 = dt[s] / d2t[s];
        // b_j = T''_j / T'_j^2 makes each stage second-order consistent; b_0 = b_1 = b_2 by convention.
        var b = new double[s + 1];
        for (int j = 2; j <= s; j++) b[j] = d2t[j] / (dt[j] * dt[j]);
        b[0] = b[1] = b[2];
        Mu = new double[s + 1]; Nu = new double[s + 1]; MuTilde = new double[s + 1]; GammaTilde = new double[s + 1];
        MuTilde[1] = b[1] * w1;
        for (int j = 2; j <= s; j++)
        {
            Mu[j] = 2 * w0 * b[j] / b[j - 1];
            Nu[j] = -b[j] / b[j - 2];
            MuTilde[j] = 2 * w1 * b[j] / b[j - 1];
            double aPrev = 1 - b[j - 1] * t[j - 1];
            GammaTilde[j] = -aPrev * MuTilde[j];
        }
        StabilityBoundary = Boundary(s);
    }

    /// <summary>
    /// The fewest stages (at least 2) whose stability boundary covers h rho with a 5% margin, capped at
    /// <paramref name="maxStages"/>.
    /// </summary>
    public static int StagesFor(double hRho, int maxStages = 400)
    {
        if (!(hRho >= 0)) throw new ArgumentOutOfRangeException(nameof(hRho), hRho, "h rho must be a non-negative number");
        // beta(s) ~ 0.653 s^2 from below: start under the answer and walk up.
        int s = Math.Max(2, (int)Math.Floor(Math.Sqrt(hRho / 0.66)));
        while (s < maxStages && Boundary(s) < 1.05 * hRho) s++;
        return Math.Min(s, maxStages);
    }

    /// <summary>
    /// beta(s) = (1 + w0) / w1, w1 = T'_s(w0) / T''_s(w0): R(z) = a_s + b_s T_s(w0 + w1 z) stays bounded while
    /// w0 + w1 z &gt;= -1. Scalar recurrences, so choosing s allocates nothing.
    /// </summary>
    static double Boundary(int s)
    {
        double w0 = 1 + Damping / ((double)s * s);
        double t0 = 1, t1 = w0, dt0 = 0, dt1 = 1, d2t0 = 0, d2t1 = 0;
        for (int j = 2; j <= s; j++)
        {
            double t2 = 2 * w0 * t1 - t0, dt2 = 2 * t1 + 2 * w0 * dt1 - dt0, d2t2 = 4 * dt1 + 2 * w0 * d2t1 - d2t0;
            (t0, t1, dt0, dt1, d2t0, d2t1) = (t1, t2, dt1, dt2, d2t1, d2t2);
        }
        return (1 + w0) / (dt1 / d2t1);
    }

    /// <summary>
    /// The local error estimate of the RKC code, (12 (y0 - y1) + 6 h (F0 + F1)) / 15 (a third-order
    /// quantity), written into <paramref name="error"/>.
    /// </summary>
    public static void ErrorEstimate(ReadOnlySpan<double> y0, ReadOnlySpan<double> y1, ReadOnlySpan<double> f0,
        ReadOnlySpan<double> f1, double h, Span<double> error)
    {
        for (int i = 0; i < error.Length; i++)
            error[i] = (12 * (y0[i] - y1[i]) + 6 * h * (f0[i] + f1[i])) / 15;
    }
}
