using SimplicityBias.Dynamics.Network;
using SimplicityBias.Theory.Data;
using SimplicityBias.Theory.Extremal;
using SimplicityBias.Theory.Numerics;
using Xunit.Abstractions;

namespace SimplicityBias.Theory.Tests;

public class ConcentrationTests
{
    private readonly ITestOutputHelper _out;
    public ConcentrationTests(ITestOutputHelper output) => _out = output;

    [Fact]
    public void Empirical_extremal_vectors_concentrate_at_rate_near_n_to_minus_one_half()
    {
        // d = 2, N(0, I) inputs, beta* = e1, sigma = 1: every empirical extremal vector (exact
        // enumeration) against the population pair +-e1; mean angle over seeds, per n.
        int[] ns = [100, 300, 1000, 3000, 10000, 30000];
        const int seeds = 12;
        var logN = new List<double>();
        var logDist = new List<double>();
        foreach (int n in ns)
        {
            double sum = 0;
            int count = 0;
            for (int seed = 0; seed < seeds; seed++)
            {
                var model = DataModel.StandardLinear(n, 2, 1.0, seed);
                var emp = ExtremalVectors.Enumerate2D(model.Generate());
                var pop = PopulationExtremal.Compute(model);
                var dist = ExtremalDistance.Compare(emp.Vectors, pop.Vectors);
                Assert.True(dist.PopulationToEmpirical < Math.PI, "both signs must be present");
                sum += dist.Mean;
                count++;
            }
            double mean = sum / count;
            _out.WriteLine($"n = {n,6}: mean angle to the population set {mean:E3} rad");
            logN.Add(Math.Log(n));
            logDist.Add(Math.Log(mean));
        }
        var fit = SimplicityBias.Theory.Endpoint.OptimizationThreshold.FitLogLog(logN.Select(v => Math.Exp(v)).ToArray(), logDist.Select(v => Math.Exp(v)).ToArray());
        _out.WriteLine($"fitted exponent p = {fit.Exponent:F3} (95% interval [{fit.ExponentLower:F3}, {fit.ExponentUpper:F3}]), C = {fit.Coefficient:F3}");
        Assert.True(fit.Exponent < 0);
        Assert.InRange(fit.Exponent, -0.8, -0.3);
    }

    [Fact]
    public void Alignment_and_distance_reports()
    {
        var pop = PopulationExtremal.SymmetricLinear([1, 0, 0, 1], [1, 0]);
        // neuron 0: +, 0.1 rad from e1; neuron 1: -, 0.3 rad from -e1; neuron 2: a = 0 (ignored)
        var net = new NetworkParameters(3, 2, [2.0, Math.Cos(0.1), Math.Sin(0.1), -1.0, -Math.Cos(0.3), Math.Sin(0.3), 0.0, 1.0, 0.0]);
        var rep = Alignment.Measure(net, pop.Vectors, 0.2);
        Assert.Equal(0.1, rep.Angles[0], 1e-12);
        Assert.Equal(0.3, rep.Angles[1], 1e-12);
        Assert.True(double.IsNaN(rep.Angles[2]));
        Assert.Equal(2, rep.Counted);
        Assert.Equal(0.5, rep.FractionWithin, 1e-12);
        Assert.Equal(2.0 / 3.0, rep.NormWeightedFractionWithin, 1e-12);

        var emp = new ISignedDirection[] { pop.Vectors[0], new PopulationExtremalVector(1, [0, 1], 1, 0, 0) };
        var dist = ExtremalDistance.Compare(emp, pop.Vectors);
        Assert.Equal(0.0, dist.PerVector[0], 1e-12);
        Assert.Equal(Math.PI / 2, dist.PerVector[1], 1e-12);
        Assert.Equal(Math.PI, dist.PopulationToEmpirical); // no negative empirical vector
        Assert.Equal(Math.PI, dist.Hausdorff);
    }
}
