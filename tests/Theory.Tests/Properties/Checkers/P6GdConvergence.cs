using SimplicityBias.Dynamics.Network;
using SimplicityBias.Dynamics.Ode;

namespace SimplicityBias.Theory.Tests.Properties;

/// <summary>
/// Property 6: gradient descent converges to the integrated flow as the learning rate goes to zero (first order:
/// error(eta) / error(eta/4) near 4), and the plain generic solver (Mode = Plain), where it finishes, agrees with the
/// Filippov integrator.
/// </summary>
public static class P6GdConvergence
{
    /// <summary>The largest learning rate; the others are eta/4, eta/16 and eta/64.</summary>
    public const double Eta0 = 0.02;

    /// <summary>The learning rates eta0 / 4^i, i = 0..3.</summary>
    public static readonly double[] LearningRates = [Eta0, Eta0 / 4, Eta0 / 16, Eta0 / 64];

    /// <summary>Relative distance allowed between the plain solver's endpoint and the Filippov one (measured: at most 1.4e-5 at rtol 1e-8).</summary>
    public const double PlainTolerance = 1e-4;

    /// <summary>Step budget of the plain solver: it chatters on sliding pairs, and "where it finishes" means within this.</summary>
    public const long PlainMaxSteps = 20_000;

    public static double RelativeDistance(double[] a, double[] b)
    {
        double s = 0, t = 0;
        for (int i = 0; i < a.Length; i++) { s += (a[i] - b[i]) * (a[i] - b[i]); t += b[i] * b[i]; }
        return Math.Sqrt(s / t);
    }

    /// <summary>
    /// errors[i] = |theta_GD(T; eta0 / 4^i) - theta_flow(T)| / |theta_flow(T)|, i = 0..3. Claimed per case: the fitted
    /// order (least-squares slope of log error against log eta over the four rates) is at least 1/2, and the error at
    /// the smallest rate is below the error at the largest. Not claimed per case: a decrease at each 4-fold step. A
    /// crossing adds to the error a term that depends on where the steps fall around the crossing time, so the error
    /// oscillates around its first-order trend (counterexamples in P6GdConvergenceProperty: 7.1e-4, 1.4e-4, 2.4e-4,
    /// 6.6e-6; 1.9e-4, 5.8e-5, 4.7e-6, 1.1e-5). The fitted order is the measure; its median over the cases must be
    /// near 1 (checked by the property). referenceError: the flow's own error, which must be well below the GD errors.
    /// </summary>
    public static Verdict CheckConvergence(double[] errors, double referenceError)
    {
        string msg = $"GD errors at eta = {Eta0}, /4, /16, /64: {string.Join(", ", errors.Select(e => e.ToString("G3")))}; flow reference error {referenceError:G2}";
        if (!errors.All(double.IsFinite)) return Verdict.Fail($"GD diverged: {msg}");
        if (!(referenceError <= errors.Min() / 10)) return Verdict.Skip($"the flow reference is not accurate enough: {msg}");
        double order = FittedOrder(errors);
        if (!(errors[^1] < errors[0])) return Verdict.Fail($"GD error does not decrease from the largest to the smallest learning rate: {msg}", order);
        if (!(order >= 0.5)) return Verdict.Fail($"GD error decreases with a fitted order {order:F2} < 1/2: {msg}", order);
        return Verdict.Pass($"{msg}; fitted order {order:F2}", order);
    }

    /// <summary>Least-squares slope of log errors[i] against log(eta0 / 4^i).</summary>
    public static double FittedOrder(double[] errors)
    {
        int q = errors.Length;
        double mx = 0, my = 0;
        for (int i = 0; i < q; i++) { mx += -i * Math.Log(4); my += Math.Log(errors[i]); }
        mx /= q; my /= q;
        double sxy = 0, sxx = 0;
        for (int i = 0; i < q; i++) { double x = -i * Math.Log(4) - mx; sxy += x * (Math.Log(errors[i]) - my); sxx += x * x; }
        return sxy / sxx;
    }

    /// <summary>The plain solver against the Filippov endpoint: within <see cref="PlainTolerance"/> when it finished (SteadyState or Success).</summary>
    public static Verdict CheckPlain(FlowResult plain, double[] filippov)
    {
        if (plain.Code is not (OdeReturnCode.Success or OdeReturnCode.SteadyState))
            return Verdict.Skip($"plain solver did not finish: {plain.Code} ({plain.Reason})");
        double e = RelativeDistance(plain.Final.Theta, filippov);
        string msg = $"plain solver endpoint differs by {e:G3} (relative; tolerance {PlainTolerance:G1}), {plain.Statistics.RhsEvaluations} evaluations";
        return e <= PlainTolerance ? Verdict.Pass(msg, e / PlainTolerance) : Verdict.Fail("the plain solver disagrees with the Filippov integrator: " + msg, e / PlainTolerance);
    }
}
