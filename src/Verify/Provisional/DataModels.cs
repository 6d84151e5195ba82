using SimplicityBias.Dynamics.Network;
using SimplicityBias.Verify.Specs;

namespace SimplicityBias.Verify.Provisional;

/// <summary>
/// Data models of the spec (inputs, teacher, noise), drawn from the spec's seed.
/// TODO: replace by the Theory module's data models once they exist; keep the stream layout
/// (train, test and teacher streams independent) so results stay reproducible.
/// </summary>
internal static class DataModels
{
    /// <summary>The teacher function of a spec (the relu teacher's units are drawn from the teacher stream).</summary>
    public static Func<ReadOnlySpan<double>, double> Teacher(ExperimentSpec s)
    {
        int d = s.D;
        if (s.Teacher == "linear")
        {
            var beta = s.BetaOrDefault();
            return x => { double z = 0; for (int i = 0; i < d; i++) z += beta[i] * x[i]; return z; };
        }
        // y = sum_i relu(<v_i, x>) with unit v_i uniform on the sphere.
        var rng = new Rng(s.Seed, Rng.Streams.Teacher);
        int k = s.TeacherUnits;
        var v = new double[k * d];
        for (int i = 0; i < k; i++)
        {
            double nrm = 0;
            for (int c = 0; c < d; c++) { v[i * d + c] = rng.NextGaussian(); nrm += v[i * d + c] * v[i * d + c]; }
            nrm = Math.Sqrt(nrm);
            for (int c = 0; c < d; c++) v[i * d + c] /= nrm;
        }
        return x =>
        {
            double y = 0;
            for (int i = 0; i < k; i++)
            {
                double z = 0;
                for (int c = 0; c < d; c++) z += v[i * d + c] * x[c];
                if (z > 0) y += z;
            }
            return y;
        };
    }

    /// <summary>Whether x and -x have the same law (the theory's symmetric inputs).</summary>
    public static bool IsSymmetric(ExperimentSpec s) => s.DataModel is "gaussian" or "sphere" || (s.DataModel == "shifted-gaussian" && s.Shift == 0);

    /// <summary>Sigma = E[x x^T] is the identity for gaussian, sphere (radius sqrt(d)) and orthogonal (scaled) inputs.</summary>
    public static bool HasIdentityCovariance(ExperimentSpec s) => s.DataModel is "gaussian" or "sphere" || (s.DataModel == "shifted-gaussian" && s.Shift == 0);

    /// <summary>The training set of a spec.</summary>
    public static Dataset Train(ExperimentSpec s) => Sample(s, s.N, new Rng(s.Seed, Rng.Streams.Train), noisy: true, orthogonalAllowed: true);

    /// <summary>The test set of a spec, or null when testN = 0. Orthogonal data get Gaussian test inputs.</summary>
    public static Dataset? Test(ExperimentSpec s)
        => s.TestN == 0 ? null : Sample(s, s.TestN, new Rng(s.Seed, Rng.Streams.Test), noisy: s.TestNoise, orthogonalAllowed: false);

    /// <summary>A large noise-free sample of the population (Monte Carlo of population quantities).</summary>
    public static Dataset Population(ExperimentSpec s, int size)
        => Sample(s with { DataModel = s.DataModel == "orthogonal" ? "gaussian" : s.DataModel }, size, new Rng(s.Seed, Rng.Streams.Population), noisy: false, orthogonalAllowed: false);

    public static Dataset Sample(ExperimentSpec s, int n, Rng rng, bool noisy, bool orthogonalAllowed)
    {
        int d = s.D;
        var x = new double[n * d];
        var y = new double[n];
        string model = s.DataModel == "orthogonal" && !orthogonalAllowed ? "gaussian" : s.DataModel;
        switch (model)
        {
            case "gaussian":
                for (int i = 0; i < x.Length; i++) x[i] = rng.NextGaussian();
                break;
            case "shifted-gaussian":
                double mu = s.Shift / Math.Sqrt(d);
                for (int i = 0; i < x.Length; i++) x[i] = mu + rng.NextGaussian();
                break;
            case "sphere":
                for (int k = 0; k < n; k++)
                {
                    double nrm = 0;
                    for (int i = 0; i < d; i++) { x[k * d + i] = rng.NextGaussian(); nrm += x[k * d + i] * x[k * d + i]; }
                    double f = Math.Sqrt(d / nrm);
                    for (int i = 0; i < d; i++) x[k * d + i] *= f;
                }
                break;
            case "orthogonal":
                // Gram-Schmidt on Gaussian vectors, scaled to norm sqrt(d) like a Gaussian input.
                for (int k = 0; k < n; k++)
                {
                    var row = new Span<double>(x, k * d, d);
                    double nrm;
                    do
                    {
                        for (int i = 0; i < d; i++) row[i] = rng.NextGaussian();
                        for (int l = 0; l < k; l++)
                        {
                            var prev = new ReadOnlySpan<double>(x, l * d, d);
                            double dot = 0;
                            for (int i = 0; i < d; i++) dot += row[i] * prev[i];
                            dot /= d; // prev has squared norm d
                            for (int i = 0; i < d; i++) row[i] -= dot * prev[i];
                        }
                        nrm = 0;
                        for (int i = 0; i < d; i++) nrm += row[i] * row[i];
                    } while (nrm < 1e-12);
                    double f = Math.Sqrt(d / nrm);
                    for (int i = 0; i < d; i++) row[i] *= f;
                }
                break;
            default:
                throw new ArgumentException($"dataModel: unknown value '{s.DataModel}'", nameof(s));
        }
        var teacher = Teacher(s);
        for (int k = 0; k < n; k++)
        {
            y[k] = teacher(new ReadOnlySpan<double>(x, k * d, d));
            if (noisy && s.Sigma > 0) y[k] += s.Sigma * rng.NextGaussian();
        }
        return new Dataset(n, d, x, y);
    }
}
