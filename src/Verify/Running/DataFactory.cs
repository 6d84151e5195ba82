using SimplicityBias.Dynamics.Network;
using SimplicityBias.Theory.Data;
using SimplicityBias.Verify.Specs;

namespace SimplicityBias.Verify.Running;

/// <summary>
/// The spec's data model as a <see cref="DataModel"/> of SimplicityBias.Theory. Inputs are scaled so
/// that E[x x^T] = I for every model but the shifted one (sphere and orthogonal inputs have radius sqrt(d),
/// like a standard Gaussian vector), so sigma and the reference levels mean the same thing across models.
/// </summary>
public static class DataFactory
{
    /// <summary>The data model of a spec (n and seed included).</summary>
    public static DataModel Model(ExperimentSpec s)
    {
        int d = s.D;
        double radius = Math.Sqrt(d);
        InputLaw input = s.DataModel switch
        {
            "gaussian" => InputLaw.StandardGaussian(),
            "shifted-gaussian" => InputLaw.ShiftedGaussian(Enumerable.Repeat(s.Shift / Math.Sqrt(d), d).ToArray()),
            "sphere" => InputLaw.Sphere(radius),
            "orthogonal" => InputLaw.Orthogonal(radius),
            _ => throw new ArgumentException($"dataModel: unknown value '{s.DataModel}'", nameof(s)),
        };
        Teacher teacher = s.Teacher switch
        {
            "linear" => Teacher.Linear(s.BetaOrDefault()),
            "relu" => Teacher.RandomRelu(d, s.TeacherUnits, s.Seed),
            _ => throw new ArgumentException($"teacher: unknown value '{s.Teacher}'", nameof(s)),
        };
        NoiseModel noise = s.Sigma > 0 ? NoiseModel.Gaussian(s.Sigma) : NoiseModel.None();
        return new DataModel(input, teacher, noise, s.N, d, s.Seed);
    }

    /// <summary>The training set (stream 0 of the seed).</summary>
    public static Dataset Train(ExperimentSpec s) => Model(s).Generate();

    /// <summary>The test set (stream 1 of the seed), noise-free unless testNoise; null when testN = 0.</summary>
    public static Dataset? Test(ExperimentSpec s)
    {
        if (s.TestN == 0) return null;
        var m = Model(s);
        return s.TestNoise ? m.GenerateTest(s.TestN, s.Seed) : m.GenerateNoiseFree(s.TestN, s.Seed, stream: 1);
    }

    /// <summary>A large noise-free sample (stream 2) for Monte Carlo estimates of population quantities.</summary>
    public static Dataset Population(ExperimentSpec s, int size) => Model(s).GenerateNoiseFree(size, s.Seed, stream: 2);

    /// <summary>Whether x and -x have the same law.</summary>
    public static bool IsSymmetric(ExperimentSpec s) => Model(s).Input.IsSymmetric;

    /// <summary>Sigma = E[x x^T] (row-major), when known in closed form.</summary>
    public static double[]? SecondMoment(ExperimentSpec s) => Model(s).Input.SecondMoment(s.D);
}
