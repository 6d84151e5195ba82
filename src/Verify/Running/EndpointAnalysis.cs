using SimplicityBias.Dynamics.Network;
using SimplicityBias.Dynamics.Numerics;
using SimplicityBias.Dynamics.Ode;
using SimplicityBias.Theory.Endpoint;
using SimplicityBias.Theory.Extremal;
using SimplicityBias.Theory.Experiments;
using SimplicityBias.Verify.Specs;

namespace SimplicityBias.Verify.Running;

/// <summary>What the analysis of a finished training found: metrics plus what the checks and figures need.</summary>
internal sealed class Endpoint
{
    public Dictionary<string, double> Metrics { get; } = new(StringComparer.Ordinal);
    public string Regime { get; set; } = "none";
    public bool Converged { get; set; }
    public string ConvergenceNote { get; set; } = "";
    public bool OlsPlusDefined { get; set; } = true;
    public bool OlsMinusDefined { get; set; } = true;
    public string OlsPlusMessage { get; set; } = "";
    public string OlsMinusMessage { get; set; } = "";
    public bool HasPopulation { get; set; }
    public string PopulationMethod { get; set; } = "";
    public bool HasEarlyPhase { get; set; }
    public double[] AlignmentCosines { get; set; } = [];
    public IReadOnlyList<ExtremalDirection> Extremal { get; set; } = [];
    /// <summary>How many pairs slid at the end and how they were counted (for the side checks' messages).</summary>
    public string SlidingNote { get; set; } = "";
    /// <summary>Whether <see cref="Extremal"/> is every extremal vector of the training data (exact enumeration).</summary>
    public bool ExtremalComplete { get; set; }
    /// <summary>How <see cref="Extremal"/> was computed, with the coverage when incomplete (for the checks' messages).</summary>
    public string ExtremalMethod { get; set; } = "";
    public ProjectionData Projections { get; set; } = new();
    public TrajectoryData Trajectory { get; set; } = new();
}

/// <summary>
/// Turns a training result into the endpoint summary: losses, beta+-, the activation sets of each
/// sign group (S+ and S-), OLS on them, the predicted piecewise-linear function, extremal vectors
/// and early alignment, and the invariants along the trajectory. The theory's computations are
/// SimplicityBias.Theory's (EndpointComparison, ExtremalVectors, PopulationExtremal, Alignment).
/// </summary>
internal static class EndpointAnalysis
{
    /// <summary>A neuron counts for S+- when |a_j||w_j| exceeds this fraction of the largest one (the others never left the lambda scale).</summary>
    public const double NegligibleRelative = 1e-4;

    /// <summary>
    /// Resolves expect = auto: orthogonal data or n &lt;= d interpolate; a linear teacher on symmetric inputs with ReLU
    /// is held to the OLS-on-S+- endpoint when n &gt;= 2 n*; everything else makes no endpoint claim. Below the
    /// threshold the theory says the flow <em>can</em> interpolate, not that it does: early alignment can leave it at a
    /// stationary point that fits all but a few points (n = 4, d = 2, seed 2 of the quick reproduction stops at
    /// 4.5% of the noise level), so small n is not held to interpolation.
    /// </summary>
    public static string ResolveRegime(ExperimentSpec s, int n, int d, bool synthetic)
    {
        if (s.Expect != "auto") return s.Expect;
        if (s.DataModel == InputLawKind.Orthogonal && synthetic) return "interpolation";
        if (n <= d) return "interpolation";
        bool inTheory = s.Activation == Activation.Relu && (!synthetic || (s.Teacher == TeacherKind.Linear && s.Model().Input.IsSymmetric));
        if (!inTheory) return "none";
        double nStar = s.ThresholdOrDefault();
        return n >= 2 * nStar ? "ols" : "none";
    }

    public static Endpoint Analyze(ExperimentSpec spec, RunInputs inputs, NetworkParameters initial, FlowResult result)
    {
        var train = inputs.Train;
        var test = inputs.Test;
        int n = train.N, d = train.D;
        bool gelu = spec.Activation == Activation.Gelu;
        var e = new Endpoint();
        var mt = e.Metrics;
        var fin = result.Final;

        // Only a stationary end counts: in the late phase a small gradient can still be far from the
        // stationary point (Hessian eigenvalues down to 1e-8), so a run stopped at the horizon has not converged.
        e.Converged = result.Code == OdeReturnCode.SteadyState;
        e.ConvergenceNote = $"{result.Code} at t = {result.Time:G4}, |grad| = {result.FinalGradNorm:G3}";
        e.Regime = ResolveRegime(spec, n, d, inputs.Synthetic);
        mt[Metrics.Threshold] = spec.ThresholdOrDefault();

        // Losses and reference levels.
        mt[Metrics.TrainLoss] = NetworkMath.Loss(fin, train, gelu);
        if (test is not null) mt[Metrics.TestLoss] = NetworkMath.Loss(fin, test, gelu);
        mt[Metrics.GradNorm] = result.FinalGradNorm;
        double sigma = inputs.Synthetic ? spec.Sigma : double.NaN;
        if (inputs.Synthetic)
        {
            mt[Metrics.NoiseLevel] = sigma * sigma / 2;
            var (rt, rs) = Predictions.ReferenceLevels(sigma, d, n);
            mt[Metrics.RefTrain] = rt;
            mt[Metrics.RefTest] = rs;
        }

        // S+ and S- from the network's own activation sets, beta+- against OLS on them, and the
        // losses of the predicted piecewise-linear function (SimplicityBias.Theory).
        // Pairs sliding at the end lie on their hyperplanes (z = 0 up to rounding): they count with their Filippov weight eta.
        var sliding = result.SlidingSets;
        var eta = sliding is null ? null : SlidingSelection.Eta(train, fin, sliding);
        int slidingPairs = sliding?.Sum(s => s.Length) ?? 0;
        mt[Metrics.SlidingPairs] = slidingPairs;
        e.SlidingNote = sliding is null ? "no sliding sets (not the Filippov flow)"
            : $"{slidingPairs} sliding pair(s) at the end, on their hyperplanes with weight eta" +
              (slidingPairs > 0 ? $" (mean eta {eta!.SelectMany(x => x).Average():F3})" : "");
        var cmp = EndpointComparison.Compare(fin, train, test, negligibleRelative: NegligibleRelative, sliding: sliding, eta: eta);
        var split = cmp.NetworkSplit;
        int members = (split.PlusGroup?.Members ?? 0) + (split.MinusGroup?.Members ?? 0);
        mt[Metrics.ActiveNeurons] = members;
        double disagree = Math.Max(split.PlusGroup?.DisagreementFraction ?? 0, split.MinusGroup?.DisagreementFraction ?? 0);
        mt[Metrics.CommonSets] = 1 - disagree;
        mt[Metrics.SPlus] = split.PlusCount;
        mt[Metrics.SMinus] = split.MinusCount;
        mt[Metrics.Overlap] = split.Overlap;
        mt[Metrics.Uncovered] = split.Uncovered;
        var pred = cmp.Prediction;
        e.OlsPlusDefined = pred.Plus.Status == OlsStatus.Ok;
        e.OlsMinusDefined = pred.Minus.Status == OlsStatus.Ok;
        e.OlsPlusMessage = pred.Plus.Message;
        e.OlsMinusMessage = pred.Minus.Message;
        if (e.OlsPlusDefined) mt[Metrics.BetaPlusError] = cmp.RelativeErrorPlus;
        if (e.OlsMinusDefined) mt[Metrics.BetaMinusError] = cmp.RelativeErrorMinus;
        if (pred.Ok)
        {
            mt[Metrics.OlsTrain] = cmp.PredictedTrainLoss;
            if (test is not null) mt[Metrics.OlsTest] = cmp.PredictedTestLoss;
        }

        // Extremal vectors of the training data; starts include the neurons' own directions.
        var starts = new List<(double[], int)>();
        void AddNeuronStarts(NetworkParameters? p)
        {
            if (p is null) return;
            for (int j = 0; j < p.M; j++)
                if (NetworkMath.Direction(p, j) is { } u && p.A(j) != 0) starts.Add((u, Math.Sign(p.A(j))));
        }
        // The early-phase directions are where the alignment is measured; starting there finds the extremal vectors they approach.
        AddNeuronStarts(result.EarlyPhaseEnd);
        var pop = inputs.Synthetic ? Predictions.PopulationExtremal(spec) : null;
        var population = pop?.Vectors;
        e.PopulationMethod = pop?.Method ?? "";
        if (population is not null) foreach (var p in population) starts.Add((p.Direction, p.Sign));
        var ex = Predictions.Extremal(train, starts, spec.Seed);
        e.Extremal = ex.Vectors;
        e.ExtremalComplete = ex.Complete;
        e.ExtremalMethod = ex.Complete ? $"complete ({ex.Method})"
            : $"incomplete ({ex.Method}, coverage {ex.Coverage:F3} of directions' cells examined)";
        mt[Metrics.ExtremalCount] = e.Extremal.Count;
        mt[Metrics.ExtremalComplete] = ex.Complete ? 1 : 0;
        mt[Metrics.ExtremalCoverage] = ex.Coverage;
        mt[Metrics.ExtremalFlowSearchCount] = ex.FlowSearchCount;

        // Concentration: distance of each empirical extremal vector to the nearest population one of its sign.
        if (population is not null && e.Extremal.Count > 0)
        {
            e.HasPopulation = true;
            double worst = 0;
            foreach (var x in e.Extremal)
            {
                double best = double.PositiveInfinity;
                foreach (var p in population) if (p.Sign == x.Sign) best = Math.Min(best, Vec.Distance(x.Vector, p.Vector));
                worst = Math.Max(worst, best);
            }
            mt[Metrics.ExtremalDistance] = worst;
            mt[Metrics.ConcentrationScale] = Math.Sqrt(d * Math.Log(Math.Max(n, 2)) / n);
        }

        // Population extremal directions measured on the (large) test sample.
        if (inputs.Synthetic && test is not null && Predictions.PopulationInClosedForm(spec) && population is not null)
        {
            var big = Predictions.Extremal(test, [], spec.Seed).Vectors;
            if (big.Count > 0)
            {
                double worst = 0;
                foreach (var x in big)
                {
                    double best = double.PositiveInfinity;
                    foreach (var p in population)
                        if (p.Sign == x.Sign) best = Math.Min(best, Math.Acos(Math.Clamp(Vec.Dot(x.Direction, p.Direction), -1, 1)));
                    worst = Math.Max(worst, best);
                }
                mt[Metrics.PopulationAngle] = worst;
            }
        }

        // Early alignment: angle of each neuron to the nearest extremal direction of its sign (SimplicityBias.Theory).
        if (result.EarlyPhaseEnd is { } early)
        {
            e.HasEarlyPhase = true;
            var threshold = Math.Acos(Math.Clamp(spec.Tolerances.AlignmentCosine, -1, 1));
            var al = Alignment.Measure(early, e.Extremal.Cast<ISignedDirection>().ToList(), threshold);
            e.AlignmentCosines = al.Angles.Where(a => !double.IsNaN(a)).Select(Math.Cos).ToArray();
            mt[Metrics.AlignedFraction] = al.FractionWithin;
            mt[Metrics.AlignedWeighted] = al.NormWeightedFractionWithin;
            mt[Metrics.MedianCosine] = NetworkMath.Median(e.AlignmentCosines);
        }

        // Invariants along the trajectory.
        var tr = result.Trajectory;
        double drift = 0, increase = 0;
        // TrajectoryPoint.BalancednessDrift is relative to the initial scale max_j (a_j^2 + |w_j|^2)(0) ~ lambda^2,
        // far below the rounding of a_j^2 - |w_j|^2 once the weights are O(1). Re-express it relative to the
        // current scale (at least the initial one), which is what floating point can resolve.
        double scale0 = 0;
        for (int j = 0; j < initial.M; j++) scale0 = Math.Max(scale0, initial.A(j) * initial.A(j) + Vec.Dot(initial.W(j), initial.W(j)));
        for (int i = 0; i < tr.Count; i++)
        {
            double current = Math.Max(scale0, 2 * tr[i].MaxNeuronNorm * tr[i].MaxNeuronNorm);
            drift = Math.Max(drift, tr[i].BalancednessDrift * scale0 / current);
            if (i > 0) increase = Math.Max(increase, LossIncrease(tr[i - 1].Loss, tr[i].Loss, tr[0].Loss, spec.Rtol));
        }
        if (tr.Count > 0) { mt[Metrics.Drift] = drift; mt[Metrics.LossIncrease] = increase; }
        e.Trajectory = new TrajectoryData
        {
            T = tr.Select(p => p.Time).ToArray(),
            Loss = tr.Select(p => p.Loss).ToArray(),
            TestLoss = tr.Select(p => p.TestLoss).ToArray(),
            GradNorm = tr.Select(p => p.GradNorm).ToArray(),
            Drift = tr.Select(p => p.BalancednessDrift).ToArray(),
            SlidingPairs = tr.Select(p => p.SlidingPairs).ToArray(),
            Crossings = tr.Select(p => p.Crossings).ToArray(),
        };

        // Directions on (beta*, an orthogonal direction).
        var (b1, b2) = ProjectionAxes(spec, d, inputs.Synthetic);
        e.Projections = new ProjectionData
        {
            Start = Project(initial, b1, b2),
            Early = result.EarlyPhaseEnd is null ? [] : Project(result.EarlyPhaseEnd, b1, b2),
            End = Project(fin, b1, b2),
        };
        return e;
    }

    /// <summary>b1 = beta*/|beta*| (e_1 for user data and non-linear teachers); b2 = e_2 (or e_1) made orthogonal to b1.</summary>
    internal static (double[] B1, double[] B2) ProjectionAxes(ExperimentSpec s, int d, bool synthetic)
    {
        var b1 = new double[d];
        if (synthetic && s.Teacher == TeacherKind.Linear && s.D == d) { var beta = s.BetaOrDefault(); double nb = Vec.Norm(beta); for (int i = 0; i < d; i++) b1[i] = beta[i] / nb; }
        else b1[0] = 1;
        var b2 = new double[d];
        if (d == 1) return (b1, b2);
        int axis = Math.Abs(b1[1]) < 0.9 ? 1 : 0;
        b2[axis] = 1;
        double dot = Vec.Dot(b1, b2);
        for (int i = 0; i < d; i++) b2[i] -= dot * b1[i];
        double n2 = Vec.Norm(b2);
        for (int i = 0; i < d; i++) b2[i] /= n2;
        return (b1, b2);
    }

    /// <summary>(x, y, sign of a_j, |w_j| / max_k |w_k|) per neuron with w_j != 0.</summary>
    private static double[][] Project(NetworkParameters p, double[] b1, double[] b2)
    {
        double max = 0;
        for (int j = 0; j < p.M; j++) max = Math.Max(max, Vec.Norm(p.W(j)));
        var list = new List<double[]>(p.M);
        for (int j = 0; j < p.M; j++)
        {
            if (NetworkMath.Direction(p, j) is not { } u) continue;
            list.Add([Vec.Dot(u, b1), Vec.Dot(u, b2), Math.Sign(p.A(j)), Vec.Norm(p.W(j)) / max]);
        }
        return list.ToArray();
    }

    /// <summary>
    /// The rise of the loss from one trajectory point to the next, relative to max(L, 1e-6 L(0)); a rise within the loss's
    /// resolution at the run's rtol does not count. Parameters known to rtol give predictions known to about 2 rtol |h|
    /// (h is 2-homogeneous in the parameters), hence residuals to 2 rtol |y| near a fit and the loss to
    /// 4 rtol sqrt(L L(0)) + 4 rtol^2 L(0) (L(0) ~ mean(y^2)/2 from a small initialization). Without it, the check
    /// asked for 1e-12 L(0) after interpolation, below that resolution (orthogonal data: rises of 1.4e-12 at L ~ 1e-14).
    /// </summary>
    internal static double LossIncrease(double before, double after, double initial, double rtol)
    {
        double rise = after - before;
        if (double.IsNaN(rise)) return double.PositiveInfinity;
        if (rise <= 0) return 0;
        double l0 = Math.Abs(initial), lb = Math.Abs(before);
        double resolution = 4 * rtol * Math.Sqrt(lb * l0) + 4 * rtol * rtol * l0;
        if (rise <= resolution) return 0;
        return rise / Math.Max(lb, Math.Max(1e-6 * l0, 1e-300));
    }
}
