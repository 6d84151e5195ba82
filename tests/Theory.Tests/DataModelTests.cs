using SimplicityBias.Theory.Data;
using SimplicityBias.Theory.Numerics;
using SimplicityBias.Dynamics.Numerics;

namespace SimplicityBias.Theory.Tests;

public class DataModelTests
{
    private const ulong PinnedSeed42 = 1168176583024592304UL;

    [Fact]
    public void Rng_bits_are_fixed_for_a_seed()
    {
        // Pinned seeding: changing the generator or its seeding would change every experiment.
        Assert.Equal(PinnedSeed42, new Rng(42).NextUInt64());
        var a = new Rng(42);
        var b = new Rng(42);
        for (int i = 0; i < 100; i++) Assert.Equal(a.NextUInt64(), b.NextUInt64());
        var c = new Rng(42, 1);
        Assert.NotEqual(new Rng(42).NextUInt64(), c.NextUInt64());
        var g = new Rng(7);
        double s = 0, s2 = 0;
        const int n = 200_000;
        for (int i = 0; i < n; i++) { double z = g.NextGaussian(); s += z; s2 += z * z; }
        Assert.InRange(s / n, -0.01, 0.01);
        Assert.InRange(s2 / n, 0.98, 1.02);
    }

    [Theory]
    [InlineData(1e-300)]
    [InlineData(1e-10)]
    [InlineData(0.3)]
    [InlineData(1.0)]
    [InlineData(2.5)]
    [InlineData(1e200)]
    public void Deterministic_log_and_exp_match_the_runtime(double x)
    {
        Assert.Equal(Math.Log(x), DeterministicMath.Log(x), Math.Abs(Math.Log(x)) * 1e-15 + 1e-15);
        double e = Math.Log(x) / 7;
        Assert.Equal(Math.Exp(e), DeterministicMath.Exp(e), Math.Exp(e) * 1e-15);
    }

    [Fact]
    public void Generation_is_reproducible_and_train_test_streams_differ()
    {
        var m = DataModel.StandardLinear(50, 3, 0.5, 11);
        var a = m.Generate();
        var b = m.Generate(50, 11);
        Assert.Equal(a.X, b.X);
        Assert.Equal(a.Y, b.Y);
        var t = m.GenerateTest(50, 11);
        Assert.NotEqual(a.X[0], t.X[0]);
        // same inputs whatever the noise level
        var q = m with { Noise = NoiseModel.Rademacher(2.0) };
        Assert.Equal(a.X, q.Generate().X);
        Assert.NotEqual(a.Y, q.Generate().Y);
    }

    public static IEnumerable<object[]> Laws()
    {
        yield return [InputLaw.StandardGaussian()];
        yield return [InputLaw.Gaussian([2.0, 0.5, 0, 0.5, 1.0, 0, 0, 0, 0.5])];
        yield return [InputLaw.ShiftedGaussian([1.0, -0.5, 0.25])];
        yield return [InputLaw.Rademacher()];
        yield return [InputLaw.Sphere(2.0)];
        yield return [InputLaw.Ball(1.5)];
        yield return [InputLaw.Orthogonal(1.0)];
    }

    [Theory]
    [MemberData(nameof(Laws))]
    public void Second_moments_match_the_closed_form(InputLaw law)
    {
        const int d = 3, n = 100_000;
        var m = new DataModel(law, Teacher.FirstAxis(d), NoiseModel.None(), 3, d, 5);
        var data = law is OrthogonalInputs ? m.GenerateTest(n, 5) : m.Generate(n, 5);
        var sigma = law.SecondMoment(d)!;
        for (int i = 0; i < d; i++)
            for (int j = 0; j < d; j++)
            {
                double s = 0;
                for (int k = 0; k < n; k++) s += data.X[k * d + i] * data.X[k * d + j];
                Assert.Equal(sigma[i * d + j], s / n, 0.03 * (1 + Math.Abs(sigma[i * d + j])));
            }
    }

    [Fact]
    public void Orthogonal_set_is_orthogonal_with_the_given_norm()
    {
        var m = new DataModel(InputLaw.Orthogonal(3.0), Teacher.FirstAxis(6), NoiseModel.None(), 6, 6, 1);
        var data = m.Generate();
        for (int k = 0; k < 6; k++)
            for (int l = 0; l <= k; l++)
                Assert.Equal(k == l ? 9.0 : 0.0, Vec.Dot(data.Row(k), data.Row(l)), 1e-12);
        var ex = Assert.Throws<ArgumentException>(() => m.Generate(7, 1));
        Assert.Contains("7", ex.Message);
    }

    [Fact]
    public void Relu_teacher_and_rademacher_noise()
    {
        var t = Teacher.RandomRelu(4, 5, 3);
        Assert.Equal(5, t.K);
        Assert.Equal(t.UnitWeights, Teacher.RandomRelu(4, 5, 3).UnitWeights);
        var m = new DataModel(InputLaw.StandardGaussian(), t, NoiseModel.Rademacher(0.5), 200, 4, 9);
        var data = m.Generate();
        for (int k = 0; k < data.N; k++)
            Assert.Equal(0.5, Math.Abs(data.Y[k] - t.Evaluate(data.Row(k))), 1e-12);
    }

    [Fact]
    public void Csv_law_resamples_rows_and_can_use_file_labels()
    {
        var path = Path.Combine(Path.GetTempPath(), $"simbias-theory-{Guid.NewGuid():N}.csv");
        File.WriteAllText(path, "x1,x2,y\n1,0,5\n0,1,-5\n-1,-1,7\n");
        try
        {
            var law = InputLaw.Csv(path);
            Assert.Equal(2, law.D);
            var m = new DataModel(law, Teacher.CsvLabels(), NoiseModel.None(), 30, 2, 4);
            var data = m.Generate();
            for (int k = 0; k < data.N; k++)
            {
                double expect = data.X[2 * k] == 1 ? 5 : data.X[2 * k + 1] == 1 ? -5 : 7;
                Assert.Equal(expect, data.Y[k]);
            }
            var bad = m with { D = 3 };
            var ex = Assert.Throws<ArgumentException>(() => bad.Generate());
            Assert.Contains("d = 2", ex.Message);
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void Validation_names_the_field_and_the_value()
    {
        var m = DataModel.StandardLinear(10, 3, 1.0, 0);
        Assert.Contains("N", Assert.Throws<ArgumentException>(() => (m with { N = 0 }).Validate()).ParamName);
        var e1 = Assert.Throws<ArgumentException>(() => (m with { Teacher = Teacher.Linear([1.0, 2.0]) }).Validate());
        Assert.Equal("Teacher", e1.ParamName);
        Assert.Contains("length 2", e1.Message);
        var e2 = Assert.Throws<ArgumentException>(() => (m with { Noise = NoiseModel.Gaussian(-1) }).Validate());
        Assert.Contains("-1", e2.Message);
        var e3 = Assert.Throws<ArgumentException>(() => (m with { Input = InputLaw.Gaussian([1, 0, 0, 0, -1, 0, 0, 0, 1]) }).Validate());
        Assert.Contains("positive definite", e3.Message);
        var e4 = Assert.Throws<ArgumentException>(() => (m with { Input = InputLaw.Ball(0) }).Validate());
        Assert.Contains("Radius", e4.Message);
    }
}
