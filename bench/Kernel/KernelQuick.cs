using System.Diagnostics;
using System.Globalization;
using SimplicityBias.Dynamics.Network;

namespace SimplicityBias.Bench.Kernel;

/// <summary>
/// A quick Stopwatch timing of <see cref="GradientKernel.Evaluate"/> (single thread, warm-up, median of repeats),
/// printed as GFLOP/s (4 n m d flops per evaluation) and as a percentage of the core's FMA peak.
/// Usage: Bench kernel-quick [--repeats R] [--size n,m,d]... [--gelu] [--masked] [--block B] [--path vector512|vector256|vector128|scalar]
/// </summary>
public static class KernelQuick
{
    /// <summary>The sizes timed by default: the paper's typical problem and the two of the task.</summary>
    public static readonly (int N, int M, int D)[] DefaultSizes = { (500, 100, 5), (10_000, 100, 5), (100_000, 100, 10) };

    public static int Run(string[] args)
    {
        int repeats = 15;
        var sizes = new List<(int, int, int)>();
        var act = Activation.Relu;
        bool masked = false;
        var path = KernelPath.Auto;
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--repeats" when i + 1 < args.Length:
                    repeats = int.Parse(args[++i], CultureInfo.InvariantCulture);
                    break;
                case "--size" when i + 1 < args.Length:
                    var p = args[++i].Split(',');
                    if (p.Length != 3) { Console.Error.WriteLine($"--size expects n,m,d, got '{args[i]}'"); return 2; }
                    sizes.Add((int.Parse(p[0], CultureInfo.InvariantCulture), int.Parse(p[1], CultureInfo.InvariantCulture), int.Parse(p[2], CultureInfo.InvariantCulture)));
                    break;
                case "--block" when i + 1 < args.Length: // tuning: samples per block of the tiled kernel
                    SimplicityBias.Dynamics.Network.Lanes.TiledBlock.Override = int.Parse(args[++i], CultureInfo.InvariantCulture);
                    break;
                case "--path" when i + 1 < args.Length: // vector512, vector256, vector128, scalar (same bits, different speed)
                    path = Enum.Parse<KernelPath>(args[++i], ignoreCase: true);
                    break;
                case "--gelu":
                    act = Activation.Gelu;
                    break;
                case "--masked": // the integrator's path: frozen pattern as bits in, signs as bits out
                    masked = true;
                    break;
                default:
                    if (args[i] is "kernel-quick" or "kernel") break;
                    Console.Error.WriteLine($"unknown argument '{args[i]}'; usage: [--repeats R] [--size n,m,d]... [--gelu] [--masked] [--block B] [--path vector512|vector256|vector128|scalar]");
                    return 2;
            }
        }
        if (repeats < 1) { Console.Error.WriteLine($"--repeats must be >= 1, got {repeats}"); return 2; }
        if (sizes.Count == 0) sizes.AddRange(DefaultSizes);

        double ghz = CpuPeak.CpuInfoGHz();
        int family = CpuPeak.CpuFamily();
        double measured = CpuPeak.MeasureFmaGflops();
        // Zen 4 (family 25): two 256-bit FMA pipes, AVX-512 double-pumped: 2 x 4 lanes x 2 = 16 DP flops/cycle.
        // Zen 5 server (family 26): two full 512-bit FMA pipes: 2 x 8 lanes x 2 = 32 DP flops/cycle.
        double zen4Peak = ghz * 16, zen5Peak = ghz * 32;
        double nominal = family == 26 ? zen5Peak : zen4Peak;
        Console.WriteLine($"cpu MHz (from /proc/cpuinfo): {ghz * 1000:F0}, cpu family {family}");
        Console.WriteLine($"FMA peak per core: Zen 4 assumption (16 DP flops/cycle) {zen4Peak:F1} GFLOP/s; Zen 5 (32 DP flops/cycle) {zen5Peak:F1} GFLOP/s");
        Console.WriteLine($"measured 512-bit FMA loop: {measured:F1} GFLOP/s (= {measured / 32:F2} GHz at 32 flops/cycle, {measured / 16:F2} GHz at 16)");
        Console.WriteLine($"% of peak below uses {(family == 26 ? "Zen 5" : "Zen 4")} at the cpuinfo clock ({nominal:F1}) and the measured FMA loop ({measured:F1})");
        Console.WriteLine($"kernel path {KernelPaths.Name(path)}, activation {act}{(masked ? ", frozen pattern as bits with signs out (the integrator's path)" : "")}, {repeats} repeats; medians of wall-clock time and of thread CPU time (the latter leaves out waits for a core on a shared machine)");
        foreach (var (n, m, d) in sizes)
        {
            var prob = new KernelProblem(n, m, d, act, path: path) { Masked = masked };
            var times = new double[repeats];
            var cpuTimes = new double[repeats];
            // Warm-up: enough calls for tiered JIT to reach optimized code, and at least ~0.3 s.
            var sw = Stopwatch.StartNew();
            for (int w = 0; w < 50 || sw.Elapsed.TotalSeconds < 0.3; w++) prob.Evaluate();
            double sink = 0;
            for (int r = 0; r < repeats; r++)
            {
                // Time batches of at least ~20 ms so timer resolution does not matter.
                int inner = Math.Max(1, (int)(2e7 / Math.Max(prob.Flops, 1) * 5));
                double c0 = ThreadCpuClock.Seconds();
                sw.Restart();
                for (int i = 0; i < inner; i++) sink += prob.Evaluate();
                times[r] = sw.Elapsed.TotalSeconds / inner;
                cpuTimes[r] = (ThreadCpuClock.Seconds() - c0) / inner;
            }
            Array.Sort(times);
            Array.Sort(cpuTimes);
            double cpuT = cpuTimes[repeats / 2], cpuGflops = prob.Flops / cpuT / 1e9;
            double t = times[repeats / 2];
            double gflops = prob.Flops / t / 1e9, best = prob.Flops / times[0] / 1e9;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{prob,-22} {t * 1e3,9:F3} ms  {gflops,6:F2} GFLOP/s  {100 * gflops / nominal,5:F1}% of cpuinfo peak  {100 * gflops / measured,5:F1}% of measured FMA peak | fastest {times[0] * 1e3:F3} ms {best:F2} GFLOP/s {100 * best / nominal:F1}% | thread CPU time {cpuT * 1e3:F3} ms {cpuGflops:F2} GFLOP/s {100 * cpuGflops / nominal:F1}%{(sink == 0 ? " " : "")}"));
        }
        return 0;
    }
}
