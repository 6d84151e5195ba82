using SimplicityBias.Verify.Running;

namespace SimplicityBias.Verify.Results;

/// <summary>
/// The tables of a results directory, derived from its runs*.jsonl: the runs table (results.csv, runs.parquet), the
/// trajectories (trajectories.csv, .parquet) and the parameters (parameters.csv, .parquet). Every file is built in
/// memory first, so a failure writes none of them, then each is written atomically (<see cref="AtomicFile"/>).
/// </summary>
public static class ResultsFiles
{
    /// <summary>The runs table as CSV.</summary>
    public const string RunsCsv = "results.csv";
    /// <summary>The runs table as Parquet.</summary>
    public const string RunsParquet = "runs.parquet";
    /// <summary>The trajectories as CSV.</summary>
    public const string TrajectoriesCsv = "trajectories.csv";
    /// <summary>The trajectories as Parquet.</summary>
    public const string TrajectoriesParquet = "trajectories.parquet";
    /// <summary>The parameters as CSV.</summary>
    public const string ParametersCsv = "parameters.csv";
    /// <summary>The parameters as Parquet.</summary>
    public const string ParametersParquet = "parameters.parquet";

    /// <summary>Every file name written, for the output-directory checks made before any compute.</summary>
    public static readonly string[] Names = [RunsCsv, RunsParquet, TrajectoriesCsv, TrajectoriesParquet, ParametersCsv, ParametersParquet];

    /// <summary>Writes the tables of <paramref name="records"/> into <paramref name="dir"/>; returns the paths by kind.</summary>
    public static Dictionary<string, string> Write(IReadOnlyList<RunRecord> records, string dir)
    {
        var trajectories = TrajectoriesTable.Rows(records);
        var parameters = ParametersTable.Rows(records);
        var parameterTable = ParametersTable.Table(ParametersTable.Width(parameters));
        var files = new (string Kind, string Name, byte[] Bytes)[]
        {
            ("csv", RunsCsv, ResultsTable.Table.ToCsv(records)),
            ("runs", RunsParquet, ParquetTable.ToBytes(ResultsTable.Table, records)),
            ("trajectoriesCsv", TrajectoriesCsv, TrajectoriesTable.Table.ToCsv(trajectories)),
            ("trajectories", TrajectoriesParquet, ParquetTable.ToBytes(TrajectoriesTable.Table, trajectories)),
            ("parametersCsv", ParametersCsv, parameterTable.ToCsv(parameters)),
            ("parameters", ParametersParquet, ParquetTable.ToBytes(parameterTable, parameters)),
        };
        var paths = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (kind, name, bytes) in files)
        {
            var path = Path.Combine(dir, name);
            AtomicFile.WriteAllBytes(path, bytes);
            paths[kind] = path;
        }
        return paths;
    }
}
