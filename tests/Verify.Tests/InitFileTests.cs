using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using SimplicityBias.Verify.Cli;
using SimplicityBias.Verify.Results;
using SimplicityBias.Verify.Running;

namespace SimplicityBias.Verify.Tests;

public class InitFileTests : IDisposable
{
    private readonly TempDir tmp = new();
    public void Dispose() => tmp.Dispose();

    private static readonly double[][] Rows = [[0.5, -1.25, 3e-7], [-2, 0.1, 1.0 / 3]];

    /// <summary>An .npy file as numpy writes it: magic, version, little-endian header length, a dict literal padded
    /// with spaces to a multiple of 64 bytes and ended by '\n', then the data.</summary>
    internal static byte[] Npy(string descr, string shape, byte[] data, bool fortran = false, int major = 1)
    {
        var dict = $"{{'descr': '{descr}', 'fortran_order': {(fortran ? "True" : "False")}, 'shape': {shape}, }}";
        int prefix = major == 1 ? 10 : 12;
        int total = (prefix + dict.Length + 1 + 63) / 64 * 64;
        var header = dict.PadRight(total - prefix - 1) + "\n";
        var bytes = new List<byte> { 0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', (byte)major, 0 };
        var len = new byte[major == 1 ? 2 : 4];
        if (major == 1) BinaryPrimitives.WriteUInt16LittleEndian(len, (ushort)header.Length); else BinaryPrimitives.WriteUInt32LittleEndian(len, (uint)header.Length);
        bytes.AddRange(len);
        bytes.AddRange(Encoding.ASCII.GetBytes(header));
        bytes.AddRange(data);
        return bytes.ToArray();
    }

    internal static byte[] Float64(double[][] rows, bool bigEndian = false)
    {
        var data = new byte[rows.Sum(r => r.Length) * 8];
        int o = 0;
        foreach (var x in rows.SelectMany(r => r))
        {
            if (bigEndian) BinaryPrimitives.WriteDoubleBigEndian(data.AsSpan(o), x); else BinaryPrimitives.WriteDoubleLittleEndian(data.AsSpan(o), x);
            o += 8;
        }
        return data;
    }

    private string File_(string name, byte[] bytes) { File.WriteAllBytes(tmp[name], bytes); return tmp[name]; }
    private string File_(string name, string text) => File_(name, Encoding.UTF8.GetBytes(text));

    private static void AssertRows(double[][] expected, InitFile f)
    {
        Assert.Equal(expected.Length, f.Parameters.M);
        Assert.Equal(expected[0].Length - 1, f.Parameters.D);
        Assert.Equal(expected.SelectMany(r => r), f.Parameters.Theta);
    }

    [Fact]
    public void Csv_with_or_without_header_reads_every_digit()
    {
        var text = string.Join("\n", Rows.Select(r => string.Join(",", r.Select(x => x.ToString("R", System.Globalization.CultureInfo.InvariantCulture)))));
        AssertRows(Rows, InitFile.Load(File_("plain.csv", text)));
        AssertRows(Rows, InitFile.Load(File_("header.csv", "# from a run\na,w_1,w_2\r\n" + text.Replace("\n", "\r\n") + "\n\n")));
    }

    [Fact]
    public void Npy_float64_float32_both_byte_orders_and_versions_read()
    {
        AssertRows(Rows, InitFile.Load(File_("a.npy", Npy("<f8", "(2, 3)", Float64(Rows)))));
        AssertRows(Rows, InitFile.Load(File_("b.npy", Npy(">f8", "(2, 3)", Float64(Rows, bigEndian: true)))));
        AssertRows(Rows, InitFile.Load(File_("c.npy", Npy("<f8", "(2, 3)", Float64(Rows), major: 2))));
        // float32: each value is the float nearest the double, widened.
        var f32 = Rows.SelectMany(r => r).SelectMany(x => BitConverter.GetBytes((float)x)).ToArray();
        var f = InitFile.Load(File_("d.bin", Npy("<f4", "(2, 3)", f32)));
        Assert.Equal(Rows.SelectMany(r => r).Select(x => (double)(float)x), f.Parameters.Theta);
        // The name does not decide the format: the magic does.
        Assert.Equal(2, f.Parameters.M);
    }

    [Theory]
    [InlineData("<i8", "(2, 3)", false, "dtype '<i8'")]
    [InlineData("<f8", "(6,)", false, "is 1-D")]
    [InlineData("<f8", "(1, 2, 3)", false, "is 3-D")]
    [InlineData("<f8", "(2, 3)", true, "Fortran order")]
    [InlineData("<f8", "(3, 3)", false, "needs 72")]
    [InlineData("<f8", "(2, 1)", false, "needs 16")]
    public void Bad_npy_files_are_refused_saying_what_was_found(string descr, string shape, bool fortran, string message)
    {
        var e = Assert.Throws<FormatException>(() => InitFile.Load(File_("bad.npy", Npy(descr, shape, Float64(Rows), fortran))));
        Assert.Contains("bad.npy", e.Message);
        Assert.Contains(message, e.Message);
    }

    [Fact]
    public void Structured_npy_and_nan_values_are_refused()
    {
        var structured = Encoding.ASCII.GetBytes("{'descr': [('a', '<f8')], 'fortran_order': False, 'shape': (2, 3), }");
        var e = Assert.Throws<FormatException>(() => InitFile.Load(File_("s.npy", Npy("<f8", "(2, 3)", []).Take(10).Concat(structured).ToArray())));
        Assert.Contains("s.npy", e.Message);
        var nan = new[] { new[] { 1.0, 2, 3 }, new[] { 4.0, double.NaN, 6 } };
        e = Assert.Throws<FormatException>(() => InitFile.Load(File_("n.npy", Npy("<f8", "(2, 3)", Float64(nan)))));
        Assert.Contains("row 2, column 2: NaN is not a finite number", e.Message);
    }

    [Theory]
    [InlineData("1,2,3\n4,x,6\n", "row 2 (line 2), column 2: 'x' is not a number")]
    [InlineData("a,b,c\n1,2,3\n4,5\n", "row 2 (line 3) has 2 values, row 1 has 3")]
    [InlineData("1,2,3\n4,1e999,6\n", "row 2 (line 2), column 2: '1e999' is not a finite number")]
    [InlineData("a,w_1\n", "no rows")]
    [InlineData("1\n2\n", "at least 2 values")]
    public void Bad_csv_files_name_the_row_and_value(string text, string message)
    {
        var e = Assert.Throws<FormatException>(() => InitFile.Load(File_("bad.csv", text)));
        Assert.Contains("bad.csv", e.Message);
        Assert.Contains(message, e.Message);
    }

    private static (int Code, string Out, string Err) Sbt(ITrainer? trainer, params string[] args)
    {
        var o = new StringWriter();
        var e = new StringWriter();
        int code = new CliApp(o, e, trainer is null ? null : new FixedFactory(trainer), default, progress: false).Run(args);
        return (code, o.ToString(), e.ToString());
    }

    private static RunRecord OnlyRecord(string dir) => RunRecord.TryParse(File.ReadAllLines(Path.Combine(dir, "runs.jsonl")).Single())!;

    /// <summary>The final rows of a results directory's parameters table, as an init file (header kept).</summary>
    private string FinalRowsAsCsv(string dir, string name)
    {
        var lines = File.ReadAllLines(Path.Combine(dir, ResultsFiles.ParametersCsv));
        var keep = lines.Where(l => l.Split(',')[2] == ParametersTable.Final).Select(l => string.Join(',', l.Split(',').Skip(4)));
        return File_(name, string.Join("\n", [string.Join(',', lines[0].Split(',').Skip(4)), .. keep]));
    }

    [Fact]
    public void Final_parameters_written_and_read_back_as_init_start_the_next_run_bit_for_bit()
    {
        // The scripted trainer returns its initial network unchanged, so each run's final parameters are exactly what it started from.
        var spec = File_("spec.json", """{"d": 2, "n": 40, "m": 4, "testN": 100, "expect": "none", "seed": 3}""");
        Assert.Equal(0, Sbt(new ScriptedTrainer(), "run", spec, "--out", tmp["r1"]).Code);
        var first = OnlyRecord(tmp["r1"]);
        Assert.Equal(4, first.Parameters.Final.Length);

        var csv = FinalRowsAsCsv(tmp["r1"], "init.csv");
        var (code, _, err) = Sbt(new ScriptedTrainer(), "run", spec, "--init", csv, "--out", tmp["r2"]);
        Assert.True(code == 0, err);
        var second = OnlyRecord(tmp["r2"]);
        Assert.Equal(first.Parameters.Final.SelectMany(r => r), second.Parameters.Final.SelectMany(r => r));
        Assert.Equal("init.csv", second.InitFile);
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(csv))), second.InitSha256);
        Assert.NotEqual(first.Hash, second.Hash);

        // The same network as NPY: another file, so another key, and the same start.
        var npy = File_("init.npy", Npy("<f8", "(4, 3)", Float64(first.Parameters.Final)));
        Assert.Equal(0, Sbt(new ScriptedTrainer(), "run", spec, "--init", npy, "--out", tmp["r3"]).Code);
        var third = OnlyRecord(tmp["r3"]);
        Assert.Equal(first.Parameters.Final.SelectMany(r => r), third.Parameters.Final.SelectMany(r => r));
        Assert.NotEqual(second.Hash, third.Hash);
        Assert.Contains(third.InitSha256, File.ReadAllText(Path.Combine(tmp["r3"], ResultsFiles.RunsCsv)));
    }

    [Fact]
    public void Init_sets_m_and_checks_d_naming_the_file()
    {
        var spec = File_("spec.json", """{"d": 3, "n": 40, "m": 4, "expect": "none"}""");
        var init = File_("six.csv", string.Join("\n", Enumerable.Range(1, 6).Select(j => $"{j * 0.01},0.1,0.2,{-0.1 * j}")));
        Assert.Equal(0, Sbt(new ScriptedTrainer(), "run", spec, "--init", init, "--out", tmp["ok"]).Code);
        Assert.Equal(6, OnlyRecord(tmp["ok"]).SpecInt("m"));

        var wrong = File_("wide.csv", "1,2,3,4,5\n");
        var (code, _, err) = Sbt(new ScriptedTrainer(), "run", spec, "--init", wrong, "--out", tmp["bad"]);
        Assert.Equal(2, code);
        Assert.Contains("--init: wide.csv has d = 4 (5 values per row: a, w_1, ..., w_d) but the spec has d = 3", err);
        Assert.False(File.Exists(Path.Combine(tmp["bad"], "runs.jsonl")));

        (code, _, err) = Sbt(new ScriptedTrainer(), "run", spec, "--init", tmp["missing.csv"], "--out", tmp["bad"]);
        Assert.Equal(2, code);
        Assert.Contains("--init: no file", err);

        var data = File_("data.csv", string.Join("\n", Enumerable.Range(0, 20).Select(k => $"{k * 0.1},{1 - k * 0.05},{k % 3 - 1},{k * 0.01}")));
        (code, _, err) = Sbt(new ScriptedTrainer(), "check", data, "--init", init, "--m", "5", "--out", tmp["chk"]);
        Assert.Equal(2, code);
        Assert.Contains("--init: six.csv has m = 6 rows (neurons) but --m is 5", err);
    }

    [Fact]
    public void A_real_flow_restarted_from_its_stationary_end_stays_there()
    {
        // A small d = 2 run to a stationary point, then the same spec from its final parameters.
        var spec = File_("spec.json", """{"d": 2, "n": 24, "m": 4, "lambda": 1e-3, "horizon": 1e4, "expect": "none", "seed": 2}""");
        var (code, _, err) = Sbt(null, "run", spec, "--out", tmp["a"]);
        Assert.True(code is 0 or 1, err);
        var first = OnlyRecord(tmp["a"]);
        Assert.Equal("SteadyState", first.Code);

        (code, _, err) = Sbt(null, "run", spec, "--init", FinalRowsAsCsv(tmp["a"], "end.csv"), "--out", tmp["b"]);
        Assert.True(code is 0 or 1, err);
        var second = OnlyRecord(tmp["b"]);
        Assert.Equal("SteadyState", second.Code);
        // The loss at the start of the restart is the first run's final loss: the parameters came back exactly.
        Assert.Equal(first.Metric(Metrics.TrainLoss), second.Trajectory.Loss[0], 1e-12 * first.Metric(Metrics.TrainLoss));
        Assert.Equal(first.Metric(Metrics.TrainLoss), second.Metric(Metrics.TrainLoss), 1e-10 * first.Metric(Metrics.TrainLoss));
        double moved = first.Parameters.Final.SelectMany(r => r).Zip(second.Parameters.Final.SelectMany(r => r), (x, y) => Math.Abs(x - y)).Max();
        Assert.True(moved < 1e-6, $"the restart moved the parameters by {moved}");
    }
}
