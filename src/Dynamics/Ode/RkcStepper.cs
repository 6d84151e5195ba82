namespace SimplicityBias.Dynamics.Ode;

/// <summary>
/// The Runge-Kutta-Chebyshev method (<see cref="RkcCoefficients"/>) as a stepper: explicit, second order, stable on
/// [-0.65 s^2, 0] with s evaluations per step, for problems whose Jacobian has a (nearly) real negative spectrum:
/// diffusion, gradient flows. The stage count follows the spectral radius, estimated by
/// <see cref="SpectralRadiusEstimator"/> at the first step, every <see cref="RefreshSteps"/> accepted steps and after a
/// rejection (the stiffness may have grown). The error estimate is the RKC code's, of order 3; the dense output is
/// the cubic Hermite interpolant of the step's end values and slopes.
/// </summary>
public sealed class RkcStepper : OdeStepper
{
    private double[] _f0, _f1, _fPrevious;
    private readonly double[] _a, _b, _c, _stage, _error;
    private readonly SpectralRadiusEstimator _radius = new();
    private readonly Dictionary<int, RkcCoefficients> _coefficients = new();
    private double _rho = double.NaN;
    private int _stepsSinceRho;
    private bool _rejectedSinceAccept;

    /// <summary>Allocates the work arrays.</summary>
    public RkcStepper(OdeRhs rhs, int dimension, OdeStatistics? statistics = null) : base(rhs, dimension, statistics)
    {
        _f0 = new double[dimension]; _f1 = new double[dimension]; _fPrevious = new double[dimension];
        _a = new double[dimension]; _b = new double[dimension]; _c = new double[dimension];
        _stage = new double[dimension]; _error = new double[dimension];
    }

    /// <summary>Largest stage count (bounds the stable step: <see cref="MaxStableStep"/>).</summary>
    public int MaxStages { get; init; } = 400;
    /// <summary>Accepted steps between two estimates of the spectral radius.</summary>
    public int RefreshSteps { get; init; } = 25;

    /// <inheritdoc/>
    public override int Order => 2;
    /// <inheritdoc/>
    public override int ErrorOrder => 3;
    /// <inheritdoc/>
    public override string Name => "RKC";
    /// <inheritdoc/>
    public override bool IsStiff => true;
    /// <inheritdoc/>
    public override ReadOnlySpan<double> Derivative => _f0;
    /// <summary>The current estimate of the spectral radius (NaN before the first step).</summary>
    public double SpectralRadius => _rho;
    /// <summary>Estimates of the spectral radius made so far.</summary>
    public long SpectralRadiusEstimates => _radius.Estimates;
    /// <summary>The largest step the stage cap keeps stable at the current spectral radius (+infinity before the first estimate).</summary>
    public double MaxStableStep => double.IsNaN(_rho) ? double.PositiveInfinity : Coefficients(MaxStages).StabilityBoundary / _rho / 1.05;

    /// <inheritdoc/>
    public override void Reset(double t, ReadOnlySpan<double> y)
    {
        SetState(t, y);
        Rhs(t, YCurrent, _f0);
        Statistics.FunctionEvaluations++;
    }

    /// <inheritdoc/>
    public override void Reset(double t, ReadOnlySpan<double> y, ReadOnlySpan<double> dydt)
    {
        SetState(t, y);
        dydt.CopyTo(_f0);
    }

    /// <inheritdoc/>
    public override double Attempt(double h, double rtol, ReadOnlySpan<double> atol)
    {
        HasStep = false;
        if (!AllFinite(_f0)) return double.NaN;
        if (double.IsNaN(_rho) || _stepsSinceRho >= RefreshSteps || _rejectedSinceAccept) EstimateRadius(double.IsNaN(_rho) ? 30 : 5);
        HTrial = h; // beyond MaxStableStep the step is unstable: its error rejects it and the controller shrinks h
        var c = Coefficients(RkcCoefficients.StagesFor(h * _rho, MaxStages));
        var end = Advance(Rhs, T, h, c, YCurrent, _f0, _a, _b, _c, _stage);
        end.CopyTo(YTrial, 0);
        Rhs(T + h, YTrial, _f1);
        Statistics.FunctionEvaluations += c.Stages;
        RkcCoefficients.ErrorEstimate(YCurrent, YTrial, _f0, _f1, h, _error);
        double norm = ErrorNorm.Rms(_error, YCurrent, YTrial, rtol, atol);
        _rejectedSinceAccept = !(norm <= 1);
        return double.IsFinite(norm) ? norm : double.PositiveInfinity;
    }

    /// <summary>
    /// The stage recursion of one step of size h from (y0, f0 = f(t, y0)): Y_1 = y0 + mu~_1 h f0, then
    /// Y_j = (1 - mu_j - nu_j) y0 + mu_j Y_(j-1) + nu_j Y_(j-2) + mu~_j h f(Y_(j-1)) + gamma~_j h f0 at the stage times
    /// t + c_j h (c_j from the same recursion applied to y' = 1). a, b and next hold the stages, f the evaluations; returns
    /// the array that holds Y_s. Evaluates f s - 1 times.
    /// </summary>
    public static double[] Advance(OdeRhs rhs, double t, double h, RkcCoefficients c, double[] y0, double[] f0,
        double[] a, double[] b, double[] next, double[] f)
    {
        int n = y0.Length, s = c.Stages;
        double[] prev2 = a, prev = b;
        Array.Copy(y0, prev2, n);
        for (int i = 0; i < n; i++) prev[i] = y0[i] + c.MuTilde[1] * h * f0[i];
        double cPrev2 = 0, cPrev = c.MuTilde[1];
        for (int j = 2; j <= s; j++)
        {
            rhs(t + cPrev * h, prev, f);
            double mu = c.Mu[j], nu = c.Nu[j], w = 1 - mu - nu, hmt = h * c.MuTilde[j], hgt = h * c.GammaTilde[j];
            for (int i = 0; i < n; i++) next[i] = w * y0[i] + mu * prev[i] + nu * prev2[i] + hmt * f[i] + hgt * f0[i];
            (cPrev2, cPrev) = (cPrev, mu * cPrev + nu * cPrev2 + c.MuTilde[j] + c.GammaTilde[j]);
            (prev2, prev, next) = (prev, next, prev2);
        }
        return prev;
    }

    /// <inheritdoc/>
    public override void Accept()
    {
        AcceptState();
        (_fPrevious, _f0, _f1) = (_f0, _f1, _fPrevious);
        _stepsSinceRho++;
        _rejectedSinceAccept = false;
    }

    /// <inheritdoc/>
    public override DensePolynomial InterpolateFunctional(int offset, ReadOnlySpan<double> v)
    {
        CheckFunctional(offset, v.Length);
        return DenseFunctional(YPrevious, YCurrent, _fPrevious, _f0, HAccepted, offset, v);
    }

    /// <summary>
    /// The dense output of one RKC step from (y0, f0) to (y1, f1) of size h along u(y) = sum_i v_i y[offset + i]:
    /// the cubic Hermite of <see cref="Interpolate"/>, for callers that take steps with <see cref="Advance"/>.
    /// </summary>
    public static DensePolynomial DenseFunctional(ReadOnlySpan<double> y0, ReadOnlySpan<double> y1, ReadOnlySpan<double> f0,
        ReadOnlySpan<double> f1, double h, int offset, ReadOnlySpan<double> v)
    {
        double u0 = 0, u1 = 0, d0 = 0, d1 = 0;
        for (int a = 0; a < v.Length; a++)
        {
            int i = offset + a;
            u0 += v[a] * y0[i]; u1 += v[a] * y1[i]; d0 += v[a] * f0[i]; d1 += v[a] * f1[i];
        }
        return DensePolynomial.Hermite(u0, u1, h * d0, h * d1);
    }

    /// <inheritdoc/>
    public override void Interpolate(double t, Span<double> y)
    {
        CheckInterpolation(t, y);
        double h = HAccepted, th = (t - TPrevious) / h, th1 = 1 - th;
        // Cubic Hermite on (y0, f0) and (y1, f1).
        double h00 = th1 * th1 * (1 + 2 * th), h01 = th * th * (3 - 2 * th), h10 = th * th1 * th1 * h, h11 = -th * th * th1 * h;
        for (int i = 0; i < Dimension; i++)
            y[i] = h00 * YPrevious[i] + h01 * YCurrent[i] + h10 * _fPrevious[i] + h11 * _f0[i];
    }

    private void EstimateRadius(int maxIterations)
    {
        _rho = _radius.Estimate(Rhs, T, YCurrent, _f0, _stage, _error, maxIterations);
        _stepsSinceRho = 0;
    }

    private RkcCoefficients Coefficients(int s)
    {
        if (!_coefficients.TryGetValue(s, out var c)) _coefficients[s] = c = new RkcCoefficients(s);
        return c;
    }
}

/// <summary>Runge-Kutta-Chebyshev (order 2, stabilized explicit; see <see cref="RkcStepper"/>), with I control on its third-order error estimate.</summary>
public sealed class Rkc : OdeAlgorithm
{
    /// <summary>Largest stage count.</summary>
    public int MaxStages { get; init; } = 400;

    /// <inheritdoc/>
    public override string Name => "RKC";
    /// <inheritdoc/>
    public override OdeStepper CreateStepper(OdeProblem problem, OdeStatistics statistics)
    {
        if (MaxStages < 2) throw new ArgumentException($"Rkc.MaxStages must be >= 2, got {MaxStages}", nameof(MaxStages));
        return new RkcStepper(problem.Rhs, problem.Dimension, statistics) { MaxStages = MaxStages };
    }
}
