using SimplicityBias.Verify.Checks;
using SimplicityBias.Verify.Running;
using SimplicityBias.Verify.Specs;

namespace SimplicityBias.Verify.Tests;

public class RegimeTests
{
    [Theory]
    [InlineData("""{"d": 5, "n": 10000}""", "ols")]              // n >= 2 n*(5) ~ 6,250
    [InlineData("""{"d": 5, "n": 500}""", "none")]               // below the threshold the flow can interpolate, need not
    [InlineData("""{"d": 5, "n": 4}""", "interpolation")]        // n <= d
    [InlineData("""{"d": 5, "n": 3000}""", "none")]              // near the threshold
    [InlineData("""{"d": 5, "n": 3000, "threshold": 1000}""", "ols")]
    [InlineData("""{"d": 8, "n": 6, "dataModel": "orthogonal"}""", "interpolation")]
    [InlineData("""{"d": 5, "n": 10000, "teacher": "relu"}""", "none")]
    [InlineData("""{"d": 5, "n": 10000, "activation": "gelu"}""", "none")]
    [InlineData("""{"d": 5, "n": 10000, "dataModel": "shifted-gaussian"}""", "none")]
    [InlineData("""{"d": 5, "n": 100, "expect": "ols"}""", "ols")]
    public void Auto_regime(string json, string regime)
    {
        var s = SpecReader.Parse(json);
        Assert.Equal(regime, EndpointAnalysis.ResolveRegime(s, s.N, s.D, synthetic: true));
    }

    [Fact]
    public void Non_symmetric_inputs_use_the_theory_population_and_skip_the_symmetric_claim()
    {
        var r = new ExperimentRunner(new FixedFactory(new ScriptedTrainer()))
            .Run(SpecReader.Parse("""{"d": 3, "n": 300, "m": 4, "testN": 500, "dataModel": "shifted-gaussian", "shift": 1.5}"""))!;
        Assert.DoesNotContain(r.Checks, c => c.Name == Claims.Population.Name);
        var conc = r.Checks.Single(c => c.Name == Claims.Concentration.Name);
        Assert.Contains("truncated-gaussian", conc.Reason);
        Assert.True(r.Metric(Metrics.ExtremalDistance) > 0);
    }

    [Fact]
    public void User_data_gets_no_population_claims()
    {
        var spec = SpecReader.Parse("""{"d": 2, "n": 50, "m": 4, "testN": 0, "expect": "none"}""");
        var data = spec.Train();
        var r = new ExperimentRunner(new FixedFactory(new ScriptedTrainer())).Run(spec, new RunInputs(data, null, false, "mine.csv"))!;
        Assert.DoesNotContain(r.Checks, c => c.Name is "population-extremal" or "extremal-concentration");
        Assert.Equal("mine.csv", r.Data);
    }
}
