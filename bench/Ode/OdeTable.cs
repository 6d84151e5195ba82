using System.Globalization;
using System.Text;
using SimplicityBias.Dynamics.Ode;

namespace SimplicityBias.Bench.Ode;

/// <summary>
/// Work counts (f evaluations, Jacobians, LUs, accepted/rejected steps) of the project's ODE solvers on Arenstorf,
/// Van der Pol (mu = 1000) and Robertson, next to SciPy solve_ivp at the same tolerances (read from
/// scipy_results.csv, written by scipy_compare.py). Prints a markdown table and writes bench/Ode/RESULTS.md.
/// Usage: OdeTable.Run([--dir bench/Ode]).
/// </summary>
public static class OdeTable
{
    private const double Mu = 0.012277471;
    private const double ArenstorfPeriod = 17.0652165601579625588917206249;
    private static readonly double[] ArenstorfY0 = [0.994, 0.0, 0.0, -2.00158510637908252240537862224];
    private static readonly double[] VdpReference = [1.706167732170469, -0.8928097010248125];
    private static readonly double[] Robertson1e5 = [0.1786592114209946e-01, 0.7274751468436319e-07, 0.9821340061103859e+00];
    private static readonly double[] Robertson1e11 = [0.2083340149701255e-07, 0.8333360770334713e-13, 0.9999999791665050];

    private sealed record Row(string Problem, double Rtol, string Method, OdeStatistics Stats, double Error, string ScipyMethod);
    private sealed record ScipyRow(string Method, long Nfev, long Njev, long Nlu, long Steps, string Error);

    /// <summary>Runs the table; returns 0.</summary>
    public static int Run(string[] args)
    {
        string dir = FindDir(args);
        var rows = new List<Row>();
        foreach (double tol in new[] { 1e-6, 1e-10 })
        {
            var opt = new OdeOptions { RelativeTolerance = tol, AbsoluteTolerance = tol };
            rows.Add(Arenstorf(tol, new Dopri5(), opt, "RK45"));
            rows.Add(Arenstorf(tol, new Dop853(), opt, "DOP853"));
        }
        foreach (double tol in new[] { 1e-6, 1e-8 })
        {
            var vdpOpt = new OdeOptions { RelativeTolerance = tol, AbsoluteTolerance = tol, MaxSteps = 20_000_000 };
            rows.Add(Vdp(tol, new Rodas4(), vdpOpt, "Radau"));
            rows.Add(Vdp(tol, new AutoSwitch(), vdpOpt, "LSODA"));
            if (tol == 1e-6) rows.Add(Vdp(tol, new Dopri5(), vdpOpt, ""));
            var robOpt = new OdeOptions { RelativeTolerance = tol, AbsoluteTolerances = [tol * 1e-2, tol * 1e-6, tol * 1e-2] };
            rows.Add(Rober(tol, 1e5, new Rodas4(), robOpt, "Radau"));
            rows.Add(Rober(tol, 1e5, new AutoSwitch(), robOpt, "LSODA"));
        }
        rows.Add(Rober(1e-8, 1e11, new Rodas4(), new OdeOptions { RelativeTolerance = 1e-8, AbsoluteTolerances = [1e-16, 1e-22, 1e-16] }, ""));

        var scipy = ReadScipy(Path.Combine(dir, "scipy_results.csv"), out string scipyVersion);
        var sb = new StringBuilder();
        sb.AppendLine("# ODE solver work counts");
        sb.AppendLine();
        sb.AppendLine("Produced by `SimplicityBias.Bench.Ode.OdeTable.Run` (bench/Ode/OdeTable.cs); SciPy columns from");
        sb.AppendLine($"bench/Ode/scipy_results.csv written by bench/Ode/scipy_compare.py ({scipyVersion}). Same problems, tolerances");
        sb.AppendLine("and error norm (RMS of err_i / (atol_i + rtol max(|y_i|, |ynew_i|)), scalar atol = rtol unless noted).");
        sb.AppendLine("Error: Arenstorf max |y(T) - y(0)| after one period; Van der Pol (eps = 1e-6, t = 2) and Robertson: max relative");
        sb.AppendLine("error against the published reference. Robertson atol = rtol x [1e-2, 1e-6, 1e-2]. nf includes finite-difference");
        sb.AppendLine("and initial-step evaluations; Jacobians are analytic for the stiff problems on both sides. Ratio = our nf / SciPy nfev.");
        sb.AppendLine();
        sb.AppendLine("| problem | rtol | method | nf | njac | nLU | accepted | rejected | error | SciPy method | SciPy nfev | SciPy njev/nlu | SciPy steps | SciPy error | nf ratio |");
        sb.AppendLine("|---|---|---|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|");
        foreach (Row r in rows)
        {
            scipy.TryGetValue((r.Problem, r.Rtol.ToString("R", CultureInfo.InvariantCulture), r.ScipyMethod), out ScipyRow? s);
            string ratio = s != null && s.Nfev > 0 ? ((double)r.Stats.FunctionEvaluations / s.Nfev).ToString("F2", CultureInfo.InvariantCulture) : "";
            sb.Append($"| {r.Problem} | {r.Rtol:G0} | {r.Method} | {r.Stats.FunctionEvaluations} | {r.Stats.JacobianEvaluations} | {r.Stats.LuFactorizations} | ");
            sb.Append($"{r.Stats.AcceptedSteps} | {r.Stats.RejectedSteps} | {r.Error:G2} | ");
            sb.AppendLine(s != null
                ? $"{s.Method} | {s.Nfev} | {s.Njev}/{s.Nlu} | {s.Steps} | {s.Error} | {ratio} |"
                : " |  |  |  |  |  |");
        }
        string table = sb.ToString();
        Console.Write(table);
        string path = Path.Combine(dir, "RESULTS.md");
        string tmp = path + ".tmp";
        File.WriteAllText(tmp, table);
        File.Move(tmp, path, overwrite: true);
        Console.WriteLine($"written {path}");
        return 0;
    }

    private static string FindDir(string[] args)
    {
        int i = Array.IndexOf(args, "--dir");
        if (i >= 0 && i + 1 < args.Length) return args[i + 1];
        for (var d = new DirectoryInfo(Directory.GetCurrentDirectory()); d != null; d = d.Parent)
        {
            string candidate = Path.Combine(d.FullName, "bench", "Ode");
            if (File.Exists(Path.Combine(candidate, "scipy_compare.py"))) return candidate;
        }
        return Directory.GetCurrentDirectory();
    }

    private static Dictionary<(string, string, string), ScipyRow> ReadScipy(string path, out string version)
    {
        var map = new Dictionary<(string, string, string), ScipyRow>();
        version = "not found";
        if (!File.Exists(path)) return map;
        foreach (string line in File.ReadLines(path))
        {
            if (line.StartsWith("# ", StringComparison.Ordinal)) { version = line[2..].Trim(); continue; }
            string[] f = line.Split(',');
            if (f.Length < 9 || f[0] == "problem") continue;
            string rtol = double.Parse(f[1], CultureInfo.InvariantCulture).ToString("R", CultureInfo.InvariantCulture);
            map[(f[0], rtol, f[2])] = new ScipyRow(f[2], long.Parse(f[3], CultureInfo.InvariantCulture), long.Parse(f[4], CultureInfo.InvariantCulture),
                long.Parse(f[5], CultureInfo.InvariantCulture), long.Parse(f[6], CultureInfo.InvariantCulture), f[8]);
        }
        return map;
    }

    private static Row Arenstorf(double tol, OdeAlgorithm alg, OdeOptions opt, string scipyMethod)
    {
        var p = new OdeProblem((t, y, dy) =>
        {
            const double mup = 1 - Mu;
            double d1 = (y[0] + Mu) * (y[0] + Mu) + y[1] * y[1], d2 = (y[0] - mup) * (y[0] - mup) + y[1] * y[1];
            d1 *= Math.Sqrt(d1);
            d2 *= Math.Sqrt(d2);
            dy[0] = y[2];
            dy[1] = y[3];
            dy[2] = y[0] + 2 * y[3] - mup * (y[0] + Mu) / d1 - Mu * (y[0] - mup) / d2;
            dy[3] = y[1] - 2 * y[2] - mup * y[1] / d1 - Mu * y[1] / d2;
        }, ArenstorfY0, 0, ArenstorfPeriod) { IsAutonomous = true };
        var sol = OdeSolver.Solve(p, alg, opt);
        double err = 0;
        for (int i = 0; i < 4; i++) err = Math.Max(err, Math.Abs(sol.Final[i] - ArenstorfY0[i]));
        return new Row("Arenstorf", tol, alg.Name, sol.Statistics, err, scipyMethod);
    }

    private static Row Vdp(double tol, OdeAlgorithm alg, OdeOptions opt, string scipyMethod)
    {
        const double eps = 1e-6;
        var p = new OdeProblem(
            (t, y, dy) => { dy[0] = y[1]; dy[1] = ((1 - y[0] * y[0]) * y[1] - y[0]) / eps; },
            [2.0, 0.0], 0, 2,
            (t, y, j) => { j[0] = 0; j[1] = 1; j[2] = (-2 * y[0] * y[1] - 1) / eps; j[3] = (1 - y[0] * y[0]) / eps; })
        { IsAutonomous = true };
        var sol = OdeSolver.Solve(p, alg, opt);
        return new Row("VanDerPol mu=1000", tol, alg.Name, sol.Statistics, MaxRel(sol.Final, VdpReference), scipyMethod);
    }

    private static Row Rober(double tol, double t1, OdeAlgorithm alg, OdeOptions opt, string scipyMethod)
    {
        var p = new OdeProblem(
            (t, y, dy) =>
            {
                dy[0] = -0.04 * y[0] + 1e4 * y[1] * y[2];
                dy[2] = 3e7 * y[1] * y[1];
                dy[1] = -dy[0] - dy[2];
            },
            [1.0, 0.0, 0.0], 0, t1,
            (t, y, j) =>
            {
                j[0] = -0.04; j[1] = 1e4 * y[2]; j[2] = 1e4 * y[1];
                j[3] = 0.04; j[4] = -1e4 * y[2] - 6e7 * y[1]; j[5] = -1e4 * y[1];
                j[6] = 0; j[7] = 6e7 * y[1]; j[8] = 0;
            })
        { IsAutonomous = true };
        var sol = OdeSolver.Solve(p, alg, opt);
        string name = t1 == 1e5 ? "Robertson 1e5" : "Robertson 1e11 (atol 1e-16/1e-22)";
        return new Row(name, tol, alg.Name, sol.Statistics, MaxRel(sol.Final, t1 == 1e5 ? Robertson1e5 : Robertson1e11), scipyMethod);
    }

    private static double MaxRel(double[] y, double[] reference)
    {
        double m = 0;
        for (int i = 0; i < y.Length; i++) m = Math.Max(m, Math.Abs(y[i] - reference[i]) / Math.Abs(reference[i]));
        return m;
    }
}
