namespace SimplicityBias.Dynamics.Ode;

/// <summary>
/// One-step method with an embedded error estimate and dense output, usable on its own:
/// <see cref="Reset(double, ReadOnlySpan{double})"/> at a state, then repeatedly <see cref="Attempt"/> a step of size h
/// (returns the error norm), and <see cref="Accept"/> it or attempt again with another h. After an accept,
/// <see cref="Interpolate"/> evaluates the dense output anywhere in [<see cref="TPrevious"/>, <see cref="T"/>]
/// until the next attempt or reset. Work arrays are allocated once; no method allocates.
/// </summary>
public abstract class OdeStepper
{
    /// <summary>f.</summary>
    protected readonly OdeRhs Rhs;
    /// <summary>Current accepted state.</summary>
    protected double[] YCurrent;
    /// <summary>State at the start of the last accepted step.</summary>
    protected double[] YPrevious;
    /// <summary>Trial state of the last attempt.</summary>
    protected double[] YTrial;
    /// <summary>Step size of the last attempt.</summary>
    protected double HTrial;
    /// <summary>Step size of the last accepted step.</summary>
    protected double HAccepted;

    /// <summary>Allocates the work arrays.</summary>
    protected OdeStepper(OdeRhs rhs, int dimension, OdeStatistics? statistics)
    {
        ArgumentNullException.ThrowIfNull(rhs);
        if (dimension < 1) throw new ArgumentException($"dimension must be >= 1, got {dimension}", nameof(dimension));
        Rhs = rhs;
        Dimension = dimension;
        Statistics = statistics ?? new OdeStatistics();
        YCurrent = new double[dimension];
        YPrevious = new double[dimension];
        YTrial = new double[dimension];
    }

    /// <summary>n.</summary>
    public int Dimension { get; }
    /// <summary>Counters this stepper increments.</summary>
    public OdeStatistics Statistics { get; }
    /// <summary>Order of the propagated solution.</summary>
    public abstract int Order { get; }
    /// <summary>Order k of the error estimate (err ~ h^k), the exponent the controller needs.</summary>
    public abstract int ErrorOrder { get; }
    /// <summary>Short method name.</summary>
    public abstract string Name { get; }
    /// <summary>True for methods meant for stiff problems.</summary>
    public virtual bool IsStiff => false;
    /// <summary>Time of the current accepted state.</summary>
    public double T { get; protected set; }
    /// <summary>Start of the last accepted step (equals <see cref="T"/> after a reset).</summary>
    public double TPrevious { get; protected set; }
    /// <summary>Current accepted state.</summary>
    public virtual ReadOnlySpan<double> Y => YCurrent;
    /// <summary>Trial state of the last attempt (valid until the next attempt).</summary>
    public virtual ReadOnlySpan<double> TrialState => YTrial;
    /// <summary>True when the dense output of a last accepted step is available.</summary>
    public bool HasStep { get; protected set; }

    /// <summary>f(T, Y), evaluated lazily when the method does not already have it.</summary>
    public abstract ReadOnlySpan<double> Derivative { get; }

    /// <summary>Sets the state and evaluates f there; forgets all stages (a clean restart).</summary>
    public abstract void Reset(double t, ReadOnlySpan<double> y);

    /// <summary>Sets the state with a known f(t, y) (no evaluation); forgets all stages.</summary>
    public abstract void Reset(double t, ReadOnlySpan<double> y, ReadOnlySpan<double> dydt);

    /// <summary>
    /// Attempts a step of size h from (T, Y). Returns the error norm (accept when &lt;= 1); +infinity when a stage
    /// produced a non-finite value (retry with a smaller h); NaN when f(T, Y) itself is non-finite (cannot recover).
    /// </summary>
    /// <param name="h">Step size &gt; 0.</param>
    /// <param name="rtol">Relative tolerance.</param>
    /// <param name="atol">Absolute tolerance of length 1 or n.</param>
    public abstract double Attempt(double h, double rtol, ReadOnlySpan<double> atol);

    /// <summary>Accepts the last attempt: (T, Y) moves to its end; the dense output of that step becomes available.</summary>
    public abstract void Accept();

    /// <summary>Dense output in [TPrevious, T] of the last accepted step.</summary>
    public abstract void Interpolate(double t, Span<double> y);

    /// <summary>
    /// The dense output of the last accepted step along the linear functional u(y) = sum_i v_i y[offset + i], as a
    /// polynomial in theta = (t - TPrevious) / (T - TPrevious): <see cref="Interpolate"/> contracted with v, formed from
    /// the coefficients of the selected components only. Methods whose dense output is not a polynomial of degree 4 or
    /// less do not offer it.
    /// </summary>
    public virtual DensePolynomial InterpolateFunctional(int offset, ReadOnlySpan<double> v)
        => throw new NotSupportedException($"{Name}: its dense output is not a polynomial of degree <= 4");

    /// <summary>Throws when there is no accepted step, or the components [offset, offset + length) are not all in the state.</summary>
    protected void CheckFunctional(int offset, int length)
    {
        if (!HasStep) throw new InvalidOperationException("No accepted step to interpolate (after a reset or before the first accept).");
        if (offset < 0 || length < 0 || offset + length > Dimension)
            throw new ArgumentOutOfRangeException(nameof(offset), offset, $"components [{offset}, {offset + length}) must lie in [0, {Dimension})");
    }

    /// <summary>Throws when there is no accepted step to interpolate or t lies outside it (with a little slack).</summary>
    protected void CheckInterpolation(double t, Span<double> y)
    {
        if (!HasStep) throw new InvalidOperationException("No accepted step to interpolate (after a reset or before the first accept).");
        if (y.Length < Dimension) throw new ArgumentException($"output length must be >= {Dimension}, got {y.Length}", nameof(y));
        double slack = 1e-9 * Math.Abs(T - TPrevious) + 4 * double.Epsilon;
        if (!(t >= TPrevious - slack && t <= T + slack))
            throw new ArgumentOutOfRangeException(nameof(t), t, $"t must lie in the last step [{TPrevious}, {T}]");
    }

    /// <summary>
    /// <see cref="CheckInterpolation"/>, then the state itself at the step's ends (no rounding there); true when t was an
    /// end and <paramref name="y"/> is written.
    /// </summary>
    protected bool InterpolateAtEnds(double t, Span<double> y)
    {
        CheckInterpolation(t, y);
        if (t == T) { YCurrent.CopyTo(y); return true; }
        if (t == TPrevious) { YPrevious.CopyTo(y); return true; }
        return false;
    }

    /// <summary>Common part of Reset: copies the state, clears the step.</summary>
    protected void SetState(double t, ReadOnlySpan<double> y)
    {
        if (y.Length != Dimension) throw new ArgumentException($"state length must be {Dimension}, got {y.Length}", nameof(y));
        y.CopyTo(YCurrent);
        T = t;
        TPrevious = t;
        HasStep = false;
    }

    /// <summary>Common part of Accept: rotates the state arrays.</summary>
    protected void AcceptState()
    {
        (YPrevious, YCurrent, YTrial) = (YCurrent, YTrial, YPrevious);
        TPrevious = T;
        T += HTrial;
        HAccepted = HTrial;
        HasStep = true;
    }

    /// <summary>True when every entry is finite.</summary>
    protected static bool AllFinite(ReadOnlySpan<double> v)
    {
        for (int i = 0; i < v.Length; i++)
            if (!double.IsFinite(v[i])) return false;
        return true;
    }
}
