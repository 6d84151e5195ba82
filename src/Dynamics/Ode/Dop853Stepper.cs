namespace SimplicityBias.Dynamics.Ode;

/// <summary>
/// Dormand-Prince 8(5,3) stepper (Hairer's DOP853): 12 stages, 11 new evaluations per attempt plus f at the
/// accepted point (evaluated lazily, reused as the next first stage), Hairer's combined 5th/3rd-order error
/// estimate, and 7th-order dense output that costs 3 extra evaluations once per step when first used.
/// </summary>
public sealed class Dop853Stepper : OdeStepper
{
    private readonly double[][] _k; // 16 stage arrays; _k[12] holds f(T, Y) after an accept
    private readonly double[] _stage;
    private readonly double[][] _dense; // F0..F6 of the interpolant
    private bool _derivativeInSlot12;   // f(T, Y) lives in _k[12] (computed or pending)
    private bool _derivativeValid;
    private bool _denseReady;

    /// <summary>Creates the stepper.</summary>
    public Dop853Stepper(OdeRhs rhs, int dimension, OdeStatistics? statistics = null) : base(rhs, dimension, statistics)
    {
        _k = new double[Dop853Tableau.ExtendedStages][];
        for (int s = 0; s < _k.Length; s++) _k[s] = new double[dimension];
        _stage = new double[dimension];
        _dense = new double[7][];
        for (int s = 0; s < 7; s++) _dense[s] = new double[dimension];
    }

    /// <inheritdoc/>
    public override int Order => 8;
    /// <inheritdoc/>
    public override int ErrorOrder => 8;
    /// <inheritdoc/>
    public override string Name => "Dop853";

    /// <inheritdoc/>
    public override ReadOnlySpan<double> Derivative
    {
        get
        {
            EnsureDerivative();
            return _derivativeInSlot12 ? _k[12] : _k[0];
        }
    }

    private void EnsureDerivative()
    {
        if (_derivativeValid) return;
        Rhs(T, YCurrent, _k[12]);
        Statistics.FunctionEvaluations++;
        _derivativeValid = true;
    }

    /// <inheritdoc/>
    public override void Reset(double t, ReadOnlySpan<double> y)
    {
        SetState(t, y);
        Rhs(t, YCurrent, _k[0]);
        Statistics.FunctionEvaluations++;
        _derivativeInSlot12 = false;
        _derivativeValid = true;
    }

    /// <inheritdoc/>
    public override void Reset(double t, ReadOnlySpan<double> y, ReadOnlySpan<double> dydt)
    {
        SetState(t, y);
        dydt.CopyTo(_k[0]);
        _derivativeInSlot12 = false;
        _derivativeValid = true;
    }

    /// <inheritdoc/>
    public override double Attempt(double h, double rtol, ReadOnlySpan<double> atol)
    {
        EnsureDerivative();
        if (_derivativeInSlot12)
        {
            (_k[0], _k[12]) = (_k[12], _k[0]);
            _derivativeInSlot12 = false;
        }
        HasStep = false;
        _denseReady = false;
        if (!AllFinite(_k[0])) return double.NaN;
        HTrial = h;
        int n = Dimension;
        double t = T;
        double[] y = YCurrent, s = _stage;
        for (int st = 1; st < Dop853Tableau.Stages; st++)
        {
            CombineStage(st, h, y, s);
            Rhs(t + Dop853Tableau.C[st] * h, s, _k[st]);
        }
        Statistics.FunctionEvaluations += Dop853Tableau.Stages - 1;
        CombineStage(Dop853Tableau.Stages, h, y, YTrial);

        double[] e5 = Dop853Tableau.E5, e3 = Dop853Tableau.E3;
        double err5 = 0, err3 = 0;
        bool scalar = atol.Length == 1;
        double[] yNew = YTrial;
        for (int i = 0; i < n; i++)
        {
            double s5 = 0, s3 = 0;
            for (int j = 0; j < Dop853Tableau.Stages; j++)
            {
                double kj = _k[j][i];
                s5 += e5[j] * kj;
                s3 += e3[j] * kj;
            }
            double sc = (scalar ? atol[0] : atol[i]) + rtol * Math.Max(Math.Abs(y[i]), Math.Abs(yNew[i]));
            s5 /= sc;
            s3 /= sc;
            err5 += s5 * s5;
            err3 += s3 * s3;
        }
        double norm;
        if (err5 == 0 && err3 == 0) norm = 0;
        else norm = Math.Abs(h) * err5 / Math.Sqrt((err5 + 0.01 * err3) * n);
        if (!double.IsFinite(norm)) return double.PositiveInfinity;
        return norm;
    }

    private void CombineStage(int row, double h, double[] y, double[] output)
    {
        int[] idx = Dop853Tableau.AIndex[row];
        double[] val = Dop853Tableau.AValue[row];
        int n = Dimension, m = idx.Length;
        for (int i = 0; i < n; i++)
        {
            double acc = 0;
            for (int q = 0; q < m; q++) acc += val[q] * _k[idx[q]][i];
            output[i] = y[i] + h * acc;
        }
    }

    /// <inheritdoc/>
    public override void Accept()
    {
        AcceptState();
        // f(T, Y) goes to _k[12] when first needed (next attempt, dense output or a caller).
        _derivativeInSlot12 = true;
        _derivativeValid = false;
        _denseReady = false;
    }

    /// <inheritdoc/>
    public override void Interpolate(double t, Span<double> y)
    {
        if (InterpolateAtEnds(t, y)) return;
        int n = Dimension;
        double h = HAccepted;
        if (!_denseReady)
        {
            EnsureDerivative(); // stage 12 = f(T, Y)
            double tOld = TPrevious;
            for (int st = 13; st < Dop853Tableau.ExtendedStages; st++)
            {
                CombineStage(st, h, YPrevious, _stage);
                Rhs(tOld + Dop853Tableau.C[st] * h, _stage, _k[st]);
            }
            Statistics.FunctionEvaluations += 3;
            double[][] d = Dop853Tableau.D;
            for (int i = 0; i < n; i++)
            {
                double dy = YCurrent[i] - YPrevious[i];
                double fOld = _k[0][i], fNew = _k[12][i];
                _dense[0][i] = dy;
                _dense[1][i] = h * fOld - dy;
                _dense[2][i] = 2 * dy - h * (fNew + fOld);
                for (int r = 0; r < 4; r++)
                {
                    double acc = 0;
                    double[] dr = d[r];
                    for (int j = 0; j < Dop853Tableau.ExtendedStages; j++)
                        if (dr[j] != 0) acc += dr[j] * _k[j][i];
                    _dense[3 + r][i] = h * acc;
                }
            }
            _denseReady = true;
        }
        double x = (t - TPrevious) / h, x1 = 1 - x;
        for (int i = 0; i < n; i++)
        {
            double v = _dense[6][i] * x;
            v = (_dense[5][i] + v) * x1;
            v = (_dense[4][i] + v) * x;
            v = (_dense[3][i] + v) * x1;
            v = (_dense[2][i] + v) * x;
            v = (_dense[1][i] + v) * x1;
            v = (_dense[0][i] + v) * x;
            y[i] = YPrevious[i] + v;
        }
    }
}
