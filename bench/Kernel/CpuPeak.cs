using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace SimplicityBias.Bench.Kernel;

/// <summary>
/// The double-precision FMA peak of one core: clock (GHz) x FMA pipes x lanes x 2 flops.
/// The clock is /proc/cpuinfo's "cpu MHz" (in a VM often the nominal/base clock, not the boost clock);
/// the measured figure (a loop of independent 512-bit FMAs) shows the clock the core really runs at.
/// </summary>
public static class CpuPeak
{
    /// <summary>"cpu MHz" of the first processor in /proc/cpuinfo, in GHz, or NaN.</summary>
    public static double CpuInfoGHz()
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/cpuinfo"))
                if (line.StartsWith("cpu MHz", StringComparison.Ordinal))
                    return double.Parse(line[(line.IndexOf(':') + 1)..].Trim(), CultureInfo.InvariantCulture) / 1000.0;
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        return double.NaN;
    }

    /// <summary>"cpu family" of /proc/cpuinfo (AMD: 25 = Zen 3/4, 26 = Zen 5), or -1.</summary>
    public static int CpuFamily()
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/cpuinfo"))
                if (line.StartsWith("cpu family", StringComparison.Ordinal))
                    return int.Parse(line[(line.IndexOf(':') + 1)..].Trim(), CultureInfo.InvariantCulture);
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        return -1;
    }

    /// <summary>Measured FMA throughput of one thread (GFLOP/s): 16 independent accumulators, best of 7 runs.</summary>
    public static double MeasureFmaGflops(double seconds = 0.3)
    {
        long iters = 1 << 20;
        double best = 0;
        FmaLoop(1000); // JIT
        var sw = new Stopwatch();
        for (int r = 0; r < 7; r++)
        {
            // Thread CPU time where available: waits for a core on a shared machine do not count.
            double c0 = ThreadCpuClock.Seconds();
            sw.Restart();
            FmaLoop(iters);
            double s = sw.Elapsed.TotalSeconds;
            double c = ThreadCpuClock.Seconds() - c0;
            if (s < seconds / 7) { iters *= 2; r--; continue; }
            if (c > 0) s = Math.Min(s, c);
            int lanes = Vector512.IsHardwareAccelerated ? 8 : 4;
            best = Math.Max(best, iters * 16.0 * lanes * 2 / s / 1e9);
        }
        return best;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    static double FmaLoop(long iters)
    {
        if (Vector512.IsHardwareAccelerated)
        {
            var m = Vector512.Create(0.999999); var a = Vector512.Create(1e-9);
            Vector512<double> c0 = a, c1 = a, c2 = a, c3 = a, c4 = a, c5 = a, c6 = a, c7 = a,
                c8 = a, c9 = a, c10 = a, c11 = a, c12 = a, c13 = a, c14 = a, c15 = a;
            for (long i = 0; i < iters; i++)
            {
                c0 = Vector512.FusedMultiplyAdd(c0, m, a); c1 = Vector512.FusedMultiplyAdd(c1, m, a);
                c2 = Vector512.FusedMultiplyAdd(c2, m, a); c3 = Vector512.FusedMultiplyAdd(c3, m, a);
                c4 = Vector512.FusedMultiplyAdd(c4, m, a); c5 = Vector512.FusedMultiplyAdd(c5, m, a);
                c6 = Vector512.FusedMultiplyAdd(c6, m, a); c7 = Vector512.FusedMultiplyAdd(c7, m, a);
                c8 = Vector512.FusedMultiplyAdd(c8, m, a); c9 = Vector512.FusedMultiplyAdd(c9, m, a);
                c10 = Vector512.FusedMultiplyAdd(c10, m, a); c11 = Vector512.FusedMultiplyAdd(c11, m, a);
                c12 = Vector512.FusedMultiplyAdd(c12, m, a); c13 = Vector512.FusedMultiplyAdd(c13, m, a);
                c14 = Vector512.FusedMultiplyAdd(c14, m, a); c15 = Vector512.FusedMultiplyAdd(c15, m, a);
            }
            var s = c0 + c1 + c2 + c3 + c4 + c5 + c6 + c7 + c8 + c9 + c10 + c11 + c12 + c13 + c14 + c15;
            return Vector512.Sum(s);
        }
        else
        {
            var m = Vector256.Create(0.999999); var a = Vector256.Create(1e-9);
            Vector256<double> c0 = a, c1 = a, c2 = a, c3 = a, c4 = a, c5 = a, c6 = a, c7 = a,
                c8 = a, c9 = a, c10 = a, c11 = a, c12 = a, c13 = a, c14 = a, c15 = a;
            for (long i = 0; i < iters; i++)
            {
                c0 = Vector256.FusedMultiplyAdd(c0, m, a); c1 = Vector256.FusedMultiplyAdd(c1, m, a);
                c2 = Vector256.FusedMultiplyAdd(c2, m, a); c3 = Vector256.FusedMultiplyAdd(c3, m, a);
                c4 = Vector256.FusedMultiplyAdd(c4, m, a); c5 = Vector256.FusedMultiplyAdd(c5, m, a);
                c6 = Vector256.FusedMultiplyAdd(c6, m, a); c7 = Vector256.FusedMultiplyAdd(c7, m, a);
                c8 = Vector256.FusedMultiplyAdd(c8, m, a); c9 = Vector256.FusedMultiplyAdd(c9, m, a);
                c10 = Vector256.FusedMultiplyAdd(c10, m, a); c11 = Vector256.FusedMultiplyAdd(c11, m, a);
                c12 = Vector256.FusedMultiplyAdd(c12, m, a); c13 = Vector256.FusedMultiplyAdd(c13, m, a);
                c14 = Vector256.FusedMultiplyAdd(c14, m, a); c15 = Vector256.FusedMultiplyAdd(c15, m, a);
            }
            var s = c0 + c1 + c2 + c3 + c4 + c5 + c6 + c7 + c8 + c9 + c10 + c11 + c12 + c13 + c14 + c15;
            return Vector256.Sum(s);
        }
    }
}
