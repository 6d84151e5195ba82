using SimplicityBias.Theory.Data;
using SimplicityBias.Theory.Extremal;
using SimplicityBias.Theory.Numerics;
using Xunit.Abstractions;
using SimplicityBias.Dynamics.Numerics;

namespace SimplicityBias.Theory.Tests;

public class PopulationExtremalTests
{
    private readonly ITestOutputHelper _out;
    public PopulationExtremalTests(ITestOutputHelper output) => _out = output;

    [Fact]
    public void Symmetric_linear_closed_form_is_sigma_beta_and_agrees_with_monte_carlo()
    {
        double[] sigma = [2.0, 0.6, 0.0, 0.6, 1.0, 0.3, 0.0, 0.3, 0.5];
        double[] beta = [1.0, 0.5, -0.3];
        var model = new DataModel(InputLaw.Gaussian(sigma), Teacher.Linear(beta), NoiseModel.Gaussian(1.0), 100, 3, 1);
        var closed = PopulationExtremal.Compute(model);
        Assert.Equal("closed-form-symmetric", closed.Method);
        Assert.Equal(2, closed.Vectors.Count);
        double[] sb = [2.0 * 1 + 0.6 * 0.5, 0.6 * 1 + 1.0 * 0.5 + 0.3 * -0.3, 0.3 * 0.5 + 0.5 * -0.3];
        var ustar = Vec.Unit(sb);
        var plus = closed.Positive.Single();
        var minus = closed.Negative.Single();
        for (int i = 0; i < 3; i++) { Assert.Equal(ustar[i], plus.Direction[i], 1e-14); Assert.Equal(-ustar[i], minus.Direction[i], 1e-14); }
        Assert.Equal(Vec.Norm(sb) / 2, plus.Value, 1e-14);

        var mc = PopulationExtremal.MonteCarlo(model, 200_000, 7);
        Assert.NotEmpty(mc.Positive);
        Assert.NotEmpty(mc.Negative);
        foreach (var v in mc.Vectors)
        {
            var target = v.Sign > 0 ? plus : minus;
            double angle = Vec.Angle(v.Direction, target.Direction);
            _out.WriteLine($"MC {v.Sign}: angle {angle:E2}, SE {v.StandardError:E2}, c {v.Value:F4} vs {target.Value:F4}");
            Assert.True(angle < 5 * v.StandardError + 1e-3, $"MC direction {angle} rad from the closed form (SE {v.StandardError})");
            Assert.Equal(target.Value, v.Value, 0.02 * target.Value);
        }
    }

    [Theory]
    [InlineData(new[] { 0.0, 0.0, 0.0 })]
    [InlineData(new[] { 0.8, -0.3, 0.5 })]
    public void Truncated_second_moment_matches_sampling(double[] mean)
    {
        var model = new DataModel(InputLaw.ShiftedGaussian(mean), Teacher.FirstAxis(3), NoiseModel.None(), 10, 3, 3);
        var data = model.GenerateNoiseFree(300_000, 3);
        double[] u = Vec.Unit([0.3, 1.0, -0.4]);
        var closed = PopulationExtremal.TruncatedSecondMoment(mean, u);
        var est = new double[9];
        for (int k = 0; k < data.N; k++)
        {
            var x = data.Row(k);
            if (Vec.Dot(u, x) <= 0) continue;
            for (int i = 0; i < 3; i++) for (int j = 0; j < 3; j++) est[i * 3 + j] += x[i] * x[j] / data.N;
        }
        for (int i = 0; i < 9; i++) Assert.Equal(closed[i], est[i], 0.02 * (1 + Math.Abs(closed[i])));
        if (mean.All(m => m == 0)) for (int i = 0; i < 3; i++) for (int j = 0; j < 3; j++) Assert.Equal(i == j ? 0.5 : 0, closed[i * 3 + j], 1e-15);
    }

    [Fact]
    public void Shifted_gaussian_truncated_moments_agree_with_monte_carlo()
    {
        double[] mean = [0.8, 0.3, 0.0];
        double[] beta = [1.0, -0.5, 0.2];
        var model = new DataModel(InputLaw.ShiftedGaussian(mean), Teacher.Linear(beta), NoiseModel.Gaussian(0.5), 100, 3, 2);
        var exact = PopulationExtremal.Compute(model);
        Assert.Equal("truncated-gaussian", exact.Method);
        Assert.NotEmpty(exact.Positive);
        Assert.NotEmpty(exact.Negative);
        foreach (var v in exact.Vectors)
        {
            // D(u) = s c u from the closed form
            var dv = PopulationExtremal.ShiftedGaussianD(mean, beta, v.Direction);
            for (int i = 0; i < 3; i++) Assert.Equal(v.Sign * v.Value * v.Direction[i], dv[i], 1e-9);
            _out.WriteLine($"exact {v.Sign}: u = ({string.Join(", ", v.Direction.Select(t => t.ToString("F5")))}), c = {v.Value:F5}, angle to beta {Vec.Angle(v.Direction, v.Sign > 0 ? beta : beta.Select(t => -t).ToArray()):F4}");
        }
        // the shift moves the directions away from +-beta*
        Assert.True(Vec.Angle(exact.Positive.First().Direction, beta) > 0.01);

        var mc = PopulationExtremal.MonteCarlo(model, 200_000, 9);
        Assert.Equal(exact.Positive.Count(), mc.Positive.Count());
        Assert.Equal(exact.Negative.Count(), mc.Negative.Count());
        foreach (var v in mc.Vectors)
        {
            double angle = exact.Vectors.Where(e => e.Sign == v.Sign).Min(e => Vec.Angle(e.Direction, v.Direction));
            _out.WriteLine($"MC {v.Sign}: angle {angle:E2}, SE {v.StandardError:E2}");
            Assert.True(angle < 5 * v.StandardError + 1e-3, $"MC direction {angle} rad from the truncated-Gaussian one (SE {v.StandardError})");
        }
    }

    [Fact]
    public void Relu_teacher_falls_back_to_monte_carlo_with_a_standard_error()
    {
        var model = new DataModel(InputLaw.StandardGaussian(), Teacher.RandomRelu(3, 5, 1), NoiseModel.None(), 100, 3, 2);
        var set = PopulationExtremal.Compute(model, 50_000, 1);
        Assert.Equal("monte-carlo", set.Method);
        Assert.NotEmpty(set.Positive);
        Assert.All(set.Vectors, v => Assert.InRange(v.StandardError, 1e-6, 0.1));
    }
}

public class PopulationFieldTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    public void Population_field_matches_a_large_sample(int lawIndex)
    {
        InputLaw law = lawIndex switch
        {
            0 => InputLaw.Rademacher(),
            1 => InputLaw.ShiftedGaussian([0.5, -0.5, 1.0]),
            _ => InputLaw.Ball(2.0),
        };
        var model = new DataModel(law, Teacher.Linear([1.0, 2.0, -0.5]), NoiseModel.Gaussian(1.0), 10, 3, 4);
        double[] u = [0.2, -1.0, 0.4];
        var (dExact, se) = PopulationExtremal.PopulationD(model, u);
        Assert.Equal(0, se);
        var sample = model.Generate(400_000, 8); // noisy labels: the noise averages out
        var dEmp = EarlyAlignment.D(sample, u);
        var (dMc, seMc) = PopulationExtremal.PopulationD(model with { Teacher = Teacher.RandomRelu(3, 5, 1) }, u, 20_000, 1);
        Assert.True(seMc > 0);
        for (int i = 0; i < 3; i++) Assert.Equal(dExact[i], dEmp[i], 0.03 * (1 + Math.Abs(dExact[i])));
        Assert.Equal(3, dMc.Length);
    }
}
