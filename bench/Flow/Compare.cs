using SimplicityBias.Dynamics.Network;

namespace SimplicityBias.Bench.Flow;

/// <summary>The integrated flow against gradient descent at learning rates 1e-3, 1e-4, 1e-5 on a small random problem (first-order convergence check).</summary>
public static class Compare
{
    static double Normal(Random r) { double u1 = 1 - r.NextDouble(), u2 = r.NextDouble(); return Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2); }

    public static int Run(string[] args)
    {
        int n = int.Parse(args[1]), d = int.Parse(args[2]), m = int.Parse(args[3]);
        double horizon = double.Parse(args[4]);
        int seed = int.Parse(args[5]);
        var rng = new Random(seed);
        var x = new double[n * d]; var y = new double[n];
        for (int k = 0; k < n; k++) { for (int i = 0; i < d; i++) x[k * d + i] = Normal(rng); y[k] = x[k * d] + Normal(rng); }
        var data = new Dataset(n, d, x, y);
        var theta = new double[m * (d + 1)];
        double lambda = 1e-2;
        for (int j = 0; j < m; j++)
        {
            double nn = 0;
            for (int i = 0; i < d; i++) { double w = Normal(rng); theta[j * (d + 1) + 1 + i] = lambda * w / Math.Sqrt(m); nn += w * w; }
            theta[j * (d + 1)] = (rng.NextDouble() < 0.5 ? -1 : 1) * lambda * Math.Sqrt(nn) / Math.Sqrt(m);
        }
        var init = new NetworkParameters(m, d, theta);
        var flow = GradientFlow.Integrate(data, init, new FlowOptions { Horizon = horizon, RelativeTolerance = double.Parse(Environment.GetEnvironmentVariable("SBT_RTOL") ?? "1e-9"), AbsoluteTolerance = 1e-13 });
        Console.WriteLine($"flow   loss={flow.FinalLoss:G10} code={flow.Code} caps={flow.Statistics.Captures} rel={flow.Statistics.Releases} cross={flow.Statistics.Crossings}");
        double[]? prev = null;
        foreach (var lr in new[] { 1e-3, 1e-4, 1e-5 })
        {
            var th = (double[])theta.Clone();
            var kern = new GradientKernel(data, m);
            var g = new double[th.Length];
            long steps = (long)Math.Round(horizon / lr);
            double l = 0;
            for (long s = 0; s < steps; s++) { l = kern.Evaluate(th, g); for (int i = 0; i < g.Length; i++) th[i] -= lr * g[i]; }
            l = kern.Evaluate(th, g);
            double diff = 0; for (int i = 0; i < th.Length; i++) diff = Math.Max(diff, Math.Abs(th[i] - flow.Final.Theta[i]));
            double dprev = 0; if (prev != null) for (int i = 0; i < th.Length; i++) dprev = Math.Max(dprev, Math.Abs(th[i] - prev[i]));
            prev = th;
            Console.WriteLine($"gd {lr:G2} loss={l:G10} maxdiff={diff:G3} vs previous gd {dprev:G3}");
        }
        return 0;
    }
}
