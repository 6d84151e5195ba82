using SimplicityBias.Dynamics.Network;
using SimplicityBias.Dynamics.Ode;
using SimplicityBias.Verify.Running;
using SimplicityBias.Verify.Specs;

namespace SimplicityBias.Verify.Tests;

/// <summary>Uses one trainer for every spec.</summary>
internal sealed class FixedFactory(ITrainer trainer) : ITrainerFactory
{
    public ITrainer For(ExperimentSpec spec) => trainer;
}

/// <summary>
/// A cheap stand-in for the integrator: returns the initial network unchanged, with a scripted
/// trajectory (decreasing loss unless told otherwise, zero balancedness drift).
/// </summary>
internal sealed class ScriptedTrainer : ITrainer
{
    public bool IncreasingLoss { get; init; }
    public OdeReturnCode Code { get; init; } = OdeReturnCode.SteadyState;
    public bool Throw { get; init; }
    /// <summary>Called before returning (e.g. to cancel a token mid-sweep).</summary>
    public Action<ExperimentSpec>? OnTrain { get; init; }
    private int calls;
    public int Calls => calls;

    public FlowResult Train(Dataset train, NetworkParameters initial, ExperimentSpec spec, Dataset? test, Action<TrajectoryPoint>? progress, CancellationToken cancel)
    {
        Interlocked.Increment(ref calls);
        if (Throw) throw new InvalidOperationException("scripted failure");
        OnTrain?.Invoke(spec);
        double l0 = initial.Loss(train);
        var traj = new List<TrajectoryPoint>();
        for (int i = 0; i < 5; i++)
        {
            double t = Math.Pow(10, i - 1);
            double loss = IncreasingLoss ? l0 * (1 + 0.1 * i) : l0 * (1 - 0.1 * i);
            var p = new TrajectoryPoint(t, loss, 1e-9, double.NaN, 1e-3, 0, 0, 0);
            traj.Add(p);
            progress?.Invoke(p);
        }
        var code = cancel.IsCancellationRequested ? OdeReturnCode.Cancelled : Code;
        return new FlowResult
        {
            Final = initial.Clone(), Code = code, Reason = "scripted", Time = 1000,
            Trajectory = traj, Statistics = new FlowStatistics { RhsEvaluations = 5 },
        };
    }
}

/// <summary>
/// A fake that returns the endpoint the theory predicts above the threshold: positive neurons all
/// along u+, negative ones along u-, with beta+- = OLS on the half-spaces, found by a few rounds of
/// the self-consistency u+ = OLS(S+(u+))/|.|. The early-phase network puts each neuron at lambda
/// scale on the nearest extremal-like direction (+-u+). Loss decays smoothly in log t.
/// </summary>
internal sealed class OlsFakeTrainer : ITrainer
{
    public FlowResult Train(Dataset train, NetworkParameters initial, ExperimentSpec spec, Dataset? test, Action<TrajectoryPoint>? progress, CancellationToken cancel)
    {
        int d = train.D, m = initial.M;
        var u = new double[d];
        u[0] = 1;
        double[] bPlus = new double[d], bMinus = new double[d];
        for (int it = 0; it < 20; it++)
        {
            var sPlus = new bool[train.N];
            for (int k = 0; k < train.N; k++) sPlus[k] = Dot(u, train.Row(k)) > 0;
            bPlus = Predictions.OlsOnSubset(train, sPlus) ?? new double[d];
            bMinus = Predictions.OlsOnSubset(train, sPlus.Select(b => !b).ToArray()) ?? new double[d];
            double nb = Math.Sqrt(Dot(bPlus, bPlus));
            if (nb == 0) break;
            u = bPlus.Select(x => x / nb).ToArray();
        }
        // Negative neurons point at -u (so their set is the complement); their output weights carry beta-
        // only along u, which is what a single direction can represent.
        int pos = Enumerable.Range(0, m).Count(j => initial.A(j) > 0), neg = m - pos;
        var fin = new NetworkParameters(m, d);
        var early = new NetworkParameters(m, d);
        double np = Math.Sqrt(Dot(bPlus, bPlus));
        double cm = Dot(bMinus, u); // a < 0 and w = |a| (-u) give a w = |a|^2 u, so count |a|^2 = <beta-, u>
        for (int j = 0; j < m; j++)
        {
            bool isPos = initial.A(j) > 0;
            int count = isPos ? pos : neg;
            double mag = isPos ? Math.Sqrt(np / count) : Math.Sqrt(Math.Abs(cm) / Math.Max(count, 1));
            double sign = isPos ? 1 : -1;
            fin.Theta[j * (d + 1)] = sign * mag;
            early.Theta[j * (d + 1)] = initial.A(j);
            var wInit = initial.W(j);
            double wn = Math.Sqrt(Dot(wInit, wInit));
            for (int i = 0; i < d; i++)
            {
                fin.Theta[j * (d + 1) + 1 + i] = mag * (isPos ? u[i] : -u[i]);
                early.Theta[j * (d + 1) + 1 + i] = wn * (isPos ? u[i] : -u[i]);
            }
        }
        double l0 = initial.Loss(train), l1 = fin.Loss(train);
        double t0 = test is null ? double.NaN : initial.Loss(test), t1 = test is null ? double.NaN : fin.Loss(test);
        var traj = new List<TrajectoryPoint>();
        for (int i = 0; i <= 24; i++)
        {
            double t = Math.Pow(10, -1 + i * 5.0 / 24);
            double s = 1 / (1 + Math.Exp(-(Math.Log10(t) - 1.3) * 4)); // flat early phase, then a drop
            var p = new TrajectoryPoint(t, l0 + (l1 - l0) * s, 1e-9, t0 + (t1 - t0) * s, 1, 0, 0, 0);
            traj.Add(p);
            progress?.Invoke(p);
        }
        return new FlowResult
        {
            Final = fin, Code = OdeReturnCode.SteadyState, Reason = "fake endpoint", Time = traj[^1].Time,
            Trajectory = traj, Statistics = new FlowStatistics(), EarlyPhaseEnd = early, EarlyPhaseTime = 5,
        };
    }

    private static double Dot(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        double s = 0;
        for (int i = 0; i < a.Length; i++) s += a[i] * b[i];
        return s;
    }
}

/// <summary>Temporary directory deleted at dispose.</summary>
internal sealed class TempDir : IDisposable
{
    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "simbias-tests-" + Guid.NewGuid().ToString("N"));
    public TempDir() => Directory.CreateDirectory(Path);
    public string this[string name] => System.IO.Path.Combine(Path, name);
    public void Dispose() { try { Directory.Delete(Path, true); } catch (IOException) { } }
}

/// <summary>The repository's root (where SimplicityBias.Theory.sln is), for tests that read committed files.</summary>
internal static class Repository
{
    public static string Root()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(System.IO.Path.Combine(dir.FullName, "SimplicityBias.Theory.sln"))) dir = dir.Parent;
        Assert.NotNull(dir);
        return dir!.FullName;
    }
}
