using SimplicityBias.Verify.Checks;
using SimplicityBias.Verify.Running;

namespace SimplicityBias.Verify.Results;

/// <summary>
/// The runs table (results.csv and runs.parquet): one row per run, spec fields, how the training ended, the endpoint
/// metrics and the verdict counts. Each column says its unit and meaning here, and only here: the CSV header, the
/// Parquet schema and metadata and docs/RESULTS-COLUMNS.md are generated from this list.
/// </summary>
public static class ResultsTable
{
    private const string Loss = "loss, 1/(2n) convention";
    private const string Label = "-";
    private const string Count = "count";
    private const string Fraction = "fraction in [0, 1]";

    private static ResultColumn<RunRecord> Text(string name, string unit, string description, Func<RunRecord, string> value) => new(name, ColumnType.Text, unit, description, r => value(r));
    private static ResultColumn<RunRecord> Int(string name, string unit, string description, Func<RunRecord, long> value) => new(name, ColumnType.Integer, unit, description, r => value(r));
    private static ResultColumn<RunRecord> Real(string name, string unit, string description, Func<RunRecord, double> value) => new(name, ColumnType.Real, unit, description, r => value(r));
    private static ResultColumn<RunRecord> Metric(string name, string unit, string description) => Real(name, unit, description, r => r.Metric(name));
    private static ResultColumn<RunRecord> SpecText(string field, string description) => Text(field, Label, description + " (spec field)", r => r.SpecString(field));
    private static ResultColumn<RunRecord> Work(string counter, string description) => Real(counter, Count, description, r => r.Work.TryGetValue(counter, out var v) ? v : double.NaN);
    private static long Verdicts(RunRecord r, Verdict v) => r.Checks.Count(c => c.Verdict == v);

    /// <summary>The table.</summary>
    public static readonly ColumnTable<RunRecord> Table = new("runs", "one run (one line of runs.jsonl)",
    [
        Int("index", Count, "position of the run in its sweep (orders tables and figures); 0 for run and check", r => r.Index),
        Text("hash", "hex SHA-256", "the run's key: SHA-256 of its canonical spec (for check, also of the data files; with --init, also of the init file), 64 hex digits; joins the trajectories and parameters tables", r => r.Hash),
        Text("sweep", Label, "name of the sweep, or the command (run, check) for a single run", r => r.Sweep),
        Text("data", Label, "synthetic (drawn from the spec's data model) or the user data file name(s)", r => r.Data),
        SpecText("dataModel", "input distribution"),
        SpecText("teacher", "teacher function generating y"),
        SpecText("solver", "training method: flow (Filippov gradient flow), flow-plain, gd or adam"),
        SpecText("init", "initialization scheme of the spec; not used when initSha256 is set"),
        SpecText("activation", "nonlinearity: relu or gelu"),
        SpecText("expect", "regime asked for: auto, ols, interpolation or none"),
        Int("seed", Label, "seed of the data, the test set and the initialization (spec field)", r => r.SpecInt("seed")),
        Int("n", Count, "training sample size (spec field)", r => r.SpecInt("n")),
        Int("d", Count, "input dimension (spec field)", r => r.SpecInt("d")),
        Int("m", Count, "width: number of neurons (spec field; taken from the init file with --init)", r => r.SpecInt("m")),
        Real("lambda", "parameter scale", "initialization scale lambda (spec field); with --init it still sets the early-phase threshold", r => r.SpecDouble("lambda")),
        Real("sigma", "units of y", "label noise standard deviation (spec field)", r => r.SpecDouble("sigma")),
        Real("horizon", "flow time", "final time asked for (spec field)", r => r.SpecDouble("horizon")),
        Text("initFile", Label, "file name the run started from (--init); empty when the spec's initialization was drawn", r => r.InitFile),
        Text("initSha256", "hex SHA-256", "SHA-256 of the init file's bytes (64 hex digits); empty when the spec's initialization was drawn", r => r.InitSha256),
        Text("status", Label, "ok (the training ran; the checks decide) or error (the run could not be done: see error)", r => r.Status),
        Text("regime", Label, "regime the endpoint claims were held to: ols, interpolation or none", r => r.Regime),
        Text("code", Label, "return code of the training (Success at the horizon, SteadyState when stationary, MaxSteps, ...; older records: TimeLimit, Stationary)", r => r.Code),
        Real("time", "flow time", "time the training ended: flow time t of the gradient flow (gd, adam: steps x learning rate); not wall time", r => r.Time),
        Real("earlyPhaseTime", "flow time", "end of the early (alignment) phase; NaN if not reached", r => r.EarlyPhaseTime),
        Real("wallSeconds", "seconds (wall clock)", "wall-clock time of the whole run, training and analysis; the one column that depends on the machine", r => r.WallSeconds),
        Work("rhsEvaluations", "evaluations of the training's vector field (gradient)"),
        Metric(Metrics.TrainLoss, Loss, "final training loss L = 1/(2n) sum_k (h(x_k) - y_k)^2"),
        Metric(Metrics.TestLoss, Loss, "final test loss; NaN without a test set"),
        Metric(Metrics.GradNorm, "gradient norm", "Euclidean norm of the loss gradient over all parameters at the end"),
        Metric(Metrics.NoiseLevel, Loss, "sigma^2 / 2, the loss of the teacher itself; NaN for user data"),
        Metric(Metrics.RefTrain, Loss, "reference train level (sigma^2/2)(1 - 2d/n) of OLS on the whole data; NaN for user data"),
        Metric(Metrics.RefTest, Loss, "reference test level sigma^2 d / n; NaN for user data"),
        Metric(Metrics.OlsTrain, Loss, "training loss of the predicted function (OLS on S+ and S-); NaN when undefined"),
        Metric(Metrics.OlsTest, Loss, "test loss of the predicted function; NaN when undefined or without a test set"),
        Metric(Metrics.BetaPlusError, "relative error", "|beta+ - OLS(S+)| / |OLS(S+)|, beta+ the sum of the positive neurons' a_j w_j; NaN when OLS(S+) is undefined"),
        Metric(Metrics.BetaMinusError, "relative error", "|beta- - OLS(S-)| / |OLS(S-)|, as betaPlusError for the negative neurons"),
        Metric(Metrics.CommonSets, Fraction, "fraction of training points on which each sign group of neurons is unanimous (1 - the larger disagreement)"),
        Metric(Metrics.SPlus, Count, "|S+|: training points activating the positive neurons"),
        Metric(Metrics.SMinus, Count, "|S-|: training points activating the negative neurons"),
        Metric(Metrics.Overlap, Count, "|S+ intersect S-|"),
        Metric(Metrics.Uncovered, Count, "training points in neither S+ nor S-"),
        Metric(Metrics.ActiveNeurons, Count, "neurons with a non-negligible contribution |a_j| |w_j|"),
        Metric(Metrics.ExtremalCount, Count, "empirical extremal directions of the training data found"),
        Metric(Metrics.ExtremalComplete, "flag 0/1", "1 when the extremal set is complete (exact enumeration), 0 when it comes from a search"),
        Metric(Metrics.ExtremalCoverage, Fraction, "1 when complete; else the fraction of a fresh sample of directions whose arrangement cell the search examined"),
        Metric(Metrics.ExtremalFlowSearchCount, Count, "extremal vectors found by the flow search alone"),
        Metric(Metrics.SlidingPairs, Count, "neuron/point pairs sliding on their hyperplane at the end (Filippov flow; 0 otherwise)"),
        Metric(Metrics.ExtremalDistance, "units of y x", "largest Euclidean distance of an empirical extremal vector D_n(u) = c u to the nearest population one of its sign; NaN without a population"),
        Metric(Metrics.ConcentrationScale, "units of y x", "sqrt(d log(n) / n), the scale extremalDistance is compared with"),
        Metric(Metrics.PopulationAngle, "radians", "largest angle between the extremal directions of the large test sample and the population ones; NaN when not measured"),
        Metric(Metrics.AlignedFraction, Fraction, "fraction of neurons aligned with a same-sign extremal direction at the end of the early phase"),
        Metric(Metrics.AlignedWeighted, Fraction, "alignedFraction with each neuron weighted by |a_j| |w_j|"),
        Metric(Metrics.MedianCosine, "cosine", "median cosine of the neurons with their nearest same-sign extremal direction at the end of the early phase"),
        Metric(Metrics.Drift, "relative", "largest balancedness drift max_j |(a_j^2 - |w_j|^2)(t) - (a_j^2 - |w_j|^2)(0)| along the trajectory, relative to max(initial scale, 2 max_j |w_j|^2 at t)"),
        Metric(Metrics.LossIncrease, "relative", "largest loss increase between trajectory points, relative to max(L, 1e-6 L(0)), beyond the loss's resolution at rtol"),
        Metric(Metrics.Threshold, Count, "the threshold sample size n*(d) used to resolve expect = auto"),
        Int("passed", Count, "checks of the run that passed", r => Verdicts(r, Verdict.Pass)),
        Int("failed", Count, "checks of the run that failed", r => Verdicts(r, Verdict.Fail)),
        Int("inconclusive", Count, "checks of the run that could not be decided", r => Verdicts(r, Verdict.Inconclusive)),
        Text("verdict", Label, "worst verdict of the run's checks (pass, fail, inconclusive), or error", r => r.Status == "ok" ? Checks.Verdicts.Word(r.Verdict) : "error"),
        Text("error", Label, "why the run could not be done; empty when status is ok", r => r.Error ?? ""),
    ]);
}
