namespace SimplicityBias.Dynamics.Ode;

/// <summary>
/// PID step-size controller (Söderlind form): with k the order of the error estimate (err ~ h^k),
/// h_new = h * clamp(Safety * e_n^(-Beta1/k) * e_(n-1)^(Beta2/k) * e_(n-2)^(-Beta3/k), MinFactor, MaxFactor).
/// Beta1 = 1, Beta2 = Beta3 = 0 is the classical I controller; Hairer's DOPRI5 default is Beta1 = 0.85, Beta2 = 0.2.
/// A step is accepted when its error norm is &lt;= 1. After a rejection the next accepted step may not grow.
/// The history is per run: the solver works on a <see cref="Clone"/> so an instance in options is never mutated.
/// </summary>
public sealed class PidController
{
    private double _e1 = 1.0, _e2 = 1.0;
    private bool _lastRejected;

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
    public double Propose(double h, double errorNorm, int errorOrder, out bool accepted)
    {
        if (errorOrder < 1) throw new ArgumentOutOfRangeException(nameof(errorOrder), errorOrder, "errorOrder must be >= 1");
        double k = errorOrder;
        if (!double.IsFinite(errorNorm))
        {
            accepted = false;
            _lastRejected = true;
            return h * MinFactor;
        }
        // A zero error would give an infinite factor: floor it (the clamp then applies MaxFactor).
        double e = Math.Max(errorNorm, 1e-16);
        if (e <= 1.0)
        {
            accepted = true;
            double factor = Safety * Network.RoundedPow.Pow(e, -Beta1 / k);
            if (Beta2 != 0) factor *= Network.RoundedPow.Pow(_e1, Beta2 / k);
            if (Beta3 != 0) factor *= Network.RoundedPow.Pow(_e2, -Beta3 / k);
            double maxF = _lastRejected ? 1.0 : MaxFactor;
            factor = Math.Clamp(factor, MinFactor, maxF);
            _e2 = _e1;
            // Hairer floors the remembered error at 1e-4 so one very accurate step does not dominate.
            _e1 = Math.Max(e, 1e-4);
            _lastRejected = false;
            return h * factor;
        }
        accepted = false;
        _lastRejected = true;
        double reject = Safety * Network.RoundedPow.Pow(e, -Beta1 / k);
        return h * Math.Clamp(reject, MinFactor, 1.0);
    }

    /// <summary>Forgets the error history (after a restart).</summary>
    public void Reset()
    {
        _e1 = 1.0;
        _e2 = 1.0;
        _lastRejected = false;
    }

    /// <summary>A controller with the same coefficients and an empty history.</summary>
    public PidController Clone() => new() { Beta1 = Beta1, Beta2 = Beta2, Beta3 = Beta3, Safety = Safety, MinFactor = MinFactor, MaxFactor = MaxFactor };

    /// <summary>Throws an ArgumentException naming the first invalid coefficient.</summary>
    public void Validate()
    {
        if (!(Beta1 > 0) || !double.IsFinite(Beta1)) throw new ArgumentException($"Controller.Beta1 must be > 0 and finite, got {Beta1}", nameof(Beta1));
        if (!double.IsFinite(Beta2)) throw new ArgumentException($"Controller.Beta2 must be finite, got {Beta2}", nameof(Beta2));
        if (!double.IsFinite(Beta3)) throw new ArgumentException($"Controller.Beta3 must be finite, got {Beta3}", nameof(Beta3));
        if (!(Safety > 0 && Safety <= 1)) throw new ArgumentException($"Controller.Safety must be in (0, 1], got {Safety}", nameof(Safety));
        if (!(MinFactor > 0 && MinFactor <= 1)) throw new ArgumentException($"Controller.MinFactor must be in (0, 1], got {MinFactor}", nameof(MinFactor));
        if (!(MaxFactor >= 1) || !double.IsFinite(MaxFactor)) throw new ArgumentException($"Controller.MaxFactor must be >= 1 and finite, got {MaxFactor}", nameof(MaxFactor));
    }
}
