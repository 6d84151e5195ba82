using SimplicityBias.Dynamics.Network;
using SimplicityBias.Dynamics.Ode;

namespace SimplicityBias.Theory.Tests.Properties;

/// <summary>
/// Property 1 (docs/THEORY.md section 2): along an integrated gradient flow the balancedness
/// a_j^2 - |w_j|^2 is constant, the loss never increases, and the run ends stationary (SteadyState) or at the
/// horizon (never Unstable, StepSizeTooSmall, MaxSteps or Cancelled).
/// </summary>
public static class FlowInvariants
{
    /// <summary>The separate claims of property 1.</summary>
    [Flags]
    public enum Claims
    {
        /// <summary>SteadyState (stationary) or Success (the horizon).</summary>
        ReturnCode = 1,
        /// <summary>a_j^2 - |w_j|^2 constant (final state, and the recorded drift).</summary>
        Balancedness = 2,
        /// <summary>The recorded losses do not increase beyond the integration error, start at L(0), end below it.</summary>
        RecordedLossMonotone = 4,
        /// <summary>
        /// The run's state is consistent with what it reports: the last recorded loss is the final state's loss,
        /// and no single step raised the loss beyond the integration error (FlowStatistics.MaxLossIncrease).
        /// </summary>
        StateConsistency = 8,
        /// <summary>Claims not affected by the integrator bug reported with property 1 (see P1FlowInvariantsProperty).</summary>
        Core = ReturnCode | Balancedness | RecordedLossMonotone,
        All = Core | StateConsistency,
    }

    /// <summary>Largest drift of a_j^2 - |w_j|^2 relative to max_j (a_j^2 + |w_j|^2)(0) (the command line's default tolerance).</summary>
    public const double BalancednessTolerance = 1e-6;

    /// <summary>
    /// Loss changes the integration may cause, as a multiple of the loss error floor
    /// e(L) = rtol sqrt(L L_y) + rtol^2 L_y (L_y = mean y^2 / 2, the loss of the zero network): an error of
    /// relative size rtol in theta moves each prediction by about rtol |h(x_k)| ~ rtol |y_k|, hence the loss by
    /// about sqrt(2L) rtol sqrt(2 L_y) + rtol^2 L_y. The factor allows for the error accumulated over the steps
    /// between two recorded points and for the first-order crossing corrections (measured: up to ~30).
    /// </summary>
    public const double LossErrorFactor = 100;

    /// <summary>
    /// Factor for a single step (FlowStatistics.MaxLossIncrease, relative to the loss before the step, bounded by
    /// the error floor at the smallest loss of the run). Measured: orthogonal inputs with an unbalanced start reach
    /// L ~ 3e-12 where one step rose 400 times the loss's own size, 3 times the factor-100 allowance, at rtol 1e-6;
    /// the rise shrank to 36 at rtol 1e-7 and to 0 at 1e-8 (integration error, not a defect).
    /// </summary>
    public const double StepRiseFactor = 1000;

    /// <summary>The loss error floor e(L) of <see cref="LossErrorFactor"/>.</summary>
    public static double LossErrorFloor(double loss, double lossOfZero, double rtol) =>
        rtol * Math.Sqrt(Math.Max(loss, 0) * lossOfZero) + rtol * rtol * lossOfZero;

    public static Verdict Check(Dataset train, NetworkParameters initial, FlowResult result, double rtol, Claims claims = Claims.All)
    {
        var problems = new List<string>();
        bool all = claims.HasFlag(Claims.StateConsistency);
        if (claims.HasFlag(Claims.ReturnCode) && result.Code is not (OdeReturnCode.SteadyState or OdeReturnCode.Success))
            problems.Add($"return code {result.Code} ({result.Reason}), expected SteadyState or Success");

        // Balancedness, computed here from the parameters, not from the integrator's own record.
        double scale0 = NetworkDiagnostics.SquaredScale(initial.Theta, initial.M, initial.D);
        var c0 = NetworkDiagnostics.Balancedness(initial.Theta, initial.M, initial.D);
        double drift = NetworkDiagnostics.BalancednessDrift(result.Final.Theta, initial.M, initial.D, c0, scale0);
        if (claims.HasFlag(Claims.Balancedness) && !(drift <= BalancednessTolerance))
            problems.Add($"balancedness drift of the final state {drift:G3} > {BalancednessTolerance:G3} (relative to max_j (a_j^2+|w_j|^2)(0) = {scale0:G3})");
        double recorded = result.Trajectory.Count == 0 ? 0 : result.Trajectory.Max(p => p.BalancednessDrift);
        if (claims.HasFlag(Claims.Balancedness) && !(recorded <= BalancednessTolerance))
            problems.Add($"recorded balancedness drift {recorded:G3} > {BalancednessTolerance:G3}");

        // Loss: non-increasing between recorded points up to the integration error, the final record is the
        // final state's loss, and no single step raised it by more than the error floor allows at the smallest loss.
        var traj = result.Trajectory;
        double l0 = initial.Loss(train);
        double ly = 0;
        foreach (var y in train.Y) ly += y * y;
        ly /= 2.0 * train.N;
        double worst = 0;
        int worstAt = -1;
        double lmin = double.PositiveInfinity;
        for (int i = 0; i < traj.Count; i++)
        {
            var p = traj[i];
            if (!double.IsFinite(p.Loss) || !double.IsFinite(p.GradNorm)) { problems.Add($"non-finite trajectory point {i} at t = {p.Time:G4}: L = {p.Loss}, |grad| = {p.GradNorm}"); break; }
            lmin = Math.Min(lmin, p.Loss);
            if (i > 0 && !(p.Time > traj[i - 1].Time)) problems.Add($"trajectory times not increasing at point {i}: {traj[i - 1].Time:G6} then {p.Time:G6}");
            if (i == 0) continue;
            double rise = (p.Loss - traj[i - 1].Loss) / (LossErrorFactor * LossErrorFloor(traj[i - 1].Loss, ly, rtol));
            if (rise > worst) { worst = rise; worstAt = i; }
        }
        bool mono = claims.HasFlag(Claims.RecordedLossMonotone);
        if (mono && worst > 1)
            problems.Add($"loss increased from {traj[worstAt - 1].Loss:G10} at t = {traj[worstAt - 1].Time:G5} to {traj[worstAt].Loss:G10} at t = {traj[worstAt].Time:G5}: " +
                         $"{worst:G3} times the allowed {LossErrorFactor} (rtol sqrt(L L_y) + rtol^2 L_y)");
        double stepRise = result.Statistics.MaxLossIncrease;
        double stepAllowed = lmin > 0 ? StepRiseFactor * LossErrorFloor(lmin, ly, rtol) / lmin : double.PositiveInfinity;
        if (all && !(stepRise <= stepAllowed))
            problems.Add($"one step raised the loss by {stepRise:G3} (relative), more than the {stepAllowed:G3} the error floor allows at the smallest loss {lmin:G4}");
        double lf = result.Final.Loss(train);
        if (traj.Count > 0)
        {
            double reported = traj[^1].Loss;
            if (all && !(Math.Abs(reported - lf) <= LossErrorFloor(lf, ly, rtol) + 1e-12 * lf))
                problems.Add($"final recorded loss {reported:G12} is not the final state's loss {lf:G12}");
            if (mono && Math.Abs(traj[0].Loss - l0) > 1e-9 * l0) problems.Add($"first recorded loss {traj[0].Loss:G12} is not L(0) = {l0:G12}");
        }
        if (mono && !(lf <= l0 + LossErrorFactor * LossErrorFloor(l0, ly, rtol))) problems.Add($"final loss {lf:G6} above the initial loss {l0:G6}");

        return problems.Count == 0
            ? Verdict.Pass($"{result.Code} at t = {result.Time:G4}, drift {drift:G2}, worst rise {worst:G2} of allowed, step rise {stepRise:G2} (allowed {stepAllowed:G2})", Math.Max(drift / BalancednessTolerance, Math.Max(worst, all ? stepRise / stepAllowed : 0)))
            : Verdict.Fail(string.Join("; ", problems));
    }
}
