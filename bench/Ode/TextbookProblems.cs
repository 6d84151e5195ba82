using SimplicityBias.Dynamics.Ode;

namespace SimplicityBias.Bench.Ode;

/// <summary>The textbook problems of the solver benchmarks: Arenstorf orbit (one period), Van der Pol mu = 1000 (eps = 1e-6, t in [0, 2]), Robertson to t = 1e5.</summary>
public static class TextbookProblems
{
    const double Mu = 0.012277471;
    const double ArenstorfPeriod = 17.0652165601579625588917206249;

    /// <summary>Restricted three-body (Arenstorf) orbit over one period: non-stiff.</summary>
    public static OdeProblem Arenstorf() => new((t, y, dy) =>
    {
        const double mup = 1 - Mu;
        double d1 = (y[0] + Mu) * (y[0] + Mu) + y[1] * y[1], d2 = (y[0] - mup) * (y[0] - mup) + y[1] * y[1];
        d1 *= Math.Sqrt(d1);
        d2 *= Math.Sqrt(d2);
        dy[0] = y[2];
        dy[1] = y[3];
        dy[2] = y[0] + 2 * y[3] - mup * (y[0] + Mu) / d1 - Mu * (y[0] - mup) / d2;
        dy[3] = y[1] - 2 * y[2] - mup * y[1] / d1 - Mu * y[1] / d2;
    }, [0.994, 0.0, 0.0, -2.00158510637908252240537862224], 0, ArenstorfPeriod) { IsAutonomous = true };

    /// <summary>Van der Pol in the singular-perturbation scaling, eps = 1e-6 (mu = 1000), with its analytic Jacobian: stiff.</summary>
    public static OdeProblem VanDerPol()
    {
        const double eps = 1e-6;
        return new OdeProblem(
            (t, y, dy) => { dy[0] = y[1]; dy[1] = ((1 - y[0] * y[0]) * y[1] - y[0]) / eps; },
            [2.0, 0.0], 0, 2,
            (t, y, j) => { j[0] = 0; j[1] = 1; j[2] = (-2 * y[0] * y[1] - 1) / eps; j[3] = (1 - y[0] * y[0]) / eps; })
        { IsAutonomous = true };
    }

    /// <summary>Robertson's chemical kinetics to t = 1e5 with its analytic Jacobian: stiff.</summary>
    public static OdeProblem Robertson() => new(
        (t, y, dy) =>
        {
            dy[0] = -0.04 * y[0] + 1e4 * y[1] * y[2];
            dy[2] = 3e7 * y[1] * y[1];
            dy[1] = -dy[0] - dy[2];
        },
        [1.0, 0.0, 0.0], 0, 1e5,
        (t, y, j) =>
        {
            j[0] = -0.04; j[1] = 1e4 * y[2]; j[2] = 1e4 * y[1];
            j[3] = 0.04; j[4] = -1e4 * y[2] - 6e7 * y[1]; j[5] = -1e4 * y[1];
            j[6] = 0; j[7] = 6e7 * y[1]; j[8] = 0;
        })
    { IsAutonomous = true };
}
