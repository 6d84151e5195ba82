namespace SimplicityBias.Dynamics.Ode;

/// <summary>
/// ROS34PW2 (Rang and Angermann, 2005): a Rosenbrock-W method of order 3 with an embedded method of order 2, four
/// stages, L-stable and stiffly accurate. "W": its order conditions hold for any matrix in place of the Jacobian, so a
/// low-rank model of the stiff directions (<see cref="LowRankJacobian"/>) can be reused over many steps without losing
/// order; only stability depends on it. A step solves, for i = 1..4,
/// (I - h gamma J) k_i = h f(y0 + sum_j alpha_ij k_j) + h J sum_j gamma_ij k_j, and y1 = y0 + sum_i b_i k_i.
/// </summary>
public static class RosenbrockW
{
    /// <summary>The diagonal gamma.</summary>
    public const double Gamma = 0.435866521508459;
    /// <summary>Order of the error estimate (err ~ h^3).</summary>
    public const int ErrorOrder = 3;

    static readonly double[,] Alpha =
    {
        { 0, 0, 0 },
        { 0.87173304301691801, 0, 0 },
        { 0.84457060015369423, -0.11299064236484185, 0 },
        { 0, 0, 1 },
    };
    static readonly double[,] GammaOff =
    {
        { 0, 0, 0 },
        { -0.87173304301691801, 0, 0 },
        { -0.90338057013044082, 0.054180672388095326, 0 },
        { 0.24212380706095346, -1.2232505839045147, 0.54526025533510214 },
    };
    static readonly double[] B = { 0.24212380706095346, -1.2232505839045147, 1.5452602553351020, 0.435866521508459 };
    static readonly double[] BHat = { 0.37810903145819369, -0.096042292212423178, 0.5, 0.2179332607542295 };

    /// <summary>Stages.</summary>
    public const int Stages = 4;

    /// <summary>
    /// One step of size h from (t, y0) with f0 = f(t, y0): writes y1 and the error estimate y1 - y1_embedded. Uses
    /// three evaluations of f (the first stage is f0). <paramref name="k"/> holds the four stage vectors and
    /// <paramref name="work"/> two more of length P.
    /// </summary>
    public static void Advance(OdeRhs f, double t, double h, LowRankJacobian jacobian, ReadOnlySpan<double> y0, ReadOnlySpan<double> f0,
        double[][] k, double[] work, double[] stageState, Span<double> y1, Span<double> err)
    {
        int p = y0.Length;
        double c = h * Gamma;
        for (int i = 0; i < Stages; i++)
        {
            var ki = k[i];
            if (i == 0) for (int l = 0; l < p; l++) ki[l] = h * f0[l];
            else
            {
                double alphaSum = 0;
                for (int l = 0; l < p; l++)
                {
                    double s = y0[l];
                    for (int j = 0; j < i; j++) s += Alpha[i, j] * k[j][l];
                    stageState[l] = s;
                }
                for (int j = 0; j < i; j++) alphaSum += Alpha[i, j];
                f(t + alphaSum * h, stageState, ki);
                // work = sum_j gamma_ij k_j, then h J work added to h f.
                for (int l = 0; l < p; l++)
                {
                    double s = 0;
                    for (int j = 0; j < i; j++) s += GammaOff[i, j] * k[j][l];
                    work[l] = s;
                }
                jacobian.Apply(work, stageState);
                for (int l = 0; l < p; l++) ki[l] = h * (ki[l] + stageState[l]);
            }
            jacobian.Solve(c, ki, ki);
        }
        for (int l = 0; l < p; l++)
        {
            double s = y0[l], e = 0;
            for (int i = 0; i < Stages; i++) { s += B[i] * k[i][l]; e += (B[i] - BHat[i]) * k[i][l]; }
            y1[l] = s;
            err[l] = e;
        }
    }

    /// <summary>
    /// The stability function of the method with J = 0 (its explicit part) at z = h lambda: the directions the Jacobian
    /// model leaves out see this. Real z in [-Bound, 0] keeps |R| &lt;= 1.
    /// </summary>
    public static double ExplicitStability(double z)
    {
        var kk = new double[Stages];
        for (int i = 0; i < Stages; i++)
        {
            double s = 1;
            for (int j = 0; j < i; j++) s += Alpha[i, j] * kk[j];
            kk[i] = z * s;
        }
        double r = 1;
        for (int i = 0; i < Stages; i++) r += B[i] * kk[i];
        return r;
    }
}
