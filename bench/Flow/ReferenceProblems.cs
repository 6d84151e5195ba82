using SimplicityBias.Dynamics.Network;
using SimplicityBias.Theory.Data;

namespace SimplicityBias.Bench.Flow;

/// <summary>
/// The gradient-flow reference problems of the performance issue: x ~ N(0, I_d), beta* = e_1,
/// y = &lt;beta*, x&gt; + N(0, 1), balanced init with lambda = 1e-3, fixed seeds.
/// R1: d = 5, n = 500, m = 100. R2: same with n = 5,000. R3: d = 10, n = 25,000, m = 200.
/// F10: d = 10, n = 25,000, m = 100, the shape of the full reproduction's d = 10 run (its own data and seeds).
/// </summary>
public static class ReferenceProblems
{
    /// <summary>Data seed of every reference problem.</summary>
    public const long DataSeed = 1;
    /// <summary>Initialization seed of every reference problem.</summary>
    public const ulong InitSeed = 2;
    /// <summary>Initialization scale.</summary>
    public const double Lambda = 1e-3;

    /// <summary>Shape of a reference problem by name.</summary>
    public static (int N, int D, int M) Shape(string name) => name switch
    {
        "r1" => (500, 5, 100),
        "r2" => (5_000, 5, 100),
        "r3" => (25_000, 10, 200),
        "f10" => (25_000, 10, 100),
        "n1m" => (1_000_000, 10, 100),
        _ => throw new ArgumentException($"unknown reference problem '{name}' (r1, r2, r3, f10, n1m)", nameof(name)),
    };

    /// <summary>
    /// Training data, a 10,000-point test set and the initial parameters of a reference problem. Seed s &gt; 0 draws
    /// another instance of the same shape (data seed DataSeed + s, initialization seed InitSeed + s); 0 is the problem itself.
    /// </summary>
    public static (Dataset Train, Dataset Test, NetworkParameters Init) Build(string name, int seed = 0)
    {
        var (n, d, m) = Shape(name);
        var model = DataModel.StandardLinear(n, d, 1.0, DataSeed + seed);
        return (model.Generate(), model.GenerateTest(10_000), Initialization.Create(InitKind.Balanced, m, d, Lambda, InitSeed + (ulong)seed));
    }

    /// <summary>
    /// `bench r1|r2|r3 [--horizon T] [--rtol R] [--stationarity G] [--plain] [--no-stiff] [--quiet] [--save-final FILE] [--spread K] [--seeds K] [--seed S] [--field auto|direct|block]`:
    /// integrates to stationarity (|grad| &lt;= G, default 1e-8; 0 runs to the horizon) or the horizon (default 1e5) and
    /// ends with one summary line; --save-final writes
    /// the endpoint as CSV (a,w1..wd rows); --spread K runs K tolerances from 0.8 rtol to 1.25 rtol instead (see
    /// <see cref="Spread"/>); --seeds K runs K other instances of the problem's shape (<see cref="Spread.RunSeeds"/>), --seed S the S-th alone.
    /// </summary>
    public static int Run(string[] args)
    {
        string name = args[0];
        double horizon = Option(args, "--horizon", 1e5), rtol = Option(args, "--rtol", 1e-6);
        int spread = (int)Option(args, "--spread", 0);
        if (spread > 0) return Spread.Run(name, horizon, rtol, spread, args);
        int seeds = (int)Option(args, "--seeds", 0);
        if (seeds > 0) return Spread.RunSeeds(name, horizon, rtol, seeds, args);
        bool quiet = args.Contains("--quiet");
        var (res, cpu) = Integrate(name, horizon, rtol, args, quiet ? null : p =>
            Console.WriteLine($"t={p.Time,11:G5} loss={p.Loss:G8} test={p.TestLoss:G6} grad={p.GradNorm:G3} max|w|={p.MaxNeuronNorm:G3} sliding={p.SlidingPairs} crossings={p.Crossings}"));
        var s = res.Statistics;
        int save = Array.IndexOf(args, "--save-final");
        if (save >= 0 && save + 1 < args.Length) Export.SaveTheta(res.Final, args[save + 1]);
        Console.WriteLine($"{res.Code}: {res.Reason}");
        Console.WriteLine($"accepted={s.AcceptedSteps} rejected={s.RejectedSteps} (crossings {s.CrossingRejections}) resweeps={s.Resweeps} retained={s.RetainedReleases} stiff={s.StiffSteps} switches={s.StiffSwitches} rho-estimates={s.SpectralRadiusEstimates} crossings={s.Crossings} captures={s.Captures} releases={s.Releases} recaptures={s.Recaptures} refused={s.RefusedCaptures} at-origin={s.NeuronsAtOrigin} max-sliding={s.MaxSlidingPairs} max-loss-increase={s.MaxLossIncrease:G3} balancedness-defect={s.MaxBalancednessDefect:G3} test={res.Trajectory[^1].TestLoss:G8} field={s.FieldBackend} switches={s.FieldBackendSwitches} block-rhs={s.BlockEvaluations} block-updates={s.BlockPairUpdates} block-rebuilds={s.BlockRebuilds} near-list-updates={s.NearListUpdates} near-list-builds={s.NearListBuilds} residuals-on-demand={s.ResidualsOnDemand}");
        Console.WriteLine(SummaryLine(name, res, cpu));
        return 0;
    }

    /// <summary>One integration of a reference problem with the bench's options; returns the result and its CPU seconds.</summary>
    internal static (FlowResult Result, double Cpu) Integrate(string name, double horizon, double rtol, string[] args, Action<TrajectoryPoint>? progress, int seed = 0)
    {
        var (train, test, init) = Build(name, seed > 0 ? seed : (int)Option(args, "--seed", 0));
        int from = Array.IndexOf(args, "--from");
        if (from >= 0 && from + 1 < args.Length) init = LoadTheta(args[from + 1], init.M, init.D);
        var options = new FlowOptions
        {
            Horizon = horizon, RelativeTolerance = rtol, AbsoluteTolerance = Option(args, "--atol", 1e-10), MaxStepSize = Option(args, "--max-step", double.PositiveInfinity), Lambda = Lambda, TestSet = test,
            Mode = args.Contains("--plain") ? FlowMode.Plain : FlowMode.Filippov,
            StiffSwitching = !args.Contains("--no-stiff"), DenseOutputCrossings = args.Contains("--dense-crossings"),
            StationarityTolerance = Option(args, "--stationarity", 1e-8),
            FieldBackend = FieldOption(args),
            StiffMethod = args.Contains("--rosenbrock") ? StiffMethod.LowRankRosenbrock : StiffMethod.Chebyshev,
        };
        double cpu0 = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds;
        var res = GradientFlow.Integrate(train, init, options, progress);
        return (res, System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds - cpu0);
    }

    /// <summary>The one-line summary: `R1 rhs=... jac=... t=... loss=... grad=... wall=...` (and cpu=), for the flow and gradient descent alike.</summary>
    internal static string SummaryLine(string name, FlowResult res, double cpu)
    {
        var s = res.Statistics;
        return FormattableString.Invariant($"{name.ToUpperInvariant()} rhs={s.RhsEvaluations} jac={s.JacobianEvaluations} t={res.Time:G6} loss={res.FinalLoss:G10} grad={res.FinalGradNorm:G3} wall={s.WallSeconds:F2} cpu={cpu:F2}");
    }

    /// <summary>Parameters saved by --save-final (CSV a,w1..wd), to start a run from them.</summary>
    static NetworkParameters LoadTheta(string path, int m, int d)
    {
        var rows = File.ReadAllLines(path).Skip(1).Where(l => l.Length > 0).ToArray();
        if (rows.Length != m) throw new ArgumentException($"--from {path}: {rows.Length} neurons, the problem has m = {m}");
        var theta = rows.SelectMany(l => l.Split(',').Select(v => double.Parse(v, System.Globalization.CultureInfo.InvariantCulture))).ToArray();
        if (theta.Length != m * (d + 1)) throw new ArgumentException($"--from {path}: {theta.Length} values, expected m (d + 1) = {m * (d + 1)}");
        return new NetworkParameters(m, d, theta);
    }

    /// <summary>`--field auto|direct|block|grouped` (default auto).</summary>
    internal static FieldBackend FieldOption(string[] args)
    {
        int i = Array.IndexOf(args, "--field");
        if (i < 0 || i + 1 >= args.Length) return FieldBackend.Auto;
        return Enum.TryParse<FieldBackend>(args[i + 1], ignoreCase: true, out var b) && Enum.IsDefined(b) ? b
            : throw new ArgumentException($"--field must be auto, direct, block or grouped, got '{args[i + 1]}'");
    }

    /// <summary>The number after <paramref name="name"/> in the arguments, or the fallback.</summary>
    internal static double Option(string[] args, string name, double fallback)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? double.Parse(args[i + 1], System.Globalization.CultureInfo.InvariantCulture) : fallback;
    }
}
