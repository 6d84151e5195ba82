using Xunit.Abstractions;

namespace SimplicityBias.Theory.Tests.Properties;

/// <summary>The runner itself: a false claim fails with a shrunk, readable JSON counterexample; a vacuous property fails.</summary>
public class PropertyRunnerTests(ITestOutputHelper output)
{
    [Fact]
    public void Runner_shrinks_a_false_claim_to_a_minimal_experiment_json()
    {
        // "every generated case has n < 40" is false; the minimal counterexample has n = 40 and every other field at its simplest.
        var e = Assert.Throws<Xunit.Sdk.XunitException>(() =>
            PropertyRunner.Run(output, "false claim", Families.FlowInvariants.Arbitrary(), 50,
                c => c.N < 40 ? Verdict.Pass("ok") : Verdict.Fail($"n = {c.N}")));
        output.WriteLine(e.Message);
        string shrunk = e.Message[e.Message.LastIndexOf("Shrunk:", StringComparison.Ordinal)..];
        Assert.Contains("\"n\": 40,", shrunk);
        Assert.Contains("\"seed\": 1,", shrunk);
        Assert.Contains("\"sigma\": 0,", shrunk);
        Assert.Contains("\"dataModel\": \"gaussian\"", shrunk);
        Assert.Contains("\"m\": 1,", shrunk);
    }

    [Fact]
    public void Runner_fails_a_property_whose_premise_is_never_reached()
    {
        var e = Assert.Throws<Xunit.Sdk.TrueException>(() =>
            PropertyRunner.Run(output, "vacuous", Families.FlowInvariants.Arbitrary(), 10, _ => Verdict.Skip("premise not reached"), minReached: 0.1));
        Assert.Contains("would pass vacuously", e.Message);
    }

    [Fact]
    public void Scale_multiplies_the_case_count()
    {
        double scale = PropertyRunner.Scale;
        Assert.Equal(Math.Max(1, (int)Math.Round(40 * scale)), PropertyRunner.Count(40));
    }
}
