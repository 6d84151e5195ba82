using System.Globalization;
using System.Text;
using SimplicityBias.Dynamics.Network;
using SimplicityBias.Theory.Data;
using SimplicityBias.Theory.Numerics;

namespace SimplicityBias.Theory.Tests.Properties;

/// <summary>
/// One generated case: a data model, an initialization and the flow's options, named and built the way
/// the command line's experiment spec (src/Verify/SPEC.md) does, so a shrunk counterexample printed by
/// <see cref="ToJson"/> can be replayed with `simbias run case.json`:
/// - dataModel gaussian N(0, I); shifted-gaussian N(shift (1..1)/sqrt(d), I); sphere (radius sqrt(d));
///   orthogonal (n &lt;= d, norm sqrt(d)); and, as an extension simbias does not accept, rademacher (+-1 coordinates);
/// - teacher linear (beta, null = e_1) or relu (teacherUnits random units drawn from the seed);
/// - the data use the seed's streams 0 (train) and 1 (test); the initialization uses
///   Rng.Mix64(seed + 11), the same derivation as the command line.
/// </summary>
public sealed record ExperimentCase
{
    public string DataModel { get; init; } = "gaussian";
    public double Shift { get; init; } = 1.0;
    public string Teacher { get; init; } = "linear";
    public double[]? Beta { get; init; }
    public int TeacherUnits { get; init; } = 5;
    public double Sigma { get; init; } = 1.0;
    public int N { get; init; } = 50;
    public int D { get; init; } = 2;
    public int M { get; init; } = 10;
    public double Lambda { get; init; } = 1e-3;
    public string Init { get; init; } = "balanced";
    public double Rtol { get; init; } = 1e-6;
    public double Atol { get; init; } = 1e-10;
    public double StationarityTol { get; init; } = 1e-8;
    public double Horizon { get; init; } = 1e4;
    public int Seed { get; init; } = 1;
    /// <summary>Solver named in the JSON (flow, flow-plain, gd); informative, the property decides what it runs.</summary>
    public string Solver { get; init; } = "flow";
    /// <summary>Learning rate for gd cases (printed only when Solver = gd).</summary>
    public double LearningRate { get; init; } = 0.01;
    /// <summary>Whether the case uses a network at all (false: data-only properties print no m, lambda, init, horizon).</summary>
    public bool HasNetwork { get; init; } = true;

    /// <summary>The init stream of the command line (ProvisionalInitialization.InitStream).</summary>
    public const ulong InitStream = 11;

    public double[] BetaOrDefault()
    {
        if (Beta is not null) return (double[])Beta.Clone();
        var b = new double[D];
        b[0] = 1;
        return b;
    }

    public InputLaw InputLaw() => DataModel switch
    {
        "gaussian" => Data.InputLaw.StandardGaussian(),
        "shifted-gaussian" => Data.InputLaw.ShiftedGaussian(Enumerable.Repeat(Shift / Math.Sqrt(D), D).ToArray()),
        "sphere" => Data.InputLaw.Sphere(Math.Sqrt(D)),
        "orthogonal" => Data.InputLaw.Orthogonal(Math.Sqrt(D)),
        "rademacher" => Data.InputLaw.Rademacher(),
        "ball" => Data.InputLaw.Ball(Math.Sqrt(D + 2)),
        _ => throw new ArgumentException($"dataModel: unknown value '{DataModel}'", nameof(DataModel)),
    };

    public Teacher TeacherModel() => Teacher switch
    {
        "linear" => Data.Teacher.Linear(BetaOrDefault()),
        "relu" => Data.Teacher.RandomRelu(D, TeacherUnits, Seed),
        _ => throw new ArgumentException($"teacher: unknown value '{Teacher}'", nameof(Teacher)),
    };

    public DataModel Model() =>
        new(InputLaw(), TeacherModel(), Sigma > 0 ? NoiseModel.Gaussian(Sigma) : NoiseModel.None(), N, D, Seed);

    public Dataset Train() => Model().Generate();

    /// <summary>A noise-free test set (stream 1), as the command line builds it by default.</summary>
    public Dataset Test(int nTest) => Model().GenerateNoiseFree(nTest, Seed, stream: 1);

    public InitKind InitKind() => Init switch
    {
        "balanced" => Dynamics.Network.InitKind.Balanced,
        "dominated" => Dynamics.Network.InitKind.Dominated,
        "unbalanced" => Dynamics.Network.InitKind.Unbalanced,
        _ => throw new ArgumentException($"init: unknown value '{Init}'", nameof(Init)),
    };

    public NetworkParameters Initial() => Initialization.Create(InitKind(), M, D, Lambda, Rng.Mix64((ulong)Seed + InitStream));

    public FlowOptions FlowOptions(FlowMode mode = FlowMode.Filippov) => new()
    {
        Horizon = Horizon, RelativeTolerance = Rtol, AbsoluteTolerance = Atol,
        StationarityTolerance = StationarityTol, Lambda = Lambda, Mode = mode,
    };

    /// <summary>The case as an experiment JSON object with the command line's field names.</summary>
    public string ToJson()
    {
        var sb = new StringBuilder("{");
        void Str(string k, string v) => sb.Append(sb.Length > 1 ? ", " : "").Append('"').Append(k).Append("\": \"").Append(v).Append('"');
        void Num(string k, double v) => sb.Append(sb.Length > 1 ? ", " : "").Append('"').Append(k).Append("\": ").Append(F(v));
        Str("dataModel", DataModel);
        if (DataModel == "shifted-gaussian") Num("shift", Shift);
        Str("teacher", Teacher);
        if (Teacher == "linear" && Beta is not null)
            sb.Append(", \"beta\": [").Append(string.Join(", ", Beta.Select(F))).Append(']');
        if (Teacher == "relu") Num("teacherUnits", TeacherUnits);
        Num("sigma", Sigma);
        Num("n", N);
        Num("d", D);
        if (HasNetwork)
        {
            Num("m", M);
            Num("lambda", Lambda);
            Str("init", Init);
            Str("solver", Solver);
            if (Solver == "gd") Num("learningRate", LearningRate);
            else { Num("rtol", Rtol); Num("atol", Atol); Num("stationarityTol", StationarityTol); }
            Num("horizon", Horizon);
        }
        Num("seed", Seed);
        Num("testN", 0);
        return sb.Append('}').ToString();
    }

    private static string F(double v) => v.ToString("R", CultureInfo.InvariantCulture);

    public override string ToString() => ToJson();
}
