using SimplicityBias.Dynamics.Ode;

namespace SimplicityBias.Dynamics.Tests.Ode;

/// <summary>Textbook problems with known solutions or published reference values.</summary>
public static class TestProblems
{
    /// <summary>y'' = -y: y = (cos t, -sin t).</summary>
    public static OdeProblem Harmonic(double t1) => new(
        (t, y, dy) => { dy[0] = y[1]; dy[1] = -y[0]; },
        [1.0, 0.0], 0, t1,
        (t, y, j) => { j[0] = 0; j[1] = 1; j[2] = -1; j[3] = 0; })
    { IsAutonomous = true };

    public static double[] HarmonicExact(double t) => [Math.Cos(t), -Math.Sin(t)];

    /// <summary>y' = -2 t y^2, y(0) = 1: y = 1/(1 + t^2). Non-autonomous, with Jacobian and df/dt.</summary>
    public static OdeProblem Riccati(double t1) => new(
        (t, y, dy) => { dy[0] = -2 * t * y[0] * y[0]; },
        [1.0], 0, t1,
        (t, y, j) => { j[0] = -4 * t * y[0]; })
    { TimeDerivative = (t, y, ft) => { ft[0] = -2 * y[0] * y[0]; } };

    public static double RiccatiExact(double t) => 1.0 / (1 + t * t);

    /// <summary>y' = y cos t, y(0) = 1: y = exp(sin t). Non-autonomous, with Jacobian and df/dt.</summary>
    public static OdeProblem ExpSin(double t1) => new(
        (t, y, dy) => { dy[0] = y[0] * Math.Cos(t); },
        [1.0], 0, t1,
        (t, y, j) => { j[0] = Math.Cos(t); })
    { TimeDerivative = (t, y, ft) => { ft[0] = -y[0] * Math.Sin(t); } };

    public static double ExpSinExact(double t) => Math.Exp(Math.Sin(t));

    /// <summary>Arenstorf orbit (Hairer, Nørsett, Wanner I, II.0): periodic with period T.</summary>
    public const double ArenstorfMu = 0.012277471;
    public const double ArenstorfPeriod = 17.0652165601579625588917206249;
    public static readonly double[] ArenstorfY0 = [0.994, 0.0, 0.0, -2.00158510637908252240537862224];

    public static OdeProblem Arenstorf() => new((t, y, dy) =>
    {
        const double mu = ArenstorfMu, mup = 1 - ArenstorfMu;
        double y1 = y[0], y2 = y[1];
        double d1 = (y1 + mu) * (y1 + mu) + y2 * y2, d2 = (y1 - mup) * (y1 - mup) + y2 * y2;
        d1 *= Math.Sqrt(d1);
        d2 *= Math.Sqrt(d2);
        dy[0] = y[2];
        dy[1] = y[3];
        dy[2] = y1 + 2 * y[3] - mup * (y1 + mu) / d1 - mu * (y1 - mup) / d2;
        dy[3] = y2 - 2 * y[2] - mup * y2 / d1 - mu * y2 / d2;
    }, ArenstorfY0, 0, ArenstorfPeriod) { IsAutonomous = true };

    /// <summary>
    /// Van der Pol, mu = 1000 in the scaled form of the Bari test set (VDPOL): y1' = y2, eps y2' = (1 - y1^2) y2 - y1,
    /// eps = 1/mu^2 = 1e-6, y(0) = (2, 0), t in [0, 2] (= [0, 2 mu] in the unscaled time).
    /// </summary>
    public const double VdpEps = 1e-6;
    public static readonly double[] VdpReference = [1.706167732170469, -0.8928097010248125];

    public static OdeProblem VanDerPol(double t1 = 2.0) => new(
        (t, y, dy) => { dy[0] = y[1]; dy[1] = ((1 - y[0] * y[0]) * y[1] - y[0]) / VdpEps; },
        [2.0, 0.0], 0, t1,
        (t, y, j) => { j[0] = 0; j[1] = 1; j[2] = (-2 * y[0] * y[1] - 1) / VdpEps; j[3] = (1 - y[0] * y[0]) / VdpEps; })
    { IsAutonomous = true };

    /// <summary>Robertson's chemical kinetics (ROBER), y(0) = (1, 0, 0).</summary>
    public static OdeProblem Robertson(double t1, bool analyticJacobian = true) => new(
        (t, y, dy) =>
        {
            dy[0] = -0.04 * y[0] + 1e4 * y[1] * y[2];
            dy[2] = 3e7 * y[1] * y[1];
            dy[1] = -dy[0] - dy[2];
        },
        [1.0, 0.0, 0.0], 0, t1,
        analyticJacobian
            ? (t, y, j) =>
            {
                j[0] = -0.04; j[1] = 1e4 * y[2]; j[2] = 1e4 * y[1];
                j[6] = 0; j[7] = 6e7 * y[1]; j[8] = 0;
                j[3] = 0.04; j[4] = -1e4 * y[2] - 6e7 * y[1]; j[5] = -1e4 * y[1];
            }
            : null)
    { IsAutonomous = true };

    /// <summary>Published ROBER reference values (Bari test set and its extensions) at t = 40, 1e5, 1e11.</summary>
    public static readonly double[] Robertson40 = [0.7158270687193e0, 0.9185534764529e-5, 0.2841637457458e0];
    public static readonly double[] Robertson1e5 = [0.1786592114209946e-01, 0.7274751468436319e-07, 0.9821340061103859e+00];
    public static readonly double[] Robertson1e11 = [0.2083340149701255e-07, 0.8333360770334713e-13, 0.9999999791665050];
}
