using System.Runtime.InteropServices;

namespace SimplicityBias.Bench.Kernel;

/// <summary>
/// CPU time of the calling thread (Linux clock_gettime(CLOCK_THREAD_CPUTIME_ID)): on a machine shared with
/// other jobs it leaves out the time the thread waits for a core, which wall-clock timings include.
/// </summary>
public static class ThreadCpuClock
{
    [StructLayout(LayoutKind.Sequential)]
    struct Timespec { public long Seconds; public long Nanoseconds; }

    const int ClockThreadCpuTimeId = 3;

    // DllImport (not LibraryImport, which needs unsafe code in this project): the signature is blittable.
    [DllImport("libc", EntryPoint = "clock_gettime")]
    static extern int ClockGetTime(int clock, out Timespec ts);

    /// <summary>Whether the thread CPU clock works here.</summary>
    public static bool IsAvailable { get; } = OperatingSystem.IsLinux() && Probe();

    static bool Probe()
    {
        try { return ClockGetTime(ClockThreadCpuTimeId, out _) == 0; }
        catch (DllNotFoundException) { return false; }
        catch (EntryPointNotFoundException) { return false; }
    }

    /// <summary>Seconds of CPU time used by the calling thread, or NaN when unavailable.</summary>
    public static double Seconds()
    {
        if (!IsAvailable || ClockGetTime(ClockThreadCpuTimeId, out var ts) != 0) return double.NaN;
        return ts.Seconds + ts.Nanoseconds * 1e-9;
    }
}
