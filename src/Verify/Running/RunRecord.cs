using System.Text.Json;
using System.Text.Json.Serialization;
using SimplicityBias.Verify.Checks;

namespace SimplicityBias.Verify.Running;

/// <summary>
/// Everything kept of one finished run: the spec, how the training ended, the endpoint metrics,
/// the checks and what the figures need. One JSON line in a results store. Apart from the wall
/// time, a record is a pure function of its spec.
/// </summary>
public sealed record RunRecord
{
    /// <summary>SHA-256 of the canonical spec (the store key).</summary>
    public required string Hash { get; init; }
    /// <summary>Position of the run in its sweep (orders tables and figures).</summary>
    public int Index { get; init; }
    /// <summary>Name of the sweep.</summary>
    public string Sweep { get; init; } = "";
    /// <summary>Canonical spec (or, for user data, the spec used plus a data description).</summary>
    public required JsonElement Spec { get; init; }
    /// <summary>Code version that produced the record (<see cref="Provenance.CodeVersion"/>; empty in older records).</summary>
    public string CodeVersion { get; init; } = "";
    /// <summary>Gradient kernel path of the run (<see cref="Provenance.KernelPath"/>; empty in older records).</summary>
    public string KernelPath { get; init; } = "";
    /// <summary>"ok" (the training ran; checks decide) or "error" (the run could not be done).</summary>
    public required string Status { get; init; }
    /// <summary>Error message when <see cref="Status"/> is "error".</summary>
    public string? Error { get; init; }
    /// <summary>The data the run used: "synthetic" or a file name.</summary>
    public string Data { get; init; } = "synthetic";
    /// <summary>Regime the endpoint claims were held to: ols, interpolation or none.</summary>
    public string Regime { get; init; } = "none";
    /// <summary>Return code of the training: an <see cref="Dynamics.Ode.OdeReturnCode"/> name (see <see cref="StoredReturnCode"/>).</summary>
    public string Code { get; init; } = "";
    /// <summary>Why the training ended.</summary>
    public string Reason { get; init; } = "";
    /// <summary>Final time.</summary>
    public double Time { get; init; } = double.NaN;
    /// <summary>End of the early phase, NaN if not reached.</summary>
    public double EarlyPhaseTime { get; init; } = double.NaN;
    /// <summary>Wall-clock seconds of the whole run (training and analysis).</summary>
    public double WallSeconds { get; init; }
    /// <summary>Work counters of the training.</summary>
    public Dictionary<string, double> Work { get; init; } = new(StringComparer.Ordinal);
    /// <summary>Endpoint metrics by name (see <see cref="Metrics"/>).</summary>
    public Dictionary<string, double> Metrics { get; init; } = new(StringComparer.Ordinal);
    /// <summary>The checks of this run.</summary>
    public List<CheckResult> Checks { get; init; } = [];
    /// <summary>Trajectory samples.</summary>
    public TrajectoryData Trajectory { get; init; } = new();
    /// <summary>Cosine of each neuron with the nearest same-sign extremal direction at the end of the early phase.</summary>
    public double[] AlignmentCosines { get; init; } = [];
    /// <summary>Neuron directions projected on (beta*, an orthogonal direction) at start, end of early phase, end.</summary>
    public ProjectionData Projections { get; init; } = new();
    /// <summary>Empirical extremal directions of the training data (at most 64).</summary>
    public List<ExtremalSummary> Extremal { get; init; } = [];
    /// <summary>File name of the parameters the run started from (<c>--init</c>); empty when the spec's initialization was drawn.</summary>
    public string InitFile { get; init; } = "";
    /// <summary>SHA-256 (hex) of that file's bytes; empty when the spec's initialization was drawn.</summary>
    public string InitSha256 { get; init; } = "";
    /// <summary>The network at the end of the early phase and at the end (empty in error records and older records).</summary>
    public ParameterData Parameters { get; init; } = new();

    /// <summary>Whether the training ended stationary (SteadyState, or "Stationary" in older records).</summary>
    [JsonIgnore]
    public bool Stationary => StoredReturnCode.IsStationary(Code);
    /// <summary>Worst verdict of the checks (inconclusive when there are none).</summary>
    [JsonIgnore]
    public Verdict Verdict => Verdicts.Combine(Checks.Select(c => c.Verdict));

    /// <summary>A metric or NaN.</summary>
    public double Metric(string name) => Metrics.TryGetValue(name, out var v) ? v : double.NaN;

    /// <summary>An integer field of the spec (or -1).</summary>
    public long SpecInt(string field) => Spec.ValueKind == JsonValueKind.Object && Spec.TryGetProperty(field, out var v) && v.TryGetInt64(out var k) ? k : -1;
    /// <summary>A numeric field of the spec (or NaN).</summary>
    public double SpecDouble(string field) => Spec.ValueKind == JsonValueKind.Object && Spec.TryGetProperty(field, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : double.NaN;
    /// <summary>A string field of the spec (or "").</summary>
    public string SpecString(string field) => Spec.ValueKind == JsonValueKind.Object && Spec.TryGetProperty(field, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString()! : "";

    /// <summary>Serializer settings of records: camelCase, NaN and infinities as strings.</summary>
    public static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        WriteIndented = false,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>One line of JSON (no newline inside).</summary>
    public string ToJsonLine() => JsonSerializer.Serialize(this, Json);

    /// <summary>Parses one line; null when the line is not a valid record (e.g. cut short by a kill).</summary>
    public static RunRecord? TryParse(string line)
    {
        if (string.IsNullOrWhiteSpace(line)) return null;
        try
        {
            var r = JsonSerializer.Deserialize<RunRecord>(line, Json);
            return r is null || string.IsNullOrEmpty(r.Hash) ? null : r;
        }
        catch (JsonException) { return null; }
    }
}

/// <summary>Trajectory samples (parallel arrays).</summary>
public sealed class TrajectoryData
{
    /// <summary>Times.</summary>
    public double[] T { get; init; } = [];
    /// <summary>Training loss.</summary>
    public double[] Loss { get; init; } = [];
    /// <summary>Test loss (NaN without a test set).</summary>
    public double[] TestLoss { get; init; } = [];
    /// <summary>Gradient norm.</summary>
    public double[] GradNorm { get; init; } = [];
    /// <summary>Balancedness drift.</summary>
    public double[] Drift { get; init; } = [];
    /// <summary>Neuron/point pairs sliding on their hyperplane (Filippov flow; empty in older records).</summary>
    public int[] SlidingPairs { get; init; } = [];
    /// <summary>Hyperplane crossings so far (Filippov flow; empty in older records).</summary>
    public long[] Crossings { get; init; } = [];
}

/// <summary>Network parameters, one row per neuron: a_j, then w_j (d values), exactly as trained (JSON numbers round-trip).</summary>
public sealed class ParameterData
{
    /// <summary>At the end of the early phase (empty if it was not reached).</summary>
    public double[][] Early { get; init; } = [];
    /// <summary>At the end of the training.</summary>
    public double[][] Final { get; init; } = [];

    /// <summary>The rows of a network.</summary>
    public static double[][] Rows(SimplicityBias.Dynamics.Network.NetworkParameters? p)
        => p is null ? [] : Enumerable.Range(0, p.M).Select(j => p.Theta.AsSpan(j * p.Stride, p.Stride).ToArray()).ToArray();
}

/// <summary>Neuron directions projected on two axes: each entry is (x, y, sign of a_j, |w_j| / max_k |w_k|).</summary>
public sealed class ProjectionData
{
    /// <summary>At initialization.</summary>
    public double[][] Start { get; init; } = [];
    /// <summary>At the end of the early phase (empty if not reached).</summary>
    public double[][] Early { get; init; } = [];
    /// <summary>At the end.</summary>
    public double[][] End { get; init; } = [];
}

/// <summary>An extremal direction as stored in results.</summary>
/// <param name="Sign">+1 or -1.</param>
/// <param name="C">The value c = |D_n(u)|.</param>
/// <param name="Direction">Unit direction u.</param>
/// <param name="ActiveCount">Size of its activation set.</param>
public sealed record ExtremalSummary(int Sign, double C, double[] Direction, int ActiveCount);

/// <summary>Names of the endpoint metrics.</summary>
public static class Metrics
{
    /// <summary>Final train loss, 1/(2n) convention.</summary>
    public const string TrainLoss = "trainLoss";
    /// <summary>Final test loss, 1/(2n) convention.</summary>
    public const string TestLoss = "testLoss";
    /// <summary>Final gradient norm.</summary>
    public const string GradNorm = "gradNorm";
    /// <summary>Noise level sigma^2 / 2 (the train loss of the teacher itself).</summary>
    public const string NoiseLevel = "noiseLevel";
    /// <summary>Reference train level (sigma^2/2)(1 - 2d/n).</summary>
    public const string RefTrain = "refTrainLoss";
    /// <summary>Reference test level sigma^2 d / n.</summary>
    public const string RefTest = "refTestLoss";
    /// <summary>Train loss of the OLS-on-S+- function.</summary>
    public const string OlsTrain = "olsTrainLoss";
    /// <summary>Test loss of the OLS-on-S+- function.</summary>
    public const string OlsTest = "olsTestLoss";
    /// <summary>|beta+ - OLS(S+)| / |OLS(S+)|.</summary>
    public const string BetaPlusError = "betaPlusError";
    /// <summary>|beta- - OLS(S-)| / |OLS(S-)|.</summary>
    public const string BetaMinusError = "betaMinusError";
    /// <summary>Fraction of training points on which each sign group is unanimous (1 - the larger disagreement fraction).</summary>
    public const string CommonSets = "commonSetsFraction";
    /// <summary>|S+|.</summary>
    public const string SPlus = "sPlusSize";
    /// <summary>|S-|.</summary>
    public const string SMinus = "sMinusSize";
    /// <summary>|S+ intersect S-|.</summary>
    public const string Overlap = "overlap";
    /// <summary>Points in neither set.</summary>
    public const string Uncovered = "uncovered";
    /// <summary>Neurons with a non-negligible contribution |a_j||w_j|.</summary>
    public const string ActiveNeurons = "activeNeurons";
    /// <summary>Number of empirical extremal directions found.</summary>
    public const string ExtremalCount = "extremalCount";
    /// <summary>Pairs (j, k) sliding at the end of a Filippov run (counted in S+- with their eta).</summary>
    public const string SlidingPairs = "slidingPairs";
    /// <summary>1 if the empirical extremal set is complete (exact enumeration), 0 if it comes from a search.</summary>
    public const string ExtremalComplete = "extremalComplete";
    /// <summary>1 when complete; else the fraction of a fresh sample of directions whose arrangement cell the search examined.</summary>
    public const string ExtremalCoverage = "extremalCoverage";
    /// <summary>How many extremal vectors the flow search alone (the former method) found.</summary>
    public const string ExtremalFlowSearchCount = "extremalFlowSearchCount";
    /// <summary>Largest distance of an empirical extremal vector to a population one.</summary>
    public const string ExtremalDistance = "extremalDistance";
    /// <summary>sqrt(d log(n) / n).</summary>
    public const string ConcentrationScale = "concentrationScale";
    /// <summary>Largest angle between large-sample and population extremal directions.</summary>
    public const string PopulationAngle = "populationAngle";
    /// <summary>Fraction of neurons aligned at the end of the early phase.</summary>
    public const string AlignedFraction = "alignedFraction";
    /// <summary>Aligned fraction with each neuron weighted by |a_j||w_j|.</summary>
    public const string AlignedWeighted = "alignedFractionWeighted";
    /// <summary>Median alignment cosine.</summary>
    public const string MedianCosine = "medianAlignmentCosine";
    /// <summary>Largest balancedness drift along the trajectory, relative to max(initial scale, 2 max_j |w_j|^2 at that time).</summary>
    public const string Drift = "balancednessDrift";
    /// <summary>Largest loss increase between trajectory points, relative to max(L, 1e-6 L(0)), beyond the loss's resolution at rtol.</summary>
    public const string LossIncrease = "maxLossIncrease";
    /// <summary>The threshold n*(d) used to resolve expect = auto.</summary>
    public const string Threshold = "thresholdN";
}
