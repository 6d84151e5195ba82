namespace SimplicityBias.Dynamics.Ode;

/// <summary>
/// An initial value problem y' = f(t, y), y(T0) = InitialState, integrated forward to T1.
/// Immutable: the initial state is copied. Invalid input throws <see cref="ArgumentException"/> naming it.
/// </summary>
public sealed class OdeProblem
{
    private readonly double[] _y0;

    /// <summary>Creates the problem.</summary>
    /// <param name="rhs">f(t, y) written into a span.</param>
    /// <param name="initialState">y(t0); copied; must be non-empty and finite.</param>
    /// <param name="t0">Initial time (finite).</param>
    /// <param name="t1">Final time (finite, &gt;= t0).</param>
    /// <param name="jacobian">Optional df/dy, dense row-major n x n (used by the stiff solvers; finite differences otherwise).</param>
    public OdeProblem(OdeRhs rhs, ReadOnlySpan<double> initialState, double t0, double t1, OdeJacobian? jacobian = null)
    {
        ArgumentNullException.ThrowIfNull(rhs);
        if (initialState.Length == 0) throw new ArgumentException("InitialState must have at least one component, got length 0", nameof(initialState));
        for (int i = 0; i < initialState.Length; i++)
            if (!double.IsFinite(initialState[i]))
                throw new ArgumentException($"InitialState[{i}] must be finite, got {initialState[i]}", nameof(initialState));
        if (!double.IsFinite(t0)) throw new ArgumentException($"T0 must be finite, got {t0}", nameof(t0));
        if (!double.IsFinite(t1)) throw new ArgumentException($"T1 must be finite, got {t1}", nameof(t1));
        if (t1 < t0) throw new ArgumentException($"T1 must be >= T0 (forward integration only), got T0={t0}, T1={t1}", nameof(t1));
        Rhs = rhs;
        _y0 = initialState.ToArray();
        T0 = t0;
        T1 = t1;
        Jacobian = jacobian;
    }

    /// <summary>f(t, y).</summary>
    public OdeRhs Rhs { get; }
    /// <summary>Optional analytic Jacobian df/dy (row-major n x n).</summary>
    public OdeJacobian? Jacobian { get; }
    /// <summary>Optional df/dt (same shape as f) for Rosenbrock methods; when null and not <see cref="IsAutonomous"/>, a forward difference is used.</summary>
    public OdeRhs? TimeDerivative { get; init; }
    /// <summary>True when f does not depend on t (Rosenbrock methods then skip df/dt).</summary>
    public bool IsAutonomous { get; init; }
    /// <summary>y(T0).</summary>
    public ReadOnlySpan<double> InitialState => _y0;
    /// <summary>Initial time.</summary>
    public double T0 { get; }
    /// <summary>Final time.</summary>
    public double T1 { get; }
    /// <summary>Number of components n.</summary>
    public int Dimension => _y0.Length;

    /// <summary>The same problem with another time span and/or initial state.</summary>
    public OdeProblem With(double? t0 = null, double? t1 = null, double[]? initialState = null)
        => new(Rhs, initialState ?? _y0, t0 ?? T0, t1 ?? T1, Jacobian) { TimeDerivative = TimeDerivative, IsAutonomous = IsAutonomous };
}
