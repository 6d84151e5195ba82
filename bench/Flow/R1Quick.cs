using SimplicityBias.Dynamics.Network;

namespace SimplicityBias.Bench.Flow;

/// <summary>Temporary R1 harness (until the data models land).</summary>
public static class R1Quick
{
    static double Normal(Random r) { double u1 = 1 - r.NextDouble(), u2 = r.NextDouble(); return Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2); }

    public static int Run(string[] args)
    {
        int n = args.Length > 1 ? int.Parse(args[1]) : 500, d = 5, m = 100;
        double horizon = args.Length > 2 ? double.Parse(args[2]) : 1e4;
        var rng = new Random(1);
        var x = new double[n * d]; var y = new double[n];
        for (int k = 0; k < n; k++) { for (int i = 0; i < d; i++) x[k * d + i] = Normal(rng); y[k] = x[k * d] + Normal(rng); }
        var data = new Dataset(n, d, x, y);
        var theta = new double[m * (d + 1)];
        double lambda = 1e-3;
        for (int j = 0; j < m; j++)
        {
            double nn = 0;
            for (int i = 0; i < d; i++) { double w = Normal(rng); theta[j * (d + 1) + 1 + i] = lambda * w / Math.Sqrt(m); nn += w * w; }
            theta[j * (d + 1)] = (rng.NextDouble() < 0.5 ? -1 : 1) * lambda * Math.Sqrt(nn) / Math.Sqrt(m);
        }
        if (args.Contains("gd"))
        {
            double lr = double.Parse(args[4]);
            var kern = new GradientKernel(data, m);
            var g = new double[theta.Length];
            long steps = (long)Math.Round(horizon / lr);
            double next = 1e-3;
            for (long s2 = 0; s2 <= steps; s2++)
            {
                double l = kern.Evaluate(theta, g);
                double t2 = s2 * lr;
                if (t2 >= next || s2 == steps) { Console.WriteLine($"gd t={t2:G4} loss={l:G8} grad={Math.Sqrt(g.Sum(v => v * v)):G3}"); next *= Math.Pow(10, 0.125); }
                for (int i = 0; i < g.Length; i++) theta[i] -= lr * g[i];
            }
            return 0;
        }
        var opt = new FlowOptions { Horizon = horizon, Lambda = lambda, Mode = args.Contains("plain") ? FlowMode.Plain : FlowMode.Filippov, MaxSteps = 2_000_000, RelativeTolerance = double.Parse(Environment.GetEnvironmentVariable("SBT_RTOL") ?? "1e-6") };
        var res = GradientFlow.Integrate(data, new NetworkParameters(m, d, theta), opt, p =>
            Console.WriteLine($"t={p.Time,10:G4} loss={p.Loss:G6} grad={p.GradNorm:G3} maxw={p.MaxNeuronNorm:G3} slide={p.SlidingPairs} cross={p.Crossings} drift={p.BalancednessDrift:G2}"));
        if (Environment.GetEnvironmentVariable("SBT_DUMP") is { } dump) File.WriteAllLines(dump, res.Final.Theta.Select(v => v.ToString("R")));
        var s = res.Statistics;
        Console.WriteLine($"{res.Code}: {res.Reason}");
        Console.WriteLine($"accepted={s.AcceptedSteps} rejected={s.RejectedSteps} crossings={s.Crossings} captures={s.Captures} releases={s.Releases} refused={s.RefusedCaptures} maxslide={s.MaxSlidingPairs} maxLossInc={s.MaxLossIncrease:G3} balDefect={s.MaxBalancednessDefect:G3}");
        Console.WriteLine($"R1 rhs={s.RhsEvaluations} jac={s.JacobianEvaluations} t={res.Time:G6} loss={res.FinalLoss:G8} grad={res.FinalGradNorm:G3} wall={s.WallSeconds:F2}");
        return 0;
    }
}
