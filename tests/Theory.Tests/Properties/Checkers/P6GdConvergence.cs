using SimplicityBias.Dynamics.Network;

namespace SimplicityBias.Theory.Tests.Properties;

/// <summary>
/// Property 6: gradient descent converges to the integrated flow as the learning rate goes to zero (first order:
/// error(eta) / error(eta/4) near 4), and the plain generic solver (Mode = Plain), where it finishes, agrees with the
/// Filippov integrator.
/// </summary>
public static class P6GdConvergence
{
    /// <summary>The largest learning rate; the others are eta/4 and eta/16.</summary>
    public const double Eta0 = 0.02;

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
    /// errors[i] = |theta_GD(T; eta0 / 4^i) - theta_flow(T)| / |theta_flow(T)|, i = 0, 1, 2. Claimed per case: strictly
    /// decreasing, and error(eta0) / error(eta0/16) &gt;= 4 (an order of at least 1/2 over the whole range; first order
    /// gives 16). The order log16(error(eta0) / error(eta0/16)) is the measure (its median over cases is checked to
    /// be near 1 by the property). referenceError: the flow's own error, which must be well below the smallest GD error.
    /// </summary>
    public static Verdict CheckConvergence(double[] errors, double referenceError)
    {
        string msg = $"GD errors at eta = {Eta0}, /4, /16: {errors[0]:G3}, {errors[1]:G3}, {errors[2]:G3}; ratios {errors[0] / errors[1]:F2}, {errors[1] / errors[2]:F2}; flow reference error {referenceError:G2}";
        if (!errors.All(double.IsFinite)) return Verdict.Fail($"GD diverged: {msg}");
        if (!(referenceError <= errors[2] / 10)) return Verdict.Skip($"the flow reference is not accurate enough: {msg}");
        double order = Math.Log(errors[0] / errors[2]) / Math.Log(16);
        if (!(errors[0] > errors[1] && errors[1] > errors[2])) return Verdict.Fail($"GD error does not decrease with the learning rate: {msg}", order);
        if (!(errors[0] / errors[2] >= 4)) return Verdict.Fail($"GD error falls by less than 4 over a 16-fold smaller learning rate: {msg}", order);
        return Verdict.Pass($"{msg}; order {order:F2}", order);
    }

    /// <summary>The plain solver against the Filippov endpoint: within <see cref="PlainTolerance"/> when it finished (Stationary or TimeLimit).</summary>
    public static Verdict CheckPlain(FlowResult plain, double[] filippov)
    {
        if (plain.Code is not (FlowReturnCode.TimeLimit or FlowReturnCode.Stationary))
            return Verdict.Skip($"plain solver did not finish: {plain.Code} ({plain.Reason})");
        double e = RelativeDistance(plain.Final.Theta, filippov);
        string msg = $"plain solver endpoint differs by {e:G3} (relative; tolerance {PlainTolerance:G1}), {plain.Statistics.RhsEvaluations} evaluations";
        return e <= PlainTolerance ? Verdict.Pass(msg, e / PlainTolerance) : Verdict.Fail("the plain solver disagrees with the Filippov integrator: " + msg, e / PlainTolerance);
    }
}
