using System.Diagnostics;
using System.Globalization;
using SimplicityBias.Dynamics.Network;

namespace SimplicityBias.Bench.Kernel;

/// <summary>
/// The block form against the direct kernel at one size (single thread, Stopwatch, medians): one evaluation each,
/// a first build of the blocks, and folding K random pair changes into them.
/// Usage: Bench block-quick [--size n,m,d] [--changes K] [--repeats R]
/// </summary>
public static class BlockQuick
{
    public static int Run(string[] args)
    {
        var (n, m, d) = (25_000, 200, 10);
        int changes = 5000, repeats = 7;
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--size" when i + 1 < args.Length: (n, m, d) = QuickProblem.ParseSize(args[++i]); break;
                case "--changes" when i + 1 < args.Length: changes = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--repeats" when i + 1 < args.Length: repeats = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                default: Console.Error.WriteLine($"block-quick: unknown argument '{args[i]}'"); return 2;
            }
        }
        var rng = new SeededRandom(7);
        var data = QuickProblem.Data(n, d, rng);
        var theta = Initialization.Create(InitKind.Balanced, m, d, 1.0, 8).Theta;
        var kernel = new GradientKernel(data, m);
        var mask = new ActivationMask(m, n, kernel.PaddedNeurons);
        for (int j = 0; j < m; j++)
            for (int k = 0; k < n; k++) mask.Set(j, k, rng.NextDouble() < 0.5);
        var grad = new double[theta.Length];
        var blocks = new BlockField(data, m, mask.Bits.Length);
        double build = Time(() => blocks.Sync(mask));
        double direct = Median(repeats, () => { kernel.EvaluateMasked(theta, grad, mask); });
        double block = Median(repeats, () => { blocks.Evaluate(theta, grad); });
        double fold = Median(repeats, () =>
        {
            for (int c = 0; c < changes; c++) mask.Flip((int)(rng.NextDouble() * m) * n + (int)(rng.NextDouble() * n));
            return Time(() => blocks.Sync(mask));
        }, timed: false);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"n={n} m={m} d={d}: direct {direct * 1e3:F3} ms ({4.0 * n * m * d / direct / 1e9:F1} GFLOP/s), block {block * 1e3:F3} ms ({blocks.FlopsPerEvaluation() / block / 1e9:F1} GFLOP/s, {direct / block:F1}x), first build {build:F2} s, {changes} changes folded in {fold * 1e3:F2} ms ({fold / changes * 1e6:F2} us each, {fold / direct:F2} direct evaluations), blocks {blocks.Bytes / 1e6:F1} MB"));
        return 0;
    }

    static double Time(Action a)
    {
        var sw = Stopwatch.StartNew();
        a();
        return sw.Elapsed.TotalSeconds;
    }

    static double Median(int repeats, Action a) => Median(repeats, () => Time(a), timed: false);

    static double Median(int repeats, Func<double> run, bool timed)
    {
        run();
        var t = new double[repeats];
        for (int r = 0; r < repeats; r++) t[r] = run();
        Array.Sort(t);
        return t[repeats / 2];
    }
}
