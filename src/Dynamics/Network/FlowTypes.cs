
using SimplicityBias.Dynamics.Ode;

namespace SimplicityBias.Dynamics.Network;

/// <summary>One recorded point of a training trajectory (recorded at log-spaced times).</summary>
/// <param name="Time">Flow time t (for discrete methods: step count times learning rate).</param>
/// <param name="Loss">Training loss, 1/(2n) convention.</param>
/// <param name="GradNorm">Norm of the (minimum-norm Clarke) gradient.</param>
/// <param name="TestLoss">Test loss (1/(2n_test) convention) or NaN when no test set is given.</param>
/// <param name="MaxNeuronNorm">max_j |w_j|.</param>
/// <param name="SlidingPairs">Neuron/point pairs currently sliding on their hyperplane.</param>
/// <param name="Crossings">Hyperplane crossings so far.</param>
/// <param name="BalancednessDrift">max_j |(a_j^2 - |w_j|^2)(t) - (a_j^2 - |w_j|^2)(0)|, relative to max_j (a_j^2 + |w_j|^2) at t (or at 0 if larger).</param>
public readonly record struct TrajectoryPoint(
    double Time, double Loss, double GradNorm, double TestLoss, double MaxNeuronNorm,
    int SlidingPairs, long Crossings, double BalancednessDrift);

/// <summary>Work counters of a training run.</summary>
public sealed class FlowStatistics
{
    /// <summary>Right-hand-side (gradient) evaluations.</summary>
    public long RhsEvaluations { get; set; }
    /// <summary>Jacobian (Hessian) evaluations.</summary>
    public long JacobianEvaluations { get; set; }
    /// <summary>LU factorizations.</summary>
    public long LuFactorizations { get; set; }
    /// <summary>Accepted steps.</summary>
    public long AcceptedSteps { get; set; }
    /// <summary>Rejected steps.</summary>
    public long RejectedSteps { get; set; }
    /// <summary>
    /// Of the rejected steps, those rejected at their crossings: the remainder of the crossing correction too large,
    /// the corrected state raising the loss beyond rtol, or the sliding update that follows (captures projected onto
    /// their hyperplanes, neurons put at the origin) raising it beyond rtol. The rest fail the Runge-Kutta error test.
    /// </summary>
    public long CrossingRejections { get; set; }
    /// <summary>
    /// Releases undone after the sliding update: on the field re-evaluated there the pair headed back to its
    /// hyperplane from the side it was released to, and its own term would send it back (it slides).
    /// </summary>
    public long RetainedReleases { get; set; }
    /// <summary>Second sweeps of a step's crossings, after its correction carried more pairs across.</summary>
    public long Resweeps { get; set; }
    /// <summary>
    /// Hyperplane crossings: pairs whose side changed over an accepted step (a pair flipped and flipped back within
    /// one step is not counted).
    /// </summary>
    public long Crossings { get; set; }
    /// <summary>Largest number of simultaneously sliding pairs.</summary>
    public int MaxSlidingPairs { get; set; }
    /// <summary>Pairs captured into sliding (Filippov integrator).</summary>
    public long Captures { get; set; }
    /// <summary>Pairs released from sliding (Filippov integrator).</summary>
    public long Releases { get; set; }
    /// <summary>
    /// Captures of a pair released at the step before: step-level chattering, kept low by released pairs keeping the
    /// side their selection chose.
    /// </summary>
    public long Recaptures { get; set; }
    /// <summary>
    /// Captures refused: the neuron already slid on d - 1 independent hyperplanes, or projecting onto the new set
    /// would have moved it more than 10x the new pairs' distances to their hyperplanes.
    /// </summary>
    public long RefusedCaptures { get; set; }
    /// <summary>
    /// Dominated neurons put at w_j = 0, where the step's radial speed would have carried them within the step
    /// (they stay there: FilippovIntegrator.Origin.cs).
    /// </summary>
    public long NeuronsAtOrigin { get; set; }
    /// <summary>Steps taken by the stiff stepper (Runge-Kutta-Chebyshev in the Filippov integrator, Rosenbrock in plain mode).</summary>
    public long StiffSteps { get; set; }
    /// <summary>Switches between the non-stiff (Dormand-Prince) and stiff (Runge-Kutta-Chebyshev) steppers.</summary>
    public long StiffSwitches { get; set; }
    /// <summary>Spectral-radius estimates (power iterations on the field) made for the stiff stepper.</summary>
    public long SpectralRadiusEstimates { get; set; }
    /// <summary>Largest relative increase of the loss over one accepted step, its sliding update included (0 if it never increased).</summary>
    public double MaxLossIncrease { get; set; }
    /// <summary>Largest balancedness defect (relative, before the projection that restores it) over one step.</summary>
    public double MaxBalancednessDefect { get; set; }
    /// <summary>Wall-clock seconds.</summary>
    public double WallSeconds { get; set; }
    /// <summary>The backend that could serve the inner stages (Direct, Block or Grouped; Direct for the discrete and plain trainers).</summary>
    public FieldBackend FieldBackend { get; set; } = FieldBackend.Direct;
    /// <summary>Switches of the inner stages between the direct kernel and the grouped or block form (Auto).</summary>
    public int FieldBackendSwitches { get; set; }
    /// <summary>Of the right-hand sides, those evaluated in block or grouped form.</summary>
    public long BlockEvaluations { get; set; }
    /// <summary>Pairs whose side changed and were folded into the blocks (block form only).</summary>
    public long BlockPairUpdates { get; set; }
    /// <summary>Blocks summed from scratch (block form: the first build and the rebuilds that bound the updates' rounding; grouped form: the regroupings).</summary>
    public long BlockRebuilds { get; set; }
    /// <summary>Neurons whose signs were updated from their near lists of small margin (grouped phase), without a pass over all samples.</summary>
    public long NearListUpdates { get; set; }
    /// <summary>Near lists built (a full pass over the samples each).</summary>
    public long NearListBuilds { get; set; }
    /// <summary>Residuals computed on demand, at single samples (grouped phase).</summary>
    public long ResidualsOnDemand { get; set; }

    /// <summary>A copy of every counter (the integrator keeps one to undo a step it had accepted).</summary>
    internal FlowStatistics Clone() => (FlowStatistics)MemberwiseClone();
}

/// <summary>The outcome of a training run: final state, return code, trajectory, statistics.</summary>
public sealed class FlowResult
{
    /// <summary>Final (or last good) parameters.</summary>
    public required NetworkParameters Final { get; init; }
    /// <summary>
    /// Why the run ended, in the ODE library's codes: Success at the horizon (or, for discrete methods, after the steps
    /// that reach it), SteadyState when stationary, and MaxSteps, StepSizeTooSmall, Unstable or Cancelled.
    /// </summary>
    public required OdeReturnCode Code { get; init; }
    /// <summary>A sentence saying why, with numbers.</summary>
    public required string Reason { get; init; }
    /// <summary>Final time.</summary>
    public required double Time { get; init; }
    /// <summary>Trajectory at log-spaced times (bounded size).</summary>
    public required IReadOnlyList<TrajectoryPoint> Trajectory { get; init; }
    /// <summary>Work counters.</summary>
    public required FlowStatistics Statistics { get; init; }
    /// <summary>Parameters at the end of the early-alignment phase (first time max_j |w_j| exceeds lambda^(1-eps)/sqrt(m)), if reached.</summary>
    public NetworkParameters? EarlyPhaseEnd { get; init; }
    /// <summary>Time at which <see cref="EarlyPhaseEnd"/> was taken, NaN if never.</summary>
    public double EarlyPhaseTime { get; init; } = double.NaN;
    /// <summary>
    /// Filippov flow only (null otherwise): for each neuron j, the points k whose pair (j, k) slides at the end
    /// (kept on &lt;w_j, x_k&gt; = 0 by the selection; their sign is not meaningful), ascending.
    /// </summary>
    public IReadOnlyList<int[]>? SlidingSets { get; init; }
    /// <summary>This result with the early-phase end taken by <paramref name="early"/> (null: none).</summary>
    public FlowResult WithEarlyPhase(FirstTimeObserver? early) => new()
    {
        Final = Final, Code = Code, Reason = Reason, Time = Time, Trajectory = Trajectory, Statistics = Statistics,
        SlidingSets = SlidingSets, EarlyPhaseEnd = early?.Parameters, EarlyPhaseTime = early?.Time ?? double.NaN,
    };

    /// <summary>Final training loss.</summary>
    public double FinalLoss => Trajectory.Count > 0 ? Trajectory[^1].Loss : double.NaN;
    /// <summary>Final stationarity measure.</summary>
    public double FinalGradNorm => Trajectory.Count > 0 ? Trajectory[^1].GradNorm : double.NaN;
}
