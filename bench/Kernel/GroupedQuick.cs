using System.Diagnostics;
using System.Globalization;
using SimplicityBias.Dynamics.Network;

namespace SimplicityBias.Bench.Kernel;

/// <summary>
/// The grouped form against the direct kernel on the patterns of a late phase: the neurons are B base directions
/// plus a relative perturbation of size S, so their patterns differ from their base's on a few samples. Prints one
/// evaluation each (CPU time of the process, medians, so a loaded machine distorts it little), the grouping found,
/// the differing pairs and the cost of a regrouping.
/// Usage: Bench grouped-quick [--size n,m,d] [--bases B] [--spread S] [--repeats R]
/// </summary>
public static class GroupedQuick
{
    public static int Run(string[] args)
    {
        var (n, m, d) = (25_000, 200, 10);
        int bases = 2, repeats = 5;
        double spread = 0.01;
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--size" when i + 1 < args.Length: (n, m, d) = QuickProblem.ParseSize(args[++i]); break;
                case "--bases" when i + 1 < args.Length: bases = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--spread" when i + 1 < args.Length: spread = double.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--repeats" when i + 1 < args.Length: repeats = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                default: Console.Error.WriteLine($"grouped-quick: unknown argument '{args[i]}'"); return 2;
            }
        }
        var rng = new SeededRandom(7);
        var data = QuickProblem.Data(n, d, rng);
        var x = data.X;
        var u = new double[bases * d];
        rng.FillGaussian(u);
        var theta = new double[m * (d + 1)];
        for (int j = 0; j < m; j++)
        {
            theta[j * (d + 1)] = rng.NextGaussian();
            for (int q = 0; q < d; q++) theta[j * (d + 1) + 1 + q] = u[j % bases * d + q] + spread * rng.NextGaussian();
        }
        var kernel = new GradientKernel(data, m);
        var mask = new ActivationMask(m, n, kernel.PaddedNeurons);
        for (int j = 0; j < m; j++)
            for (int k = 0; k < n; k++)
            {
                double z = 0;
                for (int q = 0; q < d; q++) z += theta[j * (d + 1) + 1 + q] * x[k * d + q];
                mask.Set(j, k, z > 0);
            }
        var grad = new double[theta.Length];
        var grouped = new GroupedField(data, m);
        double regroup = Median(repeats, () => grouped.Regroup(mask));
        double direct = Median(repeats, () => kernel.EvaluateMasked(theta, grad, mask));
        double form = Median(repeats, () => grouped.Evaluate(theta, grad, mask));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"n={n} m={m} d={d} bases={bases} spread={spread}: direct {direct * 1e3:F3} ms, grouped {form * 1e3:F3} ms ({direct / form:F1}x; {grouped.Groups} groups, {grouped.DifferingPairs} differing pairs, {grouped.OperationsPerEvaluation():G3} operations against {4.0 * n * m * d:G3}), regrouping {regroup * 1e3:F2} ms"));
        return 0;
    }

    // CPU time of the process (its clock ticks are coarse, so each sample repeats the action for at least 0.2 s).
    internal static double Median(int repeats, Action a)
    {
        var process = Process.GetCurrentProcess();
        var sw = Stopwatch.StartNew();
        a();
        int inner = Math.Max(1, (int)(0.2 / Math.Max(sw.Elapsed.TotalSeconds, 1e-6)));
        var t = new double[repeats];
        for (int r = 0; r < repeats; r++)
        {
            process.Refresh();
            var start = process.TotalProcessorTime;
            for (int i = 0; i < inner; i++) a();
            process.Refresh();
            t[r] = (process.TotalProcessorTime - start).TotalSeconds / inner;
        }
        Array.Sort(t);
        return t[repeats / 2];
    }
}
