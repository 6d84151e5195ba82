using SimplicityBias.Verify.Running;

namespace SimplicityBias.Verify.Results;

/// <summary>One recorded time of one run.</summary>
/// <param name="Run">The run.</param>
/// <param name="Point">Index into the run's trajectory arrays.</param>
public readonly record struct TrajectoryRow(RunRecord Run, int Point);

/// <summary>
/// The trajectories table (trajectories.csv and trajectories.parquet), long format: one row per run and recorded
/// time, so that a data-frame library needs no loop to plot loss against t for every run.
/// </summary>
public static class TrajectoriesTable
{
    private static double At(double[] values, int i) => i < values.Length ? values[i] : double.NaN;

    /// <summary>The table.</summary>
    public static readonly ColumnTable<TrajectoryRow> Table = new("trajectories", "one recorded time t of one run",
    [
        new("hash", ColumnType.Text, "hex SHA-256", "the run's key, as in the runs table (64 hex digits)", r => r.Run.Hash),
        new("index", ColumnType.Integer, "count", "the run's position in its sweep, as in the runs table", r => (long)r.Run.Index),
        new("t", ColumnType.Real, "flow time", "flow time of the sample (gd, adam: steps x learning rate); samples are log-spaced in t, plus the end", r => At(r.Run.Trajectory.T, r.Point)),
        new("loss", ColumnType.Real, "loss, 1/(2n) convention", "training loss at t", r => At(r.Run.Trajectory.Loss, r.Point)),
        new("testLoss", ColumnType.Real, "loss, 1/(2n) convention", "test loss at t; NaN without a test set", r => At(r.Run.Trajectory.TestLoss, r.Point)),
        new("gradNorm", ColumnType.Real, "gradient norm", "Euclidean norm of the loss gradient over all parameters at t", r => At(r.Run.Trajectory.GradNorm, r.Point)),
        new("drift", ColumnType.Real, "relative", "balancedness drift max_j |(a_j^2 - |w_j|^2)(t) - (a_j^2 - |w_j|^2)(0)|, relative to max_j (a_j^2 + |w_j|^2) at t (or at 0 if larger)", r => At(r.Run.Trajectory.Drift, r.Point)),
    ]);

    /// <summary>The rows of the records, run by run in the given order, each run's samples in time order.</summary>
    public static List<TrajectoryRow> Rows(IReadOnlyList<RunRecord> records)
        => records.SelectMany(r => Enumerable.Range(0, r.Trajectory.T.Length).Select(i => new TrajectoryRow(r, i))).ToList();
}
