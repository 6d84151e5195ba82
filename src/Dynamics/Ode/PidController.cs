namespace SimplicityBias.Dynamics.Ode;

/// <summary>How <see cref="PidController"/> rounds its factor: two algebraically equal formulas with different last bits.</summary>
public enum PidArithmetic
{
    /// <summary>The Söderlind form: Safety * e_n^(-Beta1/k) * e_(n-1)^(Beta2/k) * e_(n-2)^(-Beta3/k).</summary>
    Products,

    /// <summary>
    /// As Hairer's DOPRI5 code computes its PI controller: beta = Beta2/k, alpha = 1/k - 0.75 beta,
    /// factor = Safety / (e_n^alpha / e_(n-1)^beta), and Safety * e_n^(-alpha) after a rejection. Its Beta1 is
    /// 1 - 0.75 Beta2 by construction and Beta3 is 0 (<see cref="PidController.Validate"/> checks both).
    /// </summary>
    Dopri5Code,
}

/// <summary>
/// PID step-size controller (Söderlind form): with k the order of the error estimate (err ~ h^k),
/// h_new = h * clamp(Safety * e_n^(-Beta1/k) * e_(n-1)^(Beta2/k) * e_(n-2)^(-Beta3/k), MinFactor, MaxFactor).
/// Beta1 = 1, Beta2 = Beta3 = 0 is the classical I controller; Hairer's DOPRI5 default is Beta1 = 0.85, Beta2 = 0.2.
/// A step is accepted when its error norm is &lt;= 1. By default the next accepted step after a rejection may not grow.
/// A caller may cap one step's growth (a second error estimate of its own, see <see cref="IntegralFactor"/>) and may
/// ask for the I term alone on a step (a method whose error estimate is too crude for the history terms).
/// The history is per run: the solver works on a <see cref="Clone"/> so an instance in options is never mutated.
/// </summary>
public sealed class PidController
{
    private double _e1, _e2;
    private bool _lastRejected, _started;

    /// <summary>Whether the caller's growth cap, not the error, set the last accepted step's proposal.</summary>
    public bool GrowthCapped { get; private set; }
    /// <summary>Exponent weight of the current error.</summary>
    public double Beta1 { get; init; } = 1.0;
    /// <summary>Exponent weight of the previous accepted error.</summary>
    public double Beta2 { get; init; }
    /// <summary>Exponent weight of the error before that.</summary>
    public double Beta3 { get; init; }
    /// <summary>Safety factor (0, 1].</summary>
    public double Safety { get; init; } = 0.9;
    /// <summary>Smallest step ratio h_new/h (0, 1].</summary>
    public double MinFactor { get; init; } = 0.2;
    /// <summary>Largest step ratio h_new/h (&gt;= 1).</summary>
    public double MaxFactor { get; init; } = 10.0;
    /// <summary>Errors below this count as this (a zero error would give an infinite factor); in (0, 1).</summary>
    public double ErrorFloor { get; init; } = 1e-16;
    /// <summary>How the factor is rounded.</summary>
    public PidArithmetic Arithmetic { get; init; } = PidArithmetic.Products;
    /// <summary>When false (the default), the first accepted step after a rejection keeps its size at most.</summary>
    public bool GrowAfterRejection { get; init; }
    /// <summary>
    /// The remembered errors a run starts from (and <see cref="Reset"/> returns to): 1 makes the history terms neutral;
    /// Hairer's code starts from 1e-4, which lets the first steps grow faster. In (0, 1].
    /// </summary>
    public double InitialError { get; init; } = 1.0;

    /// <summary>Classical I controller (SciPy solve_ivp's choice).</summary>
    public static PidController Integral() => new();
    /// <summary>Hairer's PI controller of DOPRI5 (beta = 0.04 on the previous error).</summary>
    public static PidController HairerPi() => new() { Beta1 = 0.85, Beta2 = 0.2 };

    /// <summary>True when a step with this error norm is accepted.</summary>
    public static bool IsAcceptable(double errorNorm) => errorNorm <= 1.0;

    /// <summary>
    /// Decides on a step of size <paramref name="h"/> with error norm <paramref name="errorNorm"/> and proposes the next h
    /// (the retry size after a rejection, the next step size after an acceptance). Updates the history on acceptance.
    /// A non-finite error norm is a rejection with the smallest factor.
    /// </summary>
    /// <param name="h">The step just attempted.</param>
    /// <param name="errorNorm">Its error norm.</param>
    /// <param name="errorOrder">k, the order of the error estimate (err ~ h^k).</param>
    /// <param name="accepted">Whether the step passes.</param>
    /// <param name="growthCap">After an acceptance, the largest factor allowed (no smaller than MinFactor).</param>
    /// <param name="integralOnly">The I controller alone for this step, Safety * e_n^(-1/k); the error still enters the history.</param>
    public double Propose(double h, double errorNorm, int errorOrder, out bool accepted,
        double growthCap = double.PositiveInfinity, bool integralOnly = false)
    {
        if (errorOrder < 1) throw new ArgumentOutOfRangeException(nameof(errorOrder), errorOrder, "errorOrder must be >= 1");
        double k = errorOrder;
        if (!_started) Reset();
        if (!double.IsFinite(errorNorm))
        {
            accepted = false;
            _lastRejected = true;
            return h * MinFactor;
        }
        double e = Math.Max(errorNorm, ErrorFloor);
        if (!IsAcceptable(e))
        {
            accepted = false;
            _lastRejected = true;
            double exponent = integralOnly ? -1.0 / k : Arithmetic == PidArithmetic.Dopri5Code ? -Dopri5Alpha(k) : -Beta1 / k;
            return h * Math.Clamp(Safety * Network.RoundedPow.Pow(e, exponent), MinFactor, 1.0);
        }
        accepted = true;
        double factor = integralOnly ? Safety * Network.RoundedPow.Pow(e, -1.0 / k) : HistoryFactor(e, k);
        double maxF = _lastRejected && !GrowAfterRejection ? 1.0 : MaxFactor;
        double own = Math.Clamp(factor, MinFactor, maxF), cap = Math.Max(growthCap, MinFactor);
        GrowthCapped = cap < own;
        factor = Math.Min(own, cap);
        _e2 = _e1;
        // Hairer floors the remembered error at 1e-4 so one very accurate step does not dominate.
        _e1 = Math.Max(e, 1e-4);
        _lastRejected = false;
        return h * factor;
    }

    /// <summary>
    /// The unclamped factor an I controller of order k gives an error norm: Safety * max(err, ErrorFloor)^(-1/k). For a
    /// caller's second error estimate (e.g. of a correction the stepper does not see), as the growth cap of <see cref="Propose"/>.
    /// </summary>
    public double IntegralFactor(double errorNorm, int errorOrder)
    {
        if (errorOrder < 1) throw new ArgumentOutOfRangeException(nameof(errorOrder), errorOrder, "errorOrder must be >= 1");
        return Safety * Network.RoundedPow.Pow(Math.Max(errorNorm, ErrorFloor), -1.0 / errorOrder);
    }

    // The factor of an accepted step with the history terms, in the chosen arithmetic.
    private double HistoryFactor(double e, double k)
    {
        if (Arithmetic == PidArithmetic.Dopri5Code)
            return Safety / (Network.RoundedPow.Pow(e, Dopri5Alpha(k)) / Network.RoundedPow.Pow(_e1, Beta2 / k));
        double factor = Safety * Network.RoundedPow.Pow(e, -Beta1 / k);
        if (Beta2 != 0) factor *= Network.RoundedPow.Pow(_e1, Beta2 / k);
        if (Beta3 != 0) factor *= Network.RoundedPow.Pow(_e2, -Beta3 / k);
        return factor;
    }

    // Hairer's expo1 = 1/k - 0.75 beta, computed as his code does (not as Beta1/k, which differs in the last bit).
    private double Dopri5Alpha(double k) => 1.0 / k - 0.75 * (Beta2 / k);

    /// <summary>Notes a rejection decided outside the controller (a validator's veto): the next accepted step obeys <see cref="GrowAfterRejection"/>.</summary>
    public void RecordRejection()
    {
        if (!_started) Reset();
        _lastRejected = true;
    }

    /// <summary>Forgets the error history (after a restart).</summary>
    public void Reset()
    {
        _e1 = InitialError;
        _e2 = InitialError;
        _lastRejected = false;
        _started = true;
    }

    /// <summary>The remembered state: the last two accepted errors (floored at 1e-4) and whether the last step was rejected (for checkpoints).</summary>
    public (double Previous, double BeforePrevious, bool LastRejected) History
    {
        get => _started ? (_e1, _e2, _lastRejected) : (InitialError, InitialError, false);
        set => (_e1, _e2, _lastRejected, _started) = (value.Previous, value.BeforePrevious, value.LastRejected, true);
    }

    /// <summary>A controller with the same coefficients and an empty history.</summary>
    public PidController Clone()
    {
        var c = new PidController
        {
            Beta1 = Beta1, Beta2 = Beta2, Beta3 = Beta3, Safety = Safety, MinFactor = MinFactor, MaxFactor = MaxFactor,
            ErrorFloor = ErrorFloor, Arithmetic = Arithmetic, GrowAfterRejection = GrowAfterRejection, InitialError = InitialError,
        };
        c.Reset();
        return c;
    }

    /// <summary>Throws an ArgumentException naming the first invalid coefficient.</summary>
    public void Validate()
    {
        if (!(Beta1 > 0) || !double.IsFinite(Beta1)) throw new ArgumentException($"Controller.Beta1 must be > 0 and finite, got {Beta1}", nameof(Beta1));
        if (!double.IsFinite(Beta2)) throw new ArgumentException($"Controller.Beta2 must be finite, got {Beta2}", nameof(Beta2));
        if (!double.IsFinite(Beta3)) throw new ArgumentException($"Controller.Beta3 must be finite, got {Beta3}", nameof(Beta3));
        if (!(Safety > 0 && Safety <= 1)) throw new ArgumentException($"Controller.Safety must be in (0, 1], got {Safety}", nameof(Safety));
        if (!(MinFactor > 0 && MinFactor <= 1)) throw new ArgumentException($"Controller.MinFactor must be in (0, 1], got {MinFactor}", nameof(MinFactor));
        if (!(MaxFactor >= 1) || !double.IsFinite(MaxFactor)) throw new ArgumentException($"Controller.MaxFactor must be >= 1 and finite, got {MaxFactor}", nameof(MaxFactor));
        if (!(ErrorFloor > 0 && ErrorFloor < 1)) throw new ArgumentException($"Controller.ErrorFloor must be in (0, 1), got {ErrorFloor}", nameof(ErrorFloor));
        if (!(InitialError > 0 && InitialError <= 1)) throw new ArgumentException($"Controller.InitialError must be in (0, 1], got {InitialError}", nameof(InitialError));
        if (!Enum.IsDefined(Arithmetic)) throw new ArgumentException($"Controller.Arithmetic must be Products or Dopri5Code, got {Arithmetic}", nameof(Arithmetic));
        if (Arithmetic == PidArithmetic.Dopri5Code)
        {
            if (Beta3 != 0) throw new ArgumentException($"Controller.Beta3 must be 0 with the Dopri5Code arithmetic, got {Beta3}", nameof(Beta3));
            if (Math.Abs(Beta1 - (1 - 0.75 * Beta2)) > 1e-12)
                throw new ArgumentException($"Controller.Beta1 must be 1 - 0.75 Beta2 = {1 - 0.75 * Beta2} with the Dopri5Code arithmetic, got {Beta1}", nameof(Beta1));
        }
    }
}
