namespace SimplicityBias.Dynamics.Ode;

/// <summary>
/// One scalar of a step's dense output as a polynomial in theta = (t - t0) / h, theta in [0, 1]:
/// u(theta) = C0 + C1 theta + C2 theta^2 + C3 theta^3 + C4 theta^4. Degree 4 covers Dormand-Prince's continuous
/// extension, Rosenbrock's and the cubic Hermite. A linear functional of the state follows a polynomial dense output
/// exactly, so one such polynomial is all a root search on the functional needs (an event, a switching surface).
/// </summary>
public readonly record struct DensePolynomial(double C0, double C1, double C2, double C3, double C4)
{
    /// <summary>u(theta).</summary>
    public double Value(double theta) => C0 + theta * (C1 + theta * (C2 + theta * (C3 + theta * C4)));

    /// <summary>du/dtheta (h times du/dt).</summary>
    public double Slope(double theta) => C1 + theta * (2 * C2 + theta * (3 * C3 + theta * 4 * C4));

    /// <summary>
    /// The polynomial less its chord u(0) + (u(1) - u(0)) theta: zero at both ends, what the curve adds to the
    /// straight line between the step's end values.
    /// </summary>
    public DensePolynomial LessChord() => new(0, -(C2 + C3 + C4), C2, C3, C4);

    /// <summary>The cubic Hermite interpolant of end values u0, u1 and end slopes d0, d1 (per unit theta: h du/dt).</summary>
    public static DensePolynomial Hermite(double u0, double u1, double d0, double d1)
    {
        double du = u1 - u0;
        return new(u0, d0, 3 * du - 2 * d0 - d1, d0 + d1 - 2 * du, 0);
    }
}
