using System.Text.Json;
using SimplicityBias.Verify.Specs;

namespace SimplicityBias.Verify.Tests;

public class SpecSchemaTests
{
    [Fact]
    public void Committed_schema_is_the_generated_one()
    {
        var committed = File.ReadAllText(Path.Combine(Repository.Root(), SpecSchema.RepositoryPath)).Replace("\r\n", "\n");
        Assert.True(committed == SpecSchema.Generate(),
            $"{SpecSchema.RepositoryPath} is out of date: regenerate it with `dotnet run -c Release --project src/Verify -- schema --out {SpecSchema.RepositoryPath}`");
    }

    [Fact]
    public void Schema_has_every_field_with_its_default_in_specs_and_sweeps()
    {
        using var doc = JsonDocument.Parse(SpecSchema.Generate());
        var defs = doc.RootElement.GetProperty("$defs");
        using var canonical = JsonDocument.Parse(CanonicalSpec.ToJson(new ExperimentSpec()));
        foreach (var f in SpecFields.All)
        {
            foreach (var where in new[] { "spec", "base", "grid", "row" })
                Assert.True(defs.GetProperty(where).GetProperty("properties").TryGetProperty(f.Name, out _), $"{where} lacks {f.Name}");
            var field = defs.GetProperty("field-" + f.Name);
            // A field left out of the canonical form at 0 (IntField.OmitZero) has the default 0.
            if (field.TryGetProperty("default", out var d) && d.ValueKind != JsonValueKind.Null && f is not TolerancesField)
                Assert.Equal(canonical.RootElement.TryGetProperty(f.Name, out var c) ? c.GetRawText() : f is IntField { OmitZero: true } ? "0" : "(absent)", d.GetRawText());
        }
        var tolerances = defs.GetProperty("field-tolerances").GetProperty("properties");
        foreach (var m in TolerancesField.Members)
            Assert.Equal(canonical.RootElement.GetProperty("tolerances").GetProperty(m.Name).GetRawText(),
                tolerances.GetProperty(m.Name).GetProperty("default").GetRawText());
        Assert.False(defs.GetProperty("spec").GetProperty("additionalProperties").GetBoolean());
    }

    [Fact]
    public void Files_that_name_the_schema_are_read_and_a_non_string_schema_is_refused()
    {
        var s = SpecReader.Parse("""{"$schema": "../src/Verify/spec.schema.json", "n": 30}""");
        Assert.Equal(30, s.N);
        var sweep = SweepReader.Parse("""{"$schema": "spec.schema.json", "base": {"d": 2}, "grid": {"n": [20, 30]}}""");
        Assert.Equal(2, sweep.Runs.Count);
        var e = Assert.Throws<SpecException>(() => SpecReader.Parse("""{"$schema": 3}"""));
        Assert.Equal("$.$schema", Assert.Single(e.Errors).Path);
        // Only at the root: inside base it is an unknown field as before.
        Assert.Throws<SpecException>(() => SweepReader.Parse("""{"base": {"$schema": "x"}}"""));
    }
}
