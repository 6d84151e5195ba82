using SimplicityBias.Dynamics.Numerics;

namespace SimplicityBias.Dynamics.Ode;

/// <summary>
/// RODAS4 Rosenbrock stepper for stiff problems: one Jacobian per step point (analytic callback or forward
/// differences, reused when a step is rejected), one LU of I/(h gamma) - J per attempt (own partial-pivot LU on a
/// reused array), 5 evaluations of f per attempt plus f at each new point, 3rd-order dense output for free.
/// </summary>
public sealed class RosenbrockStepper : OdeStepper
{
    private readonly OdeJacobian? _jacobian;
    private readonly double[] _f0, _fx, _dy, _stage, _u1, _u2, _u3, _u4, _u5, _u6, _c1, _c2;
    private readonly double[] _jac, _w;
    private readonly int[] _pivots;
    private bool _derivativeValid;
    private bool _jacobianValid;
    private bool _denseReady;
    private double _jacobianNormInf;

    /// <summary>Creates the stepper.</summary>
    /// <param name="rhs">f.</param>
    /// <param name="dimension">n.</param>
    /// <param name="jacobian">Analytic df/dy (row-major); null = forward differences (n evaluations of f).</param>
    /// <param name="statistics">Counters (may be null).</param>
    public RosenbrockStepper(OdeRhs rhs, int dimension, OdeJacobian? jacobian = null, OdeStatistics? statistics = null)
        : base(rhs, dimension, statistics)
    {
        int n = dimension;
        _jacobian = jacobian;
        _f0 = new double[n]; _fx = new double[n]; _dy = new double[n]; _stage = new double[n];
        _u1 = new double[n]; _u2 = new double[n]; _u3 = new double[n]; _u4 = new double[n]; _u5 = new double[n]; _u6 = new double[n];
        _c1 = new double[n]; _c2 = new double[n];
        _jac = new double[n * n];
        _w = new double[n * n];
        _pivots = new int[n];
    }

    /// <summary>Optional df/dt; when null and not <see cref="IsAutonomous"/> a forward difference in t is used.</summary>
    public OdeRhs? TimeDerivative { get; init; }
    /// <summary>Skip df/dt entirely (f does not depend on t).</summary>
    public bool IsAutonomous { get; init; }

    /// <inheritdoc/>
    public override int Order => 4;
    /// <inheritdoc/>
    public override int ErrorOrder => 4;
    /// <inheritdoc/>
    public override string Name => "Rodas4";
    /// <inheritdoc/>
    public override bool IsStiff => true;
    /// <summary>max_i sum_j |J_ij| of the Jacobian used by the last attempt: an upper bound of its spectral radius.</summary>
    public double JacobianNormInf => _jacobianNormInf;

    /// <inheritdoc/>
    public override ReadOnlySpan<double> Derivative
    {
        get
        {
            EnsureDerivative();
            return _f0;
        }
    }

    private void EnsureDerivative()
    {
        if (_derivativeValid) return;
        Rhs(T, YCurrent, _f0);
        Statistics.FunctionEvaluations++;
        _derivativeValid = true;
    }

    /// <inheritdoc/>
    public override void Reset(double t, ReadOnlySpan<double> y)
    {
        SetState(t, y);
        _derivativeValid = false;
        _jacobianValid = false;
        EnsureDerivative();
    }

    /// <inheritdoc/>
    public override void Reset(double t, ReadOnlySpan<double> y, ReadOnlySpan<double> dydt)
    {
        SetState(t, y);
        dydt.CopyTo(_f0);
        _derivativeValid = true;
        _jacobianValid = false;
    }

    private bool ComputeJacobian()
    {
        int n = Dimension;
        double t = T;
        double[] y = YCurrent;
        if (_jacobian != null)
        {
            _jacobian(t, y, _jac);
        }
        else
        {
            // Forward differences with Hairer's increment sqrt(eps * max(1e-5, |y_j|)).
            for (int j = 0; j < n; j++)
            {
                double ysafe = y[j];
                double delta = Math.Sqrt(1e-16 * Math.Max(1e-5, Math.Abs(ysafe)));
                y[j] = ysafe + delta;
                delta = y[j] - ysafe; // the representable increment
                Rhs(t, y, _dy);
                y[j] = ysafe;
                for (int i = 0; i < n; i++) _jac[i * n + j] = (_dy[i] - _f0[i]) / delta;
            }
            Statistics.FunctionEvaluations += n;
        }
        Statistics.JacobianEvaluations++;
        if (!IsAutonomous)
        {
            if (TimeDerivative != null)
            {
                TimeDerivative(t, y, _fx);
            }
            else
            {
                double delta = Math.Sqrt(1e-16 * Math.Max(1e-5, Math.Abs(t)));
                Rhs(t + delta, y, _dy);
                Statistics.FunctionEvaluations++;
                for (int i = 0; i < n; i++) _fx[i] = (_dy[i] - _f0[i]) / delta;
            }
        }
        else
        {
            Array.Clear(_fx);
        }
        double norm = 0;
        for (int i = 0; i < n; i++)
        {
            double row = 0;
            for (int j = 0; j < n; j++) row += Math.Abs(_jac[i * n + j]);
            norm = Math.Max(norm, row);
        }
        _jacobianNormInf = norm;
        return double.IsFinite(norm) && AllFinite(_fx);
    }

    /// <inheritdoc/>
    public override double Attempt(double h, double rtol, ReadOnlySpan<double> atol)
    {
        EnsureDerivative();
        HasStep = false;
        _denseReady = false;
        if (!AllFinite(_f0)) return double.NaN;
        if (!_jacobianValid)
        {
            if (!ComputeJacobian()) return double.NaN;
            _jacobianValid = true;
        }
        HTrial = h;
        int n = Dimension;
        double t = T;
        double[] y = YCurrent, w = _w, s = _stage, dy = _dy, fx = _fx;
        double fac = 1.0 / (h * RodasTableau.Gamma);
        for (int i = 0; i < n * n; i++) w[i] = -_jac[i];
        for (int i = 0; i < n; i++) w[i * n + i] += fac;
        Statistics.LuFactorizations++;
        if (!DenseLu.Factor(w, n, _pivots)) return double.PositiveInfinity;

        double hd1 = h * RodasTableau.D1, hd2 = h * RodasTableau.D2, hd3 = h * RodasTableau.D3, hd4 = h * RodasTableau.D4;
        double hc21 = RodasTableau.C21 / h, hc31 = RodasTableau.C31 / h, hc32 = RodasTableau.C32 / h;
        double hc41 = RodasTableau.C41 / h, hc42 = RodasTableau.C42 / h, hc43 = RodasTableau.C43 / h;
        double hc51 = RodasTableau.C51 / h, hc52 = RodasTableau.C52 / h, hc53 = RodasTableau.C53 / h, hc54 = RodasTableau.C54 / h;
        double hc61 = RodasTableau.C61 / h, hc62 = RodasTableau.C62 / h, hc63 = RodasTableau.C63 / h, hc64 = RodasTableau.C64 / h, hc65 = RodasTableau.C65 / h;
        double[] u1 = _u1, u2 = _u2, u3 = _u3, u4 = _u4, u5 = _u5, u6 = _u6;

        for (int i = 0; i < n; i++) u1[i] = _f0[i] + hd1 * fx[i];
        DenseLu.Solve(w, n, _pivots, u1);

        for (int i = 0; i < n; i++) s[i] = y[i] + RodasTableau.A21 * u1[i];
        Rhs(t + RodasTableau.C2 * h, s, dy);
        for (int i = 0; i < n; i++) u2[i] = dy[i] + hd2 * fx[i] + hc21 * u1[i];
        DenseLu.Solve(w, n, _pivots, u2);

        for (int i = 0; i < n; i++) s[i] = y[i] + RodasTableau.A31 * u1[i] + RodasTableau.A32 * u2[i];
        Rhs(t + RodasTableau.C3 * h, s, dy);
        for (int i = 0; i < n; i++) u3[i] = dy[i] + hd3 * fx[i] + hc31 * u1[i] + hc32 * u2[i];
        DenseLu.Solve(w, n, _pivots, u3);

        for (int i = 0; i < n; i++) s[i] = y[i] + RodasTableau.A41 * u1[i] + RodasTableau.A42 * u2[i] + RodasTableau.A43 * u3[i];
        Rhs(t + RodasTableau.C4 * h, s, dy);
        for (int i = 0; i < n; i++) u4[i] = dy[i] + hd4 * fx[i] + hc41 * u1[i] + hc42 * u2[i] + hc43 * u3[i];
        DenseLu.Solve(w, n, _pivots, u4);

        for (int i = 0; i < n; i++)
            s[i] = y[i] + RodasTableau.A51 * u1[i] + RodasTableau.A52 * u2[i] + RodasTableau.A53 * u3[i] + RodasTableau.A54 * u4[i];
        Rhs(t + h, s, dy);
        for (int i = 0; i < n; i++) u5[i] = dy[i] + hc51 * u1[i] + hc52 * u2[i] + hc53 * u3[i] + hc54 * u4[i];
        DenseLu.Solve(w, n, _pivots, u5);

        // Stiffly accurate: the embedded solution is the stage-5 point plus U5; the new solution adds U6.
        for (int i = 0; i < n; i++) s[i] += u5[i];
        Rhs(t + h, s, dy);
        for (int i = 0; i < n; i++) u6[i] = dy[i] + hc61 * u1[i] + hc62 * u2[i] + hc63 * u3[i] + hc64 * u4[i] + hc65 * u5[i];
        DenseLu.Solve(w, n, _pivots, u6);
        Statistics.FunctionEvaluations += 5;
        Statistics.LinearSolves += 6;

        double[] yNew = YTrial;
        for (int i = 0; i < n; i++) yNew[i] = s[i] + u6[i];
        double norm = ErrorNorm.Rms(u6, y, yNew, rtol, atol);
        return double.IsFinite(norm) ? norm : double.PositiveInfinity;
    }

    /// <inheritdoc/>
    public override void Accept()
    {
        AcceptState();
        Statistics.StiffSteps++;
        _derivativeValid = false;
        _jacobianValid = false;
        _denseReady = false;
    }

    /// <inheritdoc/>
    /// <remarks>y0 + theta (dy + (1 - theta) (c1 + theta c2)) in powers of theta: C1 = dy + c1, C2 = c2 - c1, C3 = -c2.</remarks>
    public override DensePolynomial InterpolateFunctional(int offset, ReadOnlySpan<double> v)
    {
        CheckFunctional(offset, v.Length);
        double u0 = 0, du = 0, c1 = 0, c2 = 0;
        for (int a = 0; a < v.Length; a++)
        {
            int i = offset + a;
            u0 += v[a] * YPrevious[i];
            du += v[a] * (YCurrent[i] - YPrevious[i]);
            c1 += v[a] * (RodasTableau.H21 * _u1[i] + RodasTableau.H22 * _u2[i] + RodasTableau.H23 * _u3[i] + RodasTableau.H24 * _u4[i] + RodasTableau.H25 * _u5[i]);
            c2 += v[a] * (RodasTableau.H31 * _u1[i] + RodasTableau.H32 * _u2[i] + RodasTableau.H33 * _u3[i] + RodasTableau.H34 * _u4[i] + RodasTableau.H35 * _u5[i]);
        }
        return new(u0, du + c1, c2 - c1, -c2, 0);
    }

    /// <inheritdoc/>
    public override void Interpolate(double t, Span<double> y)
    {
        if (InterpolateAtEnds(t, y)) return;
        int n = Dimension;
        if (!_denseReady)
        {
            for (int i = 0; i < n; i++)
            {
                _c1[i] = RodasTableau.H21 * _u1[i] + RodasTableau.H22 * _u2[i] + RodasTableau.H23 * _u3[i] + RodasTableau.H24 * _u4[i] + RodasTableau.H25 * _u5[i];
                _c2[i] = RodasTableau.H31 * _u1[i] + RodasTableau.H32 * _u2[i] + RodasTableau.H33 * _u3[i] + RodasTableau.H34 * _u4[i] + RodasTableau.H35 * _u5[i];
            }
            _denseReady = true;
        }
        double th = (t - TPrevious) / HAccepted, th1 = 1 - th;
        for (int i = 0; i < n; i++)
            y[i] = YPrevious[i] + th * (YCurrent[i] - YPrevious[i] + th1 * (_c1[i] + th * _c2[i]));
    }
}
