namespace SimplicityBias.Dynamics.Ode;

/// <summary>Right-hand side of y' = f(t, y): writes f(t, y) into <paramref name="dydt"/> (no allocation expected).</summary>
/// <param name="t">Time.</param>
/// <param name="y">State (read only).</param>
/// <param name="dydt">Output, same length as <paramref name="y"/>.</param>
public delegate void OdeRhs(double t, ReadOnlySpan<double> y, Span<double> dydt);

/// <summary>Jacobian df/dy at (t, y), written dense and row-major: <c>jacobian[i * n + j] = d f_i / d y_j</c>.</summary>
/// <param name="t">Time.</param>
/// <param name="y">State (read only).</param>
/// <param name="jacobian">Output of length n * n.</param>
public delegate void OdeJacobian(double t, ReadOnlySpan<double> y, Span<double> jacobian);

/// <summary>
/// Called after every accepted step with the current time and state. It may modify <paramref name="y"/>
/// (and any external state the right-hand side reads); it returns true when it changed anything, and the
/// solver then restarts cleanly from (t, y): f is evaluated again, no stale stage is reused.
/// </summary>
/// <param name="t">Time at the end of the accepted step.</param>
/// <param name="y">State at that time, writable.</param>
/// <returns>True when the state or the right-hand side changed.</returns>
public delegate bool OdeStepCallback(double t, Span<double> y);

/// <summary>An event function g(t, y); an event happens where g changes sign.</summary>
/// <param name="t">Time.</param>
/// <param name="y">State.</param>
/// <returns>g(t, y).</returns>
public delegate double OdeEventFunction(double t, ReadOnlySpan<double> y);

/// <summary>Changes the state at an event; the solver then restarts cleanly from (t, y).</summary>
/// <param name="t">Event time.</param>
/// <param name="y">State at the event, writable.</param>
public delegate void OdeEventAffect(double t, Span<double> y);

/// <summary>
/// Moves a state onto a set the exact solution keeps (an invariant, a constraint), in place: the projection step of
/// a projection method (Hairer, Lubich &amp; Wanner, Geometric Numerical Integration IV.4).
/// </summary>
/// <param name="t">Time of the state.</param>
/// <param name="y">State, writable.</param>
public delegate void OdeStateProjection(double t, Span<double> y);

/// <summary>
/// Judges an attempted step that passed the error test, before it is accepted, for what the error estimate cannot see
/// (a threshold the step must not jump over, a domain the state must stay in). Returns true to accept the step, or
/// false to veto it with <paramref name="shrink"/> in (0, 1): the solver then retries from the same state with h * shrink.
/// </summary>
/// <param name="t">Start of the step.</param>
/// <param name="h">Its size.</param>
/// <param name="y">State at its start.</param>
/// <param name="yNew">Its trial end state.</param>
/// <param name="shrink">On a veto, the factor to shrink h by.</param>
/// <returns>True to accept the step.</returns>
public delegate bool OdeStepValidator(double t, double h, ReadOnlySpan<double> y, ReadOnlySpan<double> yNew, out double shrink);

/// <summary>Sees every accepted step (read only): its start and end and the state at its end, before any event affect or step callback.</summary>
/// <param name="tPrevious">Start of the step.</param>
/// <param name="t">End of the step (or the time of the event that cut it).</param>
/// <param name="y">State at <paramref name="t"/>.</param>
public delegate void OdeStepObserver(double tPrevious, double t, ReadOnlySpan<double> y);
