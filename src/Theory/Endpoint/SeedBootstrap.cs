using SimplicityBias.Theory.Numerics;

namespace SimplicityBias.Theory.Endpoint;

/// <summary>A percentile interval from resampling.</summary>
/// <param name="Lower">Lower end.</param>
/// <param name="Upper">Upper end.</param>
/// <param name="Resamples">Resamples that gave a value (all when none was degenerate).</param>
public readonly record struct BootstrapInterval(double Lower, double Upper, int Resamples);

/// <summary>
/// Bootstrap over seeds: the seeds of a sweep are the independent replicates, so intervals on n*(d) and
/// on the exponent p of n* = C d^p come from resampling them with replacement. Deterministic: the
/// resamples come from the project's <see cref="Rng"/> with a fixed seed, so a report redrawn from the
/// same results shows the same intervals.
/// </summary>
public static class SeedBootstrap
{
    /// <summary>Percentile interval of the geometric mean of positive values (e.g. per-seed crossings).</summary>
    public static BootstrapInterval GeometricMean(IReadOnlyList<double> values, int resamples = 2000, double confidence = 0.95, long seed = 1)
    {
        ArgumentNullException.ThrowIfNull(values);
        Validate(resamples, confidence);
        foreach (var v in values)
            if (!(v > 0) || !double.IsFinite(v)) throw new ArgumentException($"values must be finite and > 0, got {v}", nameof(values));
        if (values.Count == 0) return new BootstrapInterval(double.NaN, double.NaN, 0);
        var logs = values.Select(v => Math.Log(v)).ToArray();
        var rng = new Rng(seed, 21);
        var stats = new double[resamples];
        for (int b = 0; b < resamples; b++)
        {
            double s = 0;
            for (int i = 0; i < logs.Length; i++) s += logs[rng.NextInt(logs.Length)];
            stats[b] = s / logs.Length;
        }
        var (lo, hi) = Percentiles(stats, confidence);
        return new BootstrapInterval(Math.Exp(lo), Math.Exp(hi), resamples);
    }

    /// <summary>
    /// Percentile interval of the exponent p of n* = C d^p: each resample draws, for every d, its
    /// per-seed crossings with replacement, takes their geometric mean and fits p by log-log least
    /// squares. Dimensions with no crossing are left out; fewer than two left gives NaN.
    /// </summary>
    public static BootstrapInterval Exponent(IReadOnlyList<(int D, double[] PerSeed)> dimensions, int resamples = 2000, double confidence = 0.95, long seed = 1)
    {
        ArgumentNullException.ThrowIfNull(dimensions);
        Validate(resamples, confidence);
        var usable = dimensions.Select(x => (x.D, Logs: x.PerSeed.Where(v => v > 0 && double.IsFinite(v)).Select(v => Math.Log(v)).ToArray()))
            .Where(x => x.Logs.Length > 0 && x.D > 0).ToArray();
        if (usable.Select(x => x.D).Distinct().Count() < 2) return new BootstrapInterval(double.NaN, double.NaN, 0);
        var rng = new Rng(seed, 22);
        var stats = new double[resamples];
        var lx = usable.Select(x => Math.Log(x.D)).ToArray();
        double mx = lx.Average(), sxx = lx.Sum(v => (v - mx) * (v - mx));
        for (int b = 0; b < resamples; b++)
        {
            double sxy = 0;
            for (int j = 0; j < usable.Length; j++)
            {
                var logs = usable[j].Logs;
                double s = 0;
                for (int i = 0; i < logs.Length; i++) s += logs[rng.NextInt(logs.Length)];
                sxy += (lx[j] - mx) * (s / logs.Length);
            }
            stats[b] = sxy / sxx;
        }
        var (lo, hi) = Percentiles(stats, confidence);
        return new BootstrapInterval(lo, hi, resamples);
    }

    private static void Validate(int resamples, double confidence)
    {
        if (resamples < 10) throw new ArgumentException($"resamples must be >= 10, got {resamples}", nameof(resamples));
        if (!(confidence > 0 && confidence < 1)) throw new ArgumentException($"confidence must be in (0, 1), got {confidence}", nameof(confidence));
    }

    // Nearest-rank percentiles of the sorted statistics (no interpolation: the ends are resampled values).
    private static (double Lo, double Hi) Percentiles(double[] stats, double confidence)
    {
        Array.Sort(stats);
        double tail = (1 - confidence) / 2;
        int lo = (int)Math.Floor(tail * (stats.Length - 1));
        int hi = (int)Math.Ceiling((1 - tail) * (stats.Length - 1));
        return (stats[lo], stats[hi]);
    }
}
