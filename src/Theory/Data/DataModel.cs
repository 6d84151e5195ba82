using SimplicityBias.Dynamics.Network;
using SimplicityBias.Theory.Numerics;

namespace SimplicityBias.Theory.Data;

/// <summary>
/// A data model: inputs x ~ <see cref="Input"/>, labels y = f*(x) + noise, n samples in R^d,
/// and a seed. Generation is a pure function of (model, n, seed): the training set uses stream 0
/// of the seed and the test set stream 1, so Generate(n, s) and GenerateTest(m, s) are independent
/// draws from the same law. All inputs are drawn first, then the noises, so models that differ
/// only in the noise give the same inputs for the same seed.
/// </summary>
/// <param name="Input">The input law.</param>
/// <param name="Teacher">The noise-free target f*.</param>
/// <param name="Noise">The label noise.</param>
/// <param name="N">Default training-set size n.</param>
/// <param name="D">Input dimension d.</param>
/// <param name="Seed">Default seed.</param>
public sealed record DataModel(InputLaw Input, Teacher Teacher, NoiseModel Noise, int N, int D, long Seed)
{
    /// <summary>The classical setting: N(0, I_d) inputs, beta* = e_1, Gaussian noise sigma.</summary>
    public static DataModel StandardLinear(int n, int d, double sigma, long seed) =>
        new(InputLaw.StandardGaussian(), Teacher.FirstAxis(d), sigma > 0 ? NoiseModel.Gaussian(sigma) : NoiseModel.None(), n, d, seed);

    /// <summary>Throws ArgumentException naming the field and the value if the spec is invalid.</summary>
    public void Validate()
    {
        if (D < 1) throw new ArgumentException($"D must be >= 1, got {D}", nameof(D));
        if (N < 1) throw new ArgumentException($"N must be >= 1, got {N}", nameof(N));
        if (Input is null) throw new ArgumentException("Input is null", nameof(Input));
        if (Teacher is null) throw new ArgumentException("Teacher is null", nameof(Teacher));
        if (Noise is null) throw new ArgumentException("Noise is null", nameof(Noise));
        Input.Validate(D, nameof(Input));
        Teacher.Validate(D, nameof(Teacher));
        Noise.Validate(nameof(Noise));
        if (Input is OrthogonalInputs && N > D)
            throw new ArgumentException($"N = {N} exceeds D = {D}: an orthogonal set needs n <= d", nameof(N));
        if (Teacher is CsvLabelTeacher && Input is not CsvInputs { HasLabels: true })
            throw new ArgumentException($"Teacher = csv-labels needs Input = a CSV with a label column, got Input = {Input.Name}", nameof(Teacher));
    }

    /// <summary>The training set of size <see cref="N"/> with seed <see cref="Seed"/>.</summary>
    public Dataset Generate() => Generate(N, Seed);

    /// <summary>A training set of size n from stream 0 of <paramref name="seed"/>.</summary>
    public Dataset Generate(int n, long seed)
    {
        Validate();
        if (n < 1) throw new ArgumentException($"n must be >= 1, got {n}", nameof(n));
        if (Input is OrthogonalInputs && n > D)
            throw new ArgumentException($"n = {n} exceeds d = {D}: an orthogonal set needs n <= d", nameof(n));
        return Draw(n, new Rng(seed, 0), joint: true);
    }

    /// <summary>
    /// A test set of size nTest from stream 1 of <paramref name="seed"/>, same law as the training
    /// set (for orthogonal inputs: i.i.d. rows uniform on the same sphere, the law of one row).
    /// </summary>
    public Dataset GenerateTest(int nTest, long seed)
    {
        Validate();
        if (nTest < 1) throw new ArgumentException($"nTest must be >= 1, got {nTest}", nameof(nTest));
        return Draw(nTest, new Rng(seed, 1), joint: false);
    }

    /// <summary>A test set of size nTest with seed <see cref="Seed"/>.</summary>
    public Dataset GenerateTest(int nTest) => GenerateTest(nTest, Seed);

    /// <summary>
    /// Draws n noise-free pairs (x, f*(x)) from stream <paramref name="stream"/> of the seed, for
    /// Monte Carlo estimates of population quantities (noise is independent with mean 0, so it
    /// does not change E[1[&lt;u,x&gt; &gt; 0] y x]; leaving it out lowers the variance).
    /// </summary>
    public Dataset GenerateNoiseFree(int n, long seed, ulong stream = 2)
    {
        Validate();
        if (n < 1) throw new ArgumentException($"n must be >= 1, got {n}", nameof(n));
        return Draw(n, new Rng(seed, stream), joint: false, noise: false);
    }

    private Dataset Draw(int n, Rng rng, bool joint, bool noise = true)
    {
        int d = D;
        var x = new double[n * d];
        var y = new double[n];
        if (Input is CsvInputs csv)
        {
            for (int k = 0; k < n; k++)
            {
                int row = csv.SampleRow(rng);
                Array.Copy(csv.X, row * d, x, k * d, d);
                y[k] = Teacher is CsvLabelTeacher ? csv.Y[row] : Teacher.Evaluate(new ReadOnlySpan<double>(x, k * d, d));
            }
            if (noise) for (int k = 0; k < n; k++) y[k] += Noise.Sample(rng);
            return new Dataset(n, d, x, y);
        }
        if (joint || Input is not OrthogonalInputs) Input.SampleRows(rng, n, d, x);
        else for (int k = 0; k < n; k++) Input.SampleOne(rng, new Span<double>(x, k * d, d));
        // noise after all inputs: the inputs of a seed do not depend on the noise model
        for (int k = 0; k < n; k++)
        {
            y[k] = Teacher.Evaluate(new ReadOnlySpan<double>(x, k * d, d));
            if (noise) y[k] += Noise.Sample(rng);
        }
        return new Dataset(n, d, x, y);
    }
}
