using SimplicityBias.Verify.Running;

namespace SimplicityBias.Verify.Results;

/// <summary>One neuron of one run at one stage.</summary>
/// <param name="Run">The run.</param>
/// <param name="Stage">"early" (end of the early phase) or "final".</param>
/// <param name="Neuron">Neuron index j, 0-based.</param>
/// <param name="Values">a_j, then w_j (d values).</param>
public readonly record struct ParameterRow(RunRecord Run, string Stage, int Neuron, double[] Values);

/// <summary>
/// The parameters table (parameters.csv and parameters.parquet), long format: one row per run, stage and neuron,
/// with a_j and w_j. The rows of one run and stage, without the first four columns, are an init file for
/// <c>simbias run --init</c>. A sweep over several d has columns w_1 .. w_D for the largest D, NaN beyond a run's d.
/// </summary>
public static class ParametersTable
{
    /// <summary>Stage of the parameters at the end of the early phase.</summary>
    public const string Early = "early";
    /// <summary>Stage of the final parameters.</summary>
    public const string Final = "final";

    private static readonly ResultColumn<ParameterRow>[] Leading =
    [
        new("hash", ColumnType.Text, "hex SHA-256", "the run's key, as in the runs table (64 hex digits)", r => r.Run.Hash),
        new("index", ColumnType.Integer, "count", "the run's position in its sweep, as in the runs table", r => (long)r.Run.Index),
        new("stage", ColumnType.Text, "-", "early: at the end of the early phase (earlyPhaseTime in the runs table; absent if not reached); final: at the end of the training", r => r.Stage),
        new("neuron", ColumnType.Integer, "index", "neuron j, 0-based (the row order of an init file)", r => (long)r.Neuron),
        new("a", ColumnType.Real, "parameter", "output weight a_j of the neuron", r => r.Values[0]),
    ];

    private const string RowMeaning = "one neuron of one run at one stage (early or final)";

    /// <summary>Column w_i: coordinate i (1-based) of the neuron's input weights.</summary>
    private static ResultColumn<ParameterRow> Weight(int i)
        => new($"w_{i}", ColumnType.Real, "parameter", $"coordinate {i} of the input weights w_j; NaN when the run's d is smaller",
            r => i < r.Values.Length ? r.Values[i] : double.NaN);

    /// <summary>The table with w_1 .. w_d.</summary>
    public static ColumnTable<ParameterRow> Table(int d) => new("parameters", RowMeaning, [.. Leading, .. Enumerable.Range(1, d).Select(Weight)]);

    /// <summary>The table as the documentation shows it: the w columns as one entry.</summary>
    public static ColumnTable<ParameterRow> DocTable => new("parameters", RowMeaning,
        [.. Leading, new("w_1 .. w_d", ColumnType.Real, "parameter", "the input weights w_j, one column per coordinate; NaN beyond the run's d when the table holds several d", _ => double.NaN)]);

    /// <summary>The rows of the records: per run, the early stage (if stored) then the final one, neurons in order.</summary>
    public static List<ParameterRow> Rows(IReadOnlyList<RunRecord> records)
    {
        var rows = new List<ParameterRow>();
        foreach (var r in records)
        {
            for (int j = 0; j < r.Parameters.Early.Length; j++) rows.Add(new ParameterRow(r, Early, j, r.Parameters.Early[j]));
            for (int j = 0; j < r.Parameters.Final.Length; j++) rows.Add(new ParameterRow(r, Final, j, r.Parameters.Final[j]));
        }
        return rows;
    }

    /// <summary>The largest d of the rows (the number of w columns).</summary>
    public static int Width(IEnumerable<ParameterRow> rows) => rows.Select(r => r.Values.Length - 1).DefaultIfEmpty(0).Max();
}
