using System.Diagnostics;
using System.Text.Json;
using SimplicityBias.Dynamics.Network;
using SimplicityBias.Dynamics.Ode;
using SimplicityBias.Verify.Checks;
using SimplicityBias.Verify.Specs;

namespace SimplicityBias.Verify.Running;

/// <summary>Live state of a run, for progress displays.</summary>
/// <param name="Time">Current flow time.</param>
/// <param name="Loss">Current training loss.</param>
/// <param name="Horizon">Final time of the run.</param>
public readonly record struct RunProgress(double Time, double Loss, double Horizon)
{
    /// <summary>
    /// Flow time on a log scale, log(1 + t) / log(1 + horizon), in [0, 1] (the flow's phases are spread over decades of t).
    /// Not a fraction of the work: the late decades can take most of the wall time, or none when the run stops stationary early.
    /// </summary>
    public double Fraction => Horizon > 0 ? Math.Clamp(Math.Log10(1 + Time) / Math.Log10(1 + Horizon), 0, 1) : 0;

    /// <summary>The training is over and the endpoint is being analysed (extremal vectors, OLS on S+-, checks).</summary>
    public bool Analysing { get; init; }
}

/// <summary>
/// One run: data, initialization, training, endpoint summary, the theory's predictions, checks.
/// Pure in its spec (apart from the wall time), so runs can go in parallel in any order.
/// </summary>
public sealed class ExperimentRunner(ITrainerFactory trainers)
{
    /// <summary>A runner with the real trainers.</summary>
    public static readonly ExperimentRunner Default = new(DefaultTrainerFactory.Instance);

    /// <summary>Runs a synthetic experiment; null when cancelled before the end.</summary>
    public RunRecord? Run(ExperimentSpec spec, int index = 0, string sweep = "", Action<RunProgress>? progress = null, CancellationToken cancel = default,
        CheckpointFiles? checkpoints = null)
    {
        RunInputs inputs;
        try { inputs = RunInputs.FromSpec(spec); }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException)
        { return ErrorRecord(spec, index, sweep, "synthetic", "data: " + ex.Message, 0, null, null); }
        return Run(spec, inputs, index, sweep, progress, cancel, checkpoints: checkpoints);
    }

    /// <summary>Runs on given data (the spec's n and d must match the data); null when cancelled.
    /// <paramref name="key"/> replaces the spec hash as the store key (user data: the hash must cover the data too).
    /// <paramref name="checkpoints"/>: where a spec with checkpointsPerDecade keeps its checkpoints, under its key.</summary>
    public RunRecord? Run(ExperimentSpec spec, RunInputs inputs, int index = 0, string sweep = "", Action<RunProgress>? progress = null,
        CancellationToken cancel = default, string? key = null, CheckpointFiles? checkpoints = null)
    {
        if (inputs.Train.D != spec.D || inputs.Train.N != spec.N)
            throw new ArgumentException($"spec has n = {spec.N}, d = {spec.D} but the data have n = {inputs.Train.N}, d = {inputs.Train.D}", nameof(inputs));
        if (inputs.Test is { } te && te.D != spec.D)
            throw new ArgumentException($"the test data have d = {te.D}, expected {spec.D}", nameof(inputs));
        if (inputs.Init is { } init && (init.Parameters.M != spec.M || init.Parameters.D != spec.D))
            throw new ArgumentException($"{init.Name} has m = {init.Parameters.M}, d = {init.Parameters.D} but the spec has m = {spec.M}, d = {spec.D}", nameof(inputs));
        var sw = Stopwatch.StartNew();
        if (cancel.IsCancellationRequested) return null;
        NetworkParameters initial;
        FlowResult result;
        try
        {
            initial = inputs.Init?.Parameters.Clone() ?? spec.Initial();
            var trainer = trainers.For(spec);
            Action<TrajectoryPoint>? cb = progress is null ? null : p => progress(new RunProgress(p.Time, p.Loss, spec.Horizon));
            var checkpoint = checkpoints is null ? null : new RunCheckpoint(checkpoints, key ?? CanonicalSpec.Hash(spec));
            result = trainer.Train(inputs.Train, initial, spec, inputs.Test, cb, checkpoint, cancel);
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested) { return null; }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            return ErrorRecord(spec, index, sweep, inputs.Description, $"{ex.GetType().Name}: {ex.Message}", sw.Elapsed.TotalSeconds, key, inputs.Init);
        }
        if (result.Code == OdeReturnCode.Cancelled || cancel.IsCancellationRequested) return null;

        progress?.Invoke(new RunProgress(result.Time, result.FinalLoss, spec.Horizon) { Analysing = true });
        var e = EndpointAnalysis.Analyze(spec, inputs, initial, result);
        var checks = RunChecks.Build(spec, inputs, e);
        checks.Insert(0, SolverCheck.For(result.Code, result.Time, result.Reason));
        var st = result.Statistics;
        return Stamped(spec, index, sweep, inputs.Description, sw.Elapsed.TotalSeconds, key, inputs.Init) with
        {
            Regime = e.Regime,
            Code = result.Code.ToString(),
            Reason = result.Reason,
            Time = result.Time,
            EarlyPhaseTime = result.EarlyPhaseTime,
            Work = new Dictionary<string, double>(StringComparer.Ordinal)
            {
                ["rhsEvaluations"] = st.RhsEvaluations, ["jacobianEvaluations"] = st.JacobianEvaluations,
                ["luFactorizations"] = st.LuFactorizations, ["acceptedSteps"] = st.AcceptedSteps,
                ["rejectedSteps"] = st.RejectedSteps, ["crossings"] = st.Crossings,
                ["maxSlidingPairs"] = st.MaxSlidingPairs, ["captures"] = st.Captures, ["releases"] = st.Releases,
                ["recaptures"] = st.Recaptures, ["trainingSeconds"] = st.WallSeconds,
            },
            Metrics = e.Metrics,
            Checks = checks,
            Trajectory = e.Trajectory,
            AlignmentCosines = e.AlignmentCosines,
            Projections = e.Projections,
            Extremal = e.Extremal.Take(64).Select(x => new ExtremalSummary(x.Sign, x.C, x.Direction, x.ActiveCount)).ToList(),
            Parameters = new ParameterData { Early = ParameterData.Rows(result.EarlyPhaseEnd), Final = ParameterData.Rows(result.Final) },
        };
    }

    internal static JsonElement SpecElement(ExperimentSpec spec)
    {
        using var doc = JsonDocument.Parse(CanonicalSpec.ToUtf8(spec));
        return doc.RootElement.Clone();
    }

    private static RunRecord ErrorRecord(ExperimentSpec spec, int index, string sweep, string data, string message, double wall, string? key, InitFile? init)
        => Stamped(spec, index, sweep, data, wall, key, init) with { Status = "error", Error = message };

    /// <summary>What every record of a run carries, done or failed: its key, place, spec, provenance, data and wall time.</summary>
    private static RunRecord Stamped(ExperimentSpec spec, int index, string sweep, string data, double wall, string? key, InitFile? init) => new()
    {
        Hash = key ?? CanonicalSpec.Hash(spec),
        Index = index,
        Sweep = sweep,
        Spec = SpecElement(spec),
        CodeVersion = Provenance.CodeVersion,
        KernelPath = Provenance.KernelPath,
        Status = "ok",
        Data = data,
        WallSeconds = wall,
        InitFile = init?.Name ?? "",
        InitSha256 = init?.Sha256 ?? "",
    };
}
