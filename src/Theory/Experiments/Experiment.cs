using SimplicityBias.Dynamics.Network;
using SimplicityBias.Theory.Data;

namespace SimplicityBias.Theory.Experiments;

/// <summary>
/// One experiment, typed: the data model, the network, the initialization and the training method, each
/// option with its default (the toolkit's own setting, docs/THEORY.md section 8: d = 5, a linear teacher
/// beta* = e_1, N(0, I) inputs, sigma = 1, the balanced initialization at lambda = 1e-3, m = 100 neurons).
/// Everything a run needs comes out of <see cref="Build"/>; the command line's spec adds only its checks to
/// this record, and the property tests use it as it is, so the two cannot drift apart.
/// Inputs are scaled so that E[x x^T] = I for every law but the shifted one (sphere and orthogonal inputs have
/// radius sqrt(d), like a standard Gaussian vector), so sigma and the reference levels mean the same across laws.
/// </summary>
public record Experiment
{
    /// <summary>Stream of the seed the initialization draws from (the data models use 0-3 and 7).</summary>
    public const ulong InitStream = 11;

    /// <summary>Input law (spec field dataModel).</summary>
    public InputLawKind DataModel { get; init; } = InputLawKind.Gaussian;
    /// <summary>Mean shift of shifted-gaussian: mu = shift * (1, ..., 1) / sqrt(d).</summary>
    public double Shift { get; init; } = 1.0;
    /// <summary>Teacher: linear (y = &lt;beta*, x&gt; + noise) or relu (a sum of k ReLU units + noise).</summary>
    public TeacherKind Teacher { get; init; } = TeacherKind.Linear;
    /// <summary>beta* of the linear teacher; null means e_1.</summary>
    public double[]? Beta { get; init; }
    /// <summary>Number k of units of the relu teacher.</summary>
    public int TeacherUnits { get; init; } = 5;
    /// <summary>Label noise standard deviation sigma (Gaussian, centred; 0 = none).</summary>
    public double Sigma { get; init; } = 1.0;
    /// <summary>Training sample size n.</summary>
    public int N { get; init; } = 500;
    /// <summary>Input dimension d.</summary>
    public int D { get; init; } = 5;
    /// <summary>Width m (large enough for the theory's "m large" at these sizes).</summary>
    public int M { get; init; } = 100;
    /// <summary>Initialization scale lambda.</summary>
    public double Lambda { get; init; } = 1e-3;
    /// <summary>Initialization: balanced, dominated or unbalanced (docs/THEORY.md section 3).</summary>
    public InitKind Init { get; init; } = InitKind.Balanced;
    /// <summary>Nonlinearity: relu or gelu.</summary>
    public Activation Activation { get; init; } = Activation.Relu;
    /// <summary>Training method.</summary>
    public Solver Solver { get; init; } = Solver.Flow;
    /// <summary>Relative tolerance of the adaptive steps.</summary>
    public double Rtol { get; init; } = 1e-6;
    /// <summary>Absolute tolerance of the adaptive steps.</summary>
    public double Atol { get; init; } = 1e-10;
    /// <summary>Stop when the minimum-norm gradient is below this.</summary>
    public double StationarityTol { get; init; } = 1e-8;
    /// <summary>Final flow time.</summary>
    public double Horizon { get; init; } = 1e5;
    /// <summary>Step budget of the flow solver.</summary>
    public long MaxSteps { get; init; } = 5_000_000;
    /// <summary>Learning rate of gd and adam.</summary>
    public double LearningRate { get; init; } = 0.01;
    /// <summary>Trajectory points per decade of t.</summary>
    public int PointsPerDecade { get; init; } = 8;
    /// <summary>
    /// Restarts of the Filippov flow per decade of t, where its state is kept as a checkpoint to resume from (0: none;
    /// <see cref="FlowCheckpoints"/>). Part of what defines the run: restarts change its last bits.
    /// </summary>
    public int CheckpointsPerDecade { get; init; }
    /// <summary>eps of the end of the early phase (max_j |w_j| &gt; lambda^(1-eps)/sqrt(m)).</summary>
    public double EarlyPhaseEps { get; init; } = 0.5;
    /// <summary>Seed: the data, test set and initialization streams derive from it.</summary>
    public int Seed { get; init; } = 1;
    /// <summary>Test-set size (0 = none).</summary>
    public int TestN { get; init; } = 10_000;
    /// <summary>Whether test labels carry noise (default: no, so the test loss measures the distance to the teacher).</summary>
    public bool TestNoise { get; init; }

    /// <summary>The label noise sigma selects.</summary>
    public NoiseKind Noise => Sigma > 0 ? NoiseKind.Gaussian : NoiseKind.None;

    /// <summary>Whether the method integrates the gradient flow (rather than discrete steps).</summary>
    public bool IsFlow => Solver is Solver.Flow or Solver.FlowPlain;

    /// <summary>beta* (e_1 when not given).</summary>
    public double[] BetaOrDefault()
    {
        if (Beta is not null) return (double[])Beta.Clone();
        var b = new double[D];
        b[0] = 1;
        return b;
    }

    /// <summary>The data model (n and seed included).</summary>
    public DataModel Model()
    {
        double radius = Math.Sqrt(D);
        InputLaw input = DataModel switch
        {
            InputLawKind.Gaussian => InputLaw.StandardGaussian(),
            InputLawKind.ShiftedGaussian => InputLaw.ShiftedGaussian(Enumerable.Repeat(Shift / radius, D).ToArray()),
            InputLawKind.Sphere => InputLaw.Sphere(radius),
            InputLawKind.Orthogonal => InputLaw.Orthogonal(radius),
            InputLawKind.Ball => InputLaw.Ball(Math.Sqrt(D + 2)),
            InputLawKind.Rademacher => InputLaw.Rademacher(),
            _ => throw new ArgumentOutOfRangeException(nameof(DataModel), DataModel, "unknown input law"),
        };
        Data.Teacher teacher = Teacher switch
        {
            TeacherKind.Linear => Data.Teacher.Linear(BetaOrDefault()),
            TeacherKind.Relu => Data.Teacher.RandomRelu(D, TeacherUnits, Seed),
            _ => throw new ArgumentOutOfRangeException(nameof(Teacher), Teacher, "unknown teacher"),
        };
        NoiseModel noise = Noise == NoiseKind.Gaussian ? NoiseModel.Gaussian(Sigma) : NoiseModel.None();
        return new DataModel(input, teacher, noise, N, D, Seed);
    }

    /// <summary>The training set (stream 0 of the seed).</summary>
    public Dataset Train() => Model().Generate();

    /// <summary>The test set (stream 1 of the seed), noise-free unless <see cref="TestNoise"/>; null when testN = 0.</summary>
    public Dataset? Test()
    {
        if (TestN == 0) return null;
        var model = Model();
        return TestNoise ? model.GenerateTest(TestN, Seed) : model.GenerateNoiseFree(TestN, Seed, stream: 1);
    }

    /// <summary>A large noise-free sample (stream 2) for Monte Carlo estimates of population quantities.</summary>
    public Dataset Population(int size) => Model().GenerateNoiseFree(size, Seed, stream: 2);

    /// <summary>The initial parameters (docs/THEORY.md section 3), from a stream of the seed of their own.</summary>
    public NetworkParameters Initial()
        => Initialization.Create(Init, M, D, Lambda, Numerics.Rng.Mix64((ulong)Seed + InitStream));

    /// <summary>The options of the gradient flow (<see cref="Solver.Flow"/> and <see cref="Solver.FlowPlain"/>).</summary>
    public FlowOptions FlowOptions(Dataset? test) => new()
    {
        Horizon = Horizon,
        StationarityTolerance = StationarityTol,
        RelativeTolerance = Rtol,
        AbsoluteTolerance = Atol,
        Activation = Activation,
        Mode = Solver == Solver.FlowPlain ? FlowMode.Plain : FlowMode.Filippov,
        TestSet = test,
        PointsPerDecade = PointsPerDecade,
        Lambda = Lambda,
        EarlyPhaseEps = EarlyPhaseEps,
        MaxSteps = MaxSteps,
    };

    /// <summary>The options of gradient descent and Adam (<see cref="Solver.Gd"/>, <see cref="Solver.Adam"/>).</summary>
    public DiscreteTrainingOptions DiscreteOptions(Dataset? test) => new()
    {
        LearningRate = LearningRate,
        Horizon = Horizon,
        StationarityTolerance = StationarityTol,
        Activation = Activation,
        TestSet = test,
        PointsPerDecade = PointsPerDecade,
        Lambda = Lambda,
        EarlyPhaseEps = EarlyPhaseEps,
    };

    /// <summary>Everything a run needs: data, test set, initial parameters and the options of its training method.</summary>
    /// <exception cref="ArgumentException">An option is out of range or options contradict each other (<see cref="Validate"/>).</exception>
    public ExperimentSetup Build()
    {
        Validate();
        var train = Train();
        var test = Test();
        return new ExperimentSetup(this, Model(), train, test, Initial(),
            IsFlow ? FlowOptions(test) : null, IsFlow ? null : DiscreteOptions(test));
    }

    /// <summary>Throws an <see cref="ArgumentException"/> naming the first option out of its range or in contradiction with another.</summary>
    public void Validate()
    {
        foreach (var (range, value) in Ranges()) range.Check(value);
        foreach (var (field, value, message) in Inconsistencies())
            throw new ArgumentException($"{field} = {value}: {message}", field);
    }

    /// <summary>Each numeric option with its accepted range (<see cref="OptionRanges"/>).</summary>
    public IEnumerable<(OptionRange Range, double Value)> Ranges() =>
    [
        (OptionRanges.Shift, Shift), (OptionRanges.TeacherUnits, TeacherUnits), (OptionRanges.Sigma, Sigma),
        (OptionRanges.N, N), (OptionRanges.D, D), (OptionRanges.M, M), (OptionRanges.Lambda, Lambda),
        (OptionRanges.Rtol, Rtol), (OptionRanges.Atol, Atol), (OptionRanges.StationarityTol, StationarityTol),
        (OptionRanges.Horizon, Horizon), (OptionRanges.MaxSteps, MaxSteps), (OptionRanges.LearningRate, LearningRate),
        (OptionRanges.PointsPerDecade, PointsPerDecade), (OptionRanges.CheckpointsPerDecade, CheckpointsPerDecade), (OptionRanges.EarlyPhaseEps, EarlyPhaseEps),
        (OptionRanges.Seed, Seed), (OptionRanges.TestN, TestN),
    ];

    /// <summary>Constraints between options: the field to blame, its value and why.</summary>
    public IEnumerable<(string Field, string Value, string Message)> Inconsistencies()
    {
        if (CheckpointsPerDecade > 0 && (Solver != Solver.Flow || Activation != Activation.Relu))
            yield return ("checkpointsPerDecade", CheckpointsPerDecade.ToString(), "checkpoints are for the Filippov flow (solver flow) of a relu network");
        if (Beta is not null && Beta.Length != D)
            yield return ("beta", System.Text.Json.JsonSerializer.Serialize(Beta), $"beta* has length {Beta.Length}, but d = {D}");
        if (Beta is not null && Beta.All(x => x == 0))
            yield return ("beta", System.Text.Json.JsonSerializer.Serialize(Beta), "beta* must be a non-empty, non-zero vector");
        if (DataModel == InputLawKind.Orthogonal && N > D)
            yield return ("n", N.ToString(), $"orthogonal data needs n <= d (d = {D})");
        if ((long)N * D > 200_000_000)
            yield return ("n", N.ToString(), $"n*d = {(long)N * D} exceeds 2e8 (memory)");
        if ((long)TestN * D > 200_000_000)
            yield return ("testN", TestN.ToString(), $"testN*d = {(long)TestN * D} exceeds 2e8 (memory)");
        if ((long)M * (D + 1) > 100_000_000)
            yield return ("m", M.ToString(), $"m*(d+1) = {(long)M * (D + 1)} exceeds 1e8 (memory)");
        if (!IsFlow && Horizon / LearningRate > 1e11)
            yield return ("horizon", Horizon.ToString("R", System.Globalization.CultureInfo.InvariantCulture),
                $"horizon / learningRate = {Horizon / LearningRate:G3} steps exceeds 1e11");
    }
}

/// <summary>What <see cref="Experiment.Build"/> gives: one run's inputs, ready for its trainer.</summary>
/// <param name="Experiment">The experiment built.</param>
/// <param name="Model">The data model the sets were drawn from.</param>
/// <param name="Train">Training set.</param>
/// <param name="Test">Test set, or null when testN = 0.</param>
/// <param name="Initial">Initial parameters.</param>
/// <param name="Flow">Options of the gradient flow, or null for a discrete method.</param>
/// <param name="Discrete">Options of gradient descent or Adam, or null for the flow.</param>
public sealed record ExperimentSetup(Experiment Experiment, DataModel Model, Dataset Train, Dataset? Test, NetworkParameters Initial,
    FlowOptions? Flow, DiscreteTrainingOptions? Discrete);
