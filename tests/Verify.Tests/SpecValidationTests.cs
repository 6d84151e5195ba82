using FsCheck;
using FsCheck.Fluent;
using SimplicityBias.Verify.Specs;

namespace SimplicityBias.Verify.Tests;

public class SpecValidationTests
{
    private static SpecError Single(string json)
    {
        var ex = Assert.Throws<SpecException>(() => SpecReader.Parse(json));
        return Assert.Single(ex.Errors);
    }

    [Fact]
    public void Empty_object_gives_the_paper_defaults()
    {
        var s = SpecReader.Parse("{}");
        Assert.Equal((InputLawKind.Gaussian, TeacherKind.Linear, 5, 100, 1e-3, 1.0, InitKind.Balanced, Solver.Flow), (s.DataModel, s.Teacher, s.D, s.M, s.Lambda, s.Sigma, s.Init, s.Solver));
        Assert.Equal(new double[] { 1, 0, 0, 0, 0 }, s.BetaOrDefault());
    }

    [Fact]
    public void Unknown_field_names_path_and_value()
    {
        var e = Single("""{"n": 100, "lamda": 0.01}""");
        Assert.Equal("$.lamda", e.Path);
        Assert.Equal("0.01", e.Value);
        Assert.Contains("unknown field", e.Message);
        Assert.Contains("lambda", e.Message); // the suggestion
    }

    [Fact]
    public void Wrong_type_names_path_and_value()
    {
        var e = Single("""{"m": "many"}""");
        Assert.Equal("$.m", e.Path);
        Assert.Equal("\"many\"", e.Value);
        Assert.Contains("got a string", e.Message);
    }

    [Theory]
    [InlineData("""{"n": 0}""", "$.n", "0")]
    [InlineData("""{"lambda": -0.5}""", "$.lambda", "-0.5")]
    [InlineData("""{"sigma": -1}""", "$.sigma", "-1")]
    [InlineData("""{"rtol": 1}""", "$.rtol", "1")]
    [InlineData("""{"n": 2.5}""", "$.n", "2.5")]
    [InlineData("""{"solver": "euler"}""", "$.solver", "\"euler\"")]
    [InlineData("""{"tolerances": {"ols": 0}}""", "$.tolerances.ols", "0")]
    [InlineData("""{"tolerances": {"olss": 1}}""", "$.tolerances.olss", "1")]
    [InlineData("""{"beta": [1, "x", 0, 0, 0]}""", "$.beta[1]", "\"x\"")]
    [InlineData("""{"d": 3, "beta": [1, 0]}""", "$.beta", "[1,0]")]
    [InlineData("""{"dataModel": "orthogonal", "d": 4, "n": 5}""", "$.n", "5")]
    [InlineData("""{"n": 1, "n": 2}""", "$.n", "2")]
    public void Bad_values_are_reported_with_path_and_value(string json, string path, string value)
    {
        var e = Single(json);
        Assert.Equal(path, e.Path);
        Assert.Equal(value, e.Value);
    }

    [Fact]
    public void All_errors_are_reported_at_once()
    {
        var ex = Assert.Throws<SpecException>(() => SpecReader.Parse("""{"n": -1, "m": "x", "foo": true}"""));
        Assert.Equal(["$.n", "$.m", "$.foo"], ex.Errors.Select(e => e.Path));
    }

    [Fact]
    public void Invalid_json_and_non_objects_are_rejected()
    {
        Assert.Contains("not valid JSON", Single("""{"n": 1""").Message);
        Assert.Equal("$", Single("[1, 2]").Path);
    }

    [Fact]
    public void Integral_numbers_in_exponent_form_are_integers() => Assert.Equal(20000, SpecReader.Parse("""{"n": 2e4}""").N);

    // Any integer field given a value below its minimum is rejected at its own path, with its value.
    [Fact]
    public void Property_out_of_range_integers_are_rejected_at_their_path()
    {
        var fields = new[] { ("n", 1L), ("d", 1L), ("m", 1L), ("seed", 0L), ("testN", 0L), ("teacherUnits", 1L), ("pointsPerDecade", 1L) };
        Prop.ForAll(Gen.Elements(fields).ToArbitrary(), Gen.Choose(1, 1_000_000).ToArbitrary(), (f, below) =>
        {
            long v = f.Item2 - below;
            var ex = Assert.Throws<SpecException>(() => SpecReader.Parse($"{{\"{f.Item1}\": {v}}}"));
            var e = Assert.Single(ex.Errors);
            return e.Path == "$." + f.Item1 && e.Value == v.ToString();
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Sweep_errors_name_the_grid_or_row_path()
    {
        var ex = Assert.Throws<SpecException>(() => SweepReader.Parse("""
            { "base": {"d": 3}, "grid": {"n": [10, -4], "seed": [1]}, "runs": [{"nn": 3}, {"m": [5, "x"]}], "lambda": 1 }
            """));
        var paths = ex.Errors.Select(e => e.Path).ToList();
        Assert.Contains("$.grid.n[1]", paths);
        Assert.Contains("$.runs[0].nn", paths);
        Assert.Contains("$.runs[1].m[1]", paths);
        Assert.Contains("$.lambda", paths); // a spec field outside base/grid/runs
        Assert.Equal("-4", ex.Errors.First(e => e.Path == "$.grid.n[1]").Value);
    }

    [Fact]
    public void Sweep_cross_field_errors_point_where_the_value_came_from()
    {
        var ex = Assert.Throws<SpecException>(() => SweepReader.Parse("""
            { "base": {"dataModel": "orthogonal", "d": 4}, "grid": {"n": [2, 8]} }
            """));
        var e = Assert.Single(ex.Errors);
        Assert.Equal("$.grid.n[1]", e.Path);
        Assert.Equal("8", e.Value);
    }
}

public class SpecDocumentationTests
{
    private static string RepoFile(string relative) => File.ReadAllText(Path.Combine(Repository.Root(), relative));

    [Fact]
    public void Spec_md_documents_every_field_and_tolerance_with_its_default()
    {
        var doc = RepoFile("src/Verify/SPEC.md");
        var defaults = SimplicityBias.Verify.Specs.CanonicalSpec.ToJson(new SimplicityBias.Verify.Specs.ExperimentSpec());
        using var canonical = System.Text.Json.JsonDocument.Parse(defaults);
        foreach (var p in canonical.RootElement.EnumerateObject())
            Assert.Contains($"| `{p.Name}` |", doc);
        foreach (var p in canonical.RootElement.GetProperty("tolerances").EnumerateObject())
        {
            var m = System.Text.RegularExpressions.Regex.Match(doc, $"\\| `{p.Name}` \\| `([^`]+)` \\|");
            Assert.True(m.Success, p.Name);
            Assert.Equal(p.Value.GetDouble(), double.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));
        }
    }
}
