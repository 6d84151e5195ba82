using System.Globalization;
using System.Text;
using Microsoft.Data.Analysis;
using SimplicityBias.Verify.Checks;
using SimplicityBias.Verify.Running;

namespace SimplicityBias.Verify.Results;

/// <summary>The results of a sweep as a <see cref="DataFrame"/>: one row per run, spec fields, metrics and verdict counts.</summary>
public static class ResultsTable
{
    /// <summary>Spec fields copied into the table.</summary>
    public static readonly string[] SpecColumns = ["dataModel", "teacher", "solver", "init", "activation", "expect"];
    /// <summary>Numeric spec fields copied into the table.</summary>
    public static readonly string[] SpecNumbers = ["seed", "n", "d", "m", "lambda", "sigma", "horizon"];
    /// <summary>Metric columns, in order.</summary>
    public static readonly string[] MetricColumns =
    [
        Metrics.TrainLoss, Metrics.TestLoss, Metrics.GradNorm, Metrics.NoiseLevel, Metrics.RefTrain, Metrics.RefTest,
        Metrics.OlsTrain, Metrics.OlsTest, Metrics.BetaPlusError, Metrics.BetaMinusError, Metrics.CommonSets,
        Metrics.SPlus, Metrics.SMinus, Metrics.Overlap, Metrics.Uncovered, Metrics.ActiveNeurons,
        Metrics.ExtremalCount, Metrics.ExtremalComplete, Metrics.ExtremalCoverage, Metrics.ExtremalFlowSearchCount, Metrics.SlidingPairs, Metrics.ExtremalDistance, Metrics.ConcentrationScale, Metrics.PopulationAngle,
        Metrics.AlignedFraction, Metrics.AlignedWeighted, Metrics.MedianCosine, Metrics.Drift, Metrics.LossIncrease, Metrics.Threshold,
    ];

    /// <summary>Builds the table (rows in the given order).</summary>
    public static DataFrame Build(IReadOnlyList<RunRecord> records)
    {
        var cols = new List<DataFrameColumn>
        {
            new PrimitiveDataFrameColumn<int>("index", records.Select(r => r.Index)),
            new StringDataFrameColumn("hash", records.Select(r => r.Hash[..Math.Min(12, r.Hash.Length)])),
            new StringDataFrameColumn("sweep", records.Select(r => Clean(r.Sweep))),
            new StringDataFrameColumn("data", records.Select(r => Clean(r.Data))),
        };
        foreach (var c in SpecColumns) cols.Add(new StringDataFrameColumn(c, records.Select(r => Clean(r.SpecString(c)))));
        foreach (var c in SpecNumbers) cols.Add(new PrimitiveDataFrameColumn<double>(c, records.Select(r => (double?)r.SpecDouble(c))));
        cols.Add(new StringDataFrameColumn("status", records.Select(r => r.Status)));
        cols.Add(new StringDataFrameColumn("regime", records.Select(r => r.Regime)));
        cols.Add(new StringDataFrameColumn("code", records.Select(r => r.Code)));
        cols.Add(new PrimitiveDataFrameColumn<double>("time", records.Select(r => (double?)r.Time)));
        cols.Add(new PrimitiveDataFrameColumn<double>("earlyPhaseTime", records.Select(r => (double?)r.EarlyPhaseTime)));
        cols.Add(new PrimitiveDataFrameColumn<double>("wallSeconds", records.Select(r => (double?)r.WallSeconds)));
        cols.Add(new PrimitiveDataFrameColumn<double>("rhsEvaluations", records.Select(r => (double?)(r.Work.TryGetValue("rhsEvaluations", out var v) ? v : double.NaN))));
        foreach (var m in MetricColumns) cols.Add(new PrimitiveDataFrameColumn<double>(m, records.Select(r => (double?)r.Metric(m))));
        cols.Add(new PrimitiveDataFrameColumn<int>("passed", records.Select(r => r.Checks.Count(c => c.Verdict == Verdict.Pass))));
        cols.Add(new PrimitiveDataFrameColumn<int>("failed", records.Select(r => r.Checks.Count(c => c.Verdict == Verdict.Fail))));
        cols.Add(new PrimitiveDataFrameColumn<int>("inconclusive", records.Select(r => r.Checks.Count(c => c.Verdict == Verdict.Inconclusive))));
        cols.Add(new StringDataFrameColumn("verdict", records.Select(r => r.Status == "ok" ? Verdicts.Word(r.Verdict) : "error")));
        cols.Add(new StringDataFrameColumn("error", records.Select(r => Clean(r.Error ?? ""))));
        return new DataFrame(cols);
    }

    /// <summary>Saves the table as CSV (comma-separated, invariant culture), atomically.</summary>
    public static void SaveCsv(DataFrame df, string path)
        => AtomicFile.Write(path, s => DataFrame.SaveCsv(df, s, ',', true, new UTF8Encoding(false), CultureInfo.InvariantCulture));

    // Free text must not break the CSV: no separators, quotes or newlines.
    private static string Clean(string s) => s.Replace(',', ';').Replace('"', '\'').Replace('\n', ' ').Replace('\r', ' ');
}
