namespace SimplicityBias.Dynamics.Ode;

/// <summary>
/// Dormand-Prince 5(4) stepper: 6 evaluations of f per step thanks to FSAL (the last stage is f at the new
/// point and becomes the first stage of the next step), 4th-order dense output at no extra evaluation, and
/// Hairer's estimate of |h lambda| from the last two stages for stiffness detection.
/// </summary>
public sealed class Dopri5Stepper : OdeStepper
{
    // k[0] = f(T, Y) of the step being attempted; k[6] = f at the trial point (FSAL).
    private double[] _k1, _k7;
    private readonly double[] _k2, _k3, _k4, _k5, _k6, _stage, _stage6;
    private readonly double[] _r3, _r4, _r5; // dense coefficients (lazy)
    private bool _fsalPending; // after Accept, f(T, Y) is in _k7 until the next attempt swaps it into _k1
    private bool _denseReady;
    private bool _derivativeFinite = true;

    /// <summary>Creates the stepper.</summary>
    public Dopri5Stepper(OdeRhs rhs, int dimension, OdeStatistics? statistics = null) : base(rhs, dimension, statistics)
    {
        int n = dimension;
        _k1 = new double[n]; _k2 = new double[n]; _k3 = new double[n]; _k4 = new double[n];
        _k5 = new double[n]; _k6 = new double[n]; _k7 = new double[n];
        _stage = new double[n]; _stage6 = new double[n];
        _r3 = new double[n]; _r4 = new double[n]; _r5 = new double[n];
    }

    /// <inheritdoc/>
    public override int Order => 5;
    /// <inheritdoc/>
    public override int ErrorOrder => 5;
    /// <inheritdoc/>
    public override string Name => "Dopri5";
    /// <summary>When true, every attempt keeps its error estimate per component, scaled by the tolerance (<see cref="ScaledError"/>).</summary>
    public bool KeepScaledError { get; set; }
    /// <summary>The last attempt's error estimate per component over its tolerance (whose RMS is the error norm); empty unless kept.</summary>
    public ReadOnlySpan<double> ScaledError => _scaledError;
    double[]? _scaledError;
    /// <summary>When true, every attempt computes <see cref="StiffnessEstimate"/> (2n extra flops).</summary>
    public bool TrackStiffness { get; set; }
    /// <summary>Hairer's |h lambda| estimate of the last attempt: h |f(y1) - f(y6)| / |y1 - y6| (stiff when &gt; 3.25).</summary>
    public double StiffnessEstimate { get; private set; }

    /// <summary>
    /// Applied to the trial state of every attempt right before f is evaluated there (null: none), so f, the error
    /// estimate and the accepted state are those of the projected state.
    /// </summary>
    public OdeStateProjection? ProjectTrial { get; init; }
    /// <summary>f at the trial state of the last attempt (the FSAL stage; valid until the next attempt).</summary>
    public ReadOnlySpan<double> TrialDerivative => _k7;

    /// <inheritdoc/>
    public override ReadOnlySpan<double> Derivative => _fsalPending ? _k7 : _k1;

    /// <inheritdoc/>
    public override void Reset(double t, ReadOnlySpan<double> y)
    {
        SetState(t, y);
        Rhs(t, YCurrent, _k1);
        Statistics.FunctionEvaluations++;
        _fsalPending = false;
        _derivativeFinite = AllFinite(_k1);
    }

    /// <inheritdoc/>
    public override void Reset(double t, ReadOnlySpan<double> y, ReadOnlySpan<double> dydt)
    {
        SetState(t, y);
        dydt.CopyTo(_k1);
        _fsalPending = false;
        _derivativeFinite = AllFinite(_k1);
    }

    /// <inheritdoc/>
    public override double Attempt(double h, double rtol, ReadOnlySpan<double> atol)
    {
        if (_fsalPending)
        {
            (_k1, _k7) = (_k7, _k1);
            _fsalPending = false;
        }
        HasStep = false;
        _denseReady = false;
        if (!_derivativeFinite) return double.NaN;
        HTrial = h;
        int n = Dimension;
        double t = T;
        double[] y = YCurrent, k1 = _k1, k2 = _k2, k3 = _k3, k4 = _k4, k5 = _k5, k6 = _k6, k7 = _k7, s = _stage, yNew = YTrial;
        const double a21 = Dopri5Tableau.A21, a31 = Dopri5Tableau.A31, a32 = Dopri5Tableau.A32;
        for (int i = 0; i < n; i++) s[i] = y[i] + h * a21 * k1[i];
        Rhs(t + Dopri5Tableau.C2 * h, s, k2);
        for (int i = 0; i < n; i++) s[i] = y[i] + h * (a31 * k1[i] + a32 * k2[i]);
        Rhs(t + Dopri5Tableau.C3 * h, s, k3);
        for (int i = 0; i < n; i++)
            s[i] = y[i] + h * (Dopri5Tableau.A41 * k1[i] + Dopri5Tableau.A42 * k2[i] + Dopri5Tableau.A43 * k3[i]);
        Rhs(t + Dopri5Tableau.C4 * h, s, k4);
        for (int i = 0; i < n; i++)
            s[i] = y[i] + h * (Dopri5Tableau.A51 * k1[i] + Dopri5Tableau.A52 * k2[i] + Dopri5Tableau.A53 * k3[i] + Dopri5Tableau.A54 * k4[i]);
        Rhs(t + Dopri5Tableau.C5 * h, s, k5);
        double[] s6 = _stage6;
        for (int i = 0; i < n; i++)
            s6[i] = y[i] + h * (Dopri5Tableau.A61 * k1[i] + Dopri5Tableau.A62 * k2[i] + Dopri5Tableau.A63 * k3[i]
                                + Dopri5Tableau.A64 * k4[i] + Dopri5Tableau.A65 * k5[i]);
        Rhs(t + h, s6, k6);
        for (int i = 0; i < n; i++)
            yNew[i] = y[i] + h * (Dopri5Tableau.B1 * k1[i] + Dopri5Tableau.B3 * k3[i] + Dopri5Tableau.B4 * k4[i]
                                  + Dopri5Tableau.B5 * k5[i] + Dopri5Tableau.B6 * k6[i]);
        ProjectTrial?.Invoke(t + h, yNew);
        Rhs(t + h, yNew, k7);
        Statistics.FunctionEvaluations += 6;

        double sum = 0;
        bool scalar = atol.Length == 1;
        double[]? scaled = KeepScaledError ? (_scaledError ??= new double[n]) : null;
        for (int i = 0; i < n; i++)
        {
            double err = h * (Dopri5Tableau.E1 * k1[i] + Dopri5Tableau.E3 * k3[i] + Dopri5Tableau.E4 * k4[i]
                              + Dopri5Tableau.E5 * k5[i] + Dopri5Tableau.E6 * k6[i] + Dopri5Tableau.E7 * k7[i]);
            double sc = (scalar ? atol[0] : atol[i]) + rtol * Math.Max(Math.Abs(y[i]), Math.Abs(yNew[i]));
            double r = err / sc;
            if (scaled != null) scaled[i] = r;
            sum += r * r;
        }
        double norm = Math.Sqrt(sum / n);
        if (!double.IsFinite(norm)) return double.PositiveInfinity;

        if (TrackStiffness)
        {
            double num = 0, den = 0;
            for (int i = 0; i < n; i++)
            {
                double df = k7[i] - k6[i], dy = yNew[i] - s6[i];
                num += df * df;
                den += dy * dy;
            }
            StiffnessEstimate = den > 0 ? Math.Abs(h) * Math.Sqrt(num / den) : 0.0;
        }
        return norm;
    }

    /// <inheritdoc/>
    public override void Accept()
    {
        AcceptState();
        _fsalPending = true;
        _denseReady = false;
        // k7 was part of the error norm, which was finite, so f(T, Y) is finite.
        _derivativeFinite = true;
    }

    /// <inheritdoc/>
    /// <remarks>
    /// Hairer's form y0 + theta (dy + (1 - theta) (r3 + theta (r4 + (1 - theta) r5))) in powers of theta:
    /// C1 = dy + r3 = h f0, C2 = r4 + r5 - r3, C3 = -r4 - 2 r5, C4 = r5.
    /// </remarks>
    public override DensePolynomial InterpolateFunctional(int offset, ReadOnlySpan<double> v)
    {
        CheckFunctional(offset, v.Length);
        double h = HAccepted, u0 = 0, du = 0, r3 = 0, r4 = 0, r5 = 0;
        for (int a = 0; a < v.Length; a++)
        {
            int i = offset + a;
            double dy = YCurrent[i] - YPrevious[i], bspl = h * _k1[i] - dy;
            u0 += v[a] * YPrevious[i];
            du += v[a] * dy;
            r3 += v[a] * bspl;
            r4 += v[a] * (dy - h * _k7[i] - bspl);
            r5 += v[a] * h * (Dopri5Tableau.D1 * _k1[i] + Dopri5Tableau.D3 * _k3[i] + Dopri5Tableau.D4 * _k4[i]
                              + Dopri5Tableau.D5 * _k5[i] + Dopri5Tableau.D6 * _k6[i] + Dopri5Tableau.D7 * _k7[i]);
        }
        return new(u0, du + r3, r4 + r5 - r3, -r4 - 2 * r5, r5);
    }

    /// <inheritdoc/>
    public override void Interpolate(double t, Span<double> y)
    {
        if (InterpolateAtEnds(t, y)) return;
        int n = Dimension;
        // After Accept (and before the next attempt) the old first stage is still in _k1 and f(T, Y) in _k7.
        double h = HAccepted;
        if (!_denseReady)
        {
            for (int i = 0; i < n; i++)
            {
                double dy = YCurrent[i] - YPrevious[i];
                double bspl = h * _k1[i] - dy;
                _r3[i] = bspl;
                _r4[i] = dy - h * _k7[i] - bspl;
                _r5[i] = h * (Dopri5Tableau.D1 * _k1[i] + Dopri5Tableau.D3 * _k3[i] + Dopri5Tableau.D4 * _k4[i]
                              + Dopri5Tableau.D5 * _k5[i] + Dopri5Tableau.D6 * _k6[i] + Dopri5Tableau.D7 * _k7[i]);
            }
            _denseReady = true;
        }
        double th = (t - TPrevious) / h, th1 = 1 - th;
        for (int i = 0; i < n; i++)
        {
            double dy = YCurrent[i] - YPrevious[i];
            y[i] = YPrevious[i] + th * (dy + th1 * (_r3[i] + th * (_r4[i] + th1 * _r5[i])));
        }
    }
}
