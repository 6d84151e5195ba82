using System.Reflection;
using System.Text.Json;
using Parquet;
using SimplicityBias.Verify.Results;
using SimplicityBias.Verify.Running;
using SimplicityBias.Verify.Specs;

namespace SimplicityBias.Verify.Tests;

public class ResultsColumnsTests
{
    private static IEnumerable<(string Table, string Name, string Unit, string Description)> AllColumns()
        => ResultsTable.Table.Columns.Select(c => ("runs", c.Name, c.Unit, c.Description))
            .Concat(TrajectoriesTable.Table.Columns.Select(c => ("trajectories", c.Name, c.Unit, c.Description)))
            .Concat(ParametersTable.Table(3).Columns.Select(c => ("parameters", c.Name, c.Unit, c.Description)));

    [Fact]
    public void Every_column_has_a_unit_and_a_description_and_a_unique_name()
    {
        foreach (var (table, name, unit, description) in AllColumns())
        {
            Assert.False(string.IsNullOrWhiteSpace(unit), $"{table}.{name} has no unit");
            Assert.False(string.IsNullOrWhiteSpace(description) || description.Length < 10, $"{table}.{name} has no description");
        }
        foreach (var g in AllColumns().GroupBy(c => c.Table))
            Assert.Equal(g.Count(), g.Select(c => c.Name).Distinct().Count());
    }

    [Fact]
    public void Every_metric_is_a_column_of_the_runs_table()
    {
        var names = ResultsTable.Table.Columns.Select(c => c.Name).ToHashSet();
        var metrics = typeof(Metrics).GetFields(BindingFlags.Public | BindingFlags.Static).Where(f => f.IsLiteral).Select(f => (string)f.GetRawConstantValue()!).ToList();
        Assert.True(metrics.Count >= 30);
        foreach (var m in metrics) Assert.True(names.Contains(m), $"metric {m} is not in the runs table");
    }

    [Fact]
    public void Committed_doc_page_is_the_generated_one()
    {
        var path = Path.Combine(Repository.Root(), ColumnsDoc.RepositoryPath);
        var committed = File.ReadAllText(path).Replace("\r\n", "\n");
        var updated = ColumnsDoc.Update(committed);
        if (Environment.GetEnvironmentVariable("SBT_UPDATE_DOCS") == "1" && updated != committed) File.WriteAllText(path, updated);
        else Assert.True(updated == committed,
            $"{ColumnsDoc.RepositoryPath} is out of date: regenerate it with `SBT_UPDATE_DOCS=1 dotnet test tests/Verify.Tests -c Release --filter ResultsColumnsTests`");
        foreach (var (_, name, _, _) in AllColumns().Where(c => !c.Name.StartsWith("w_", StringComparison.Ordinal)))
            Assert.Contains($"| `{name}` |", updated);
    }

    private static List<RunRecord> Records()
    {
        var runner = new ExperimentRunner(new FixedFactory(new ScriptedTrainer()));
        var a = runner.Run(SpecReader.Parse("""{"d": 2, "n": 30, "m": 3, "testN": 50, "expect": "none", "seed": 1}"""), index: 0, sweep: "s")!;
        var b = runner.Run(SpecReader.Parse("""{"d": 3, "n": 30, "m": 2, "expect": "none", "seed": 2}"""), index: 1, sweep: "s")!;
        return [a, b];
    }

    [Fact]
    public void Parquet_and_csv_hold_the_same_rows_full_hashes_and_the_dictionary()
    {
        using var tmp = new TempDir();
        var records = Records();
        var files = ResultsFiles.Write(records, tmp.Path);
        Assert.Equal(ResultsFiles.Names.Length, files.Count);
        foreach (var name in ResultsFiles.Names) Assert.True(File.Exists(tmp[name]), name);

        // CSV: the header is the column table, hashes are whole.
        var csv = File.ReadAllLines(tmp[ResultsFiles.RunsCsv]);
        Assert.Equal(string.Join(',', ResultsTable.Table.Columns.Select(c => c.Name)), csv[0]);
        Assert.Equal(3, csv.Length);
        Assert.Contains("," + records[1].Hash + ",", csv[2]);
        Assert.Equal(64, records[1].Hash.Length);

        // Parquet: schema, row counts, values and metadata.
        using (var runs = Read(tmp[ResultsFiles.RunsParquet]))
        {
            Assert.Equal(ResultsTable.Table.Columns.Select(c => c.Name), runs.Reader.Schema.DataFields.Select(f => f.Name));
            Assert.Equal(records.Select(r => r.Hash), runs.Strings("hash"));
            Assert.Equal(records.Select(r => r.Metric(Metrics.TrainLoss)), runs.Doubles(Metrics.TrainLoss));
            Assert.Equal([30L, 30L], runs.Longs("n"));
            var meta = runs.Reader.CustomMetadata;
            Assert.Equal("runs", meta[ParquetTable.TableKey]);
            Assert.Equal(ColumnsDoc.RepositoryPath, meta[ParquetTable.DocKey]);
            using var dict = JsonDocument.Parse(meta[ParquetTable.ColumnsKey]);
            var described = dict.RootElement.EnumerateArray().ToDictionary(e => e.GetProperty("name").GetString()!, e => e.GetProperty("description").GetString()!);
            foreach (var c in ResultsTable.Table.Columns) Assert.Equal(c.Description, described[c.Name]);
            var time = runs.Reader.Schema.DataFields.Single(f => f.Name == "time");
            using var group = runs.Reader.OpenRowGroupReader(0);
            Assert.Equal("flow time", group.GetCustomMetadata(time)["unit"]);
        }
        using (var traj = Read(tmp[ResultsFiles.TrajectoriesParquet]))
        {
            Assert.Equal(records.Sum(r => r.Trajectory.T.Length), traj.Rows);
            Assert.Equal(records.SelectMany(r => r.Trajectory.T), traj.Doubles("t"));
            Assert.Equal(records.SelectMany(r => r.Trajectory.T.Select(_ => r.Hash)), traj.Strings("hash"));
        }
        using (var par = Read(tmp[ResultsFiles.ParametersParquet]))
        {
            // d = 2 and d = 3 in one table: w_1 .. w_3, NaN beyond the first run's d.
            Assert.Equal(["hash", "index", "stage", "neuron", "a", "w_1", "w_2", "w_3"], par.Reader.Schema.DataFields.Select(f => f.Name));
            Assert.Equal(3 + 2, par.Rows);
            Assert.Equal(records[0].Parameters.Final.Select(p => p[2]).Concat(records[1].Parameters.Final.Select(p => p[2])), par.Doubles("w_2"));
            Assert.True(par.Doubles("w_3").Take(3).All(double.IsNaN));
            Assert.Equal(records[1].Parameters.Final.Select(p => p[3]), par.Doubles("w_3").Skip(3));
        }
        Assert.Equal(1 + 5, File.ReadAllLines(tmp[ResultsFiles.ParametersCsv]).Length);
    }

    [Fact]
    public void The_same_records_give_the_same_bytes()
    {
        using var a = new TempDir();
        using var b = new TempDir();
        var records = Records();
        ResultsFiles.Write(records, a.Path);
        ResultsFiles.Write(records.Select(r => RunRecord.TryParse(r.ToJsonLine())!).ToList(), b.Path);
        foreach (var name in ResultsFiles.Names) Assert.True(File.ReadAllBytes(a[name]).AsSpan().SequenceEqual(File.ReadAllBytes(b[name])), name);
    }

    private static ParquetFile Read(string path) => new(File.ReadAllBytes(path));

    /// <summary>A Parquet file read back whole (one row group).</summary>
    private sealed class ParquetFile : IDisposable
    {
        public ParquetReader Reader { get; }
        private readonly ParquetRowGroupReader group;
        public ParquetFile(byte[] bytes)
        {
            Reader = ParquetReader.CreateAsync(new MemoryStream(bytes)).GetAwaiter().GetResult();
            Assert.Equal(1, Reader.RowGroupCount);
            group = Reader.OpenRowGroupReader(0);
        }
        public long Rows => group.RowCount;
        private Parquet.Schema.DataField Field(string name) => Reader.Schema.DataFields.Single(f => f.Name == name);
        public double[] Doubles(string name) { var v = new double[Rows]; group.ReadAsync<double>(Field(name), v, null).AsTask().GetAwaiter().GetResult(); return v; }
        public long[] Longs(string name) { var v = new long[Rows]; group.ReadAsync<long>(Field(name), v, null).AsTask().GetAwaiter().GetResult(); return v; }
        public string?[] Strings(string name) { var v = new string?[Rows]; group.ReadAsync(Field(name), v.AsMemory(), null).AsTask().GetAwaiter().GetResult(); return v; }
        public void Dispose() { group.Dispose(); Reader.DisposeAsync().AsTask().GetAwaiter().GetResult(); }
    }
}
