namespace SimplicityBias.Theory.Endpoint;

/// <summary>One converged run: sample size, converged training loss (1/(2n) convention), seed.</summary>
public readonly record struct ThresholdPoint(int N, double TrainLoss, long Seed);

/// <summary>An estimate of the optimization threshold n*.</summary>
/// <param name="NStar">Geometric mean of the per-seed crossings (NaN if none crossed).</param>
/// <param name="Lower">Lower end of the interval: exp(mean log n* - t s/sqrt(k)) (NaN with fewer than 2 crossings).</param>
/// <param name="Upper">Upper end of the interval.</param>
/// <param name="Level">The loss level crossed: sigma^2/4, halfway between 0 and sigma^2/2.</param>
/// <param name="Seeds">The seeds, sorted.</param>
/// <param name="PerSeed">The crossing of each seed's curve (NaN when it does not cross inside the n range).</param>
/// <param name="MeanCurveNStar">The crossing of the curve of mean losses over seeds.</param>
/// <param name="LogStdError">Standard error of the mean of log n* over seeds.</param>
public sealed record ThresholdEstimate(double NStar, double Lower, double Upper, double Level, long[] Seeds, double[] PerSeed, double MeanCurveNStar, double LogStdError)
{
    /// <summary>Seeds whose curve did not cross inside the range of n.</summary>
    public int Censored => PerSeed.Count(double.IsNaN);
}

/// <summary>A power law y = C x^p fitted by least squares on log y = log C + p log x.</summary>
/// <param name="Coefficient">C.</param>
/// <param name="Exponent">p.</param>
/// <param name="ExponentStdError">Standard error of p (NaN with 2 points).</param>
/// <param name="ExponentLower">Lower end of the interval on p (Student t, k-2 degrees of freedom).</param>
/// <param name="ExponentUpper">Upper end of the interval on p.</param>
/// <param name="RSquared">R^2 of the log-log fit.</param>
/// <param name="Points">Number of points.</param>
public sealed record PowerLawFit(double Coefficient, double Exponent, double ExponentStdError, double ExponentLower, double ExponentUpper, double RSquared, int Points);

/// <summary>
/// The optimization threshold n*(d) of docs/THEORY.md section 8: the sample size where the converged
/// training loss moves from near 0 to near the noise level sigma^2/2.
/// </summary>
public static class OptimizationThreshold
{
    /// <summary>Halfway between 0 and the noise level: sigma^2/4.</summary>
    public static double Level(double sigma)
    {
        if (!(sigma > 0) || !double.IsFinite(sigma)) throw new ArgumentException($"sigma must be finite and > 0, got {sigma}", nameof(sigma));
        return sigma * sigma / 4;
    }

    /// <summary>
    /// The first n at which a loss curve crosses <paramref name="level"/> upwards, interpolating
    /// linearly in log n between the bracketing points; NaN if it starts above or never reaches it.
    /// Repeated n values are averaged.
    /// </summary>
    public static double Crossing(IEnumerable<(double N, double Loss)> curve, double level)
    {
        ArgumentNullException.ThrowIfNull(curve);
        var pts = curve.GroupBy(p => p.N).Select(g => (N: g.Key, Loss: g.Average(p => p.Loss))).OrderBy(p => p.N).ToArray();
        foreach (var p in pts)
            if (!(p.N > 0) || !double.IsFinite(p.Loss)) throw new ArgumentException($"curve point (n = {p.N}, loss = {p.Loss}) is invalid: n must be > 0 and the loss finite", nameof(curve));
        if (pts.Length == 0 || pts[0].Loss >= level) return double.NaN;
        for (int i = 0; i + 1 < pts.Length; i++)
        {
            if (pts[i].Loss < level && pts[i + 1].Loss >= level)
            {
                double f = (level - pts[i].Loss) / (pts[i + 1].Loss - pts[i].Loss);
                return Math.Exp(Math.Log(pts[i].N) + f * (Math.Log(pts[i + 1].N) - Math.Log(pts[i].N)));
            }
        }
        return double.NaN;
    }

    /// <summary>
    /// n* from (n, converged train loss, seed) points: per seed the first upward crossing of
    /// sigma^2/4 (log-interpolated in n); the estimate is their geometric mean with a Student-t
    /// interval over seeds (<paramref name="confidence"/>, default 95%).
    /// </summary>
    public static ThresholdEstimate EstimateNStar(IEnumerable<ThresholdPoint> points, double sigma, double confidence = 0.95)
    {
        ArgumentNullException.ThrowIfNull(points);
        if (!(confidence > 0 && confidence < 1)) throw new ArgumentException($"confidence must be in (0, 1), got {confidence}", nameof(confidence));
        var list = points.ToList();
        if (list.Count == 0) throw new ArgumentException("no points", nameof(points));
        double level = Level(sigma);
        var seeds = list.Select(p => p.Seed).Distinct().OrderBy(s => s).ToArray();
        var per = seeds.Select(s => Crossing(list.Where(p => p.Seed == s).Select(p => ((double)p.N, p.TrainLoss)), level)).ToArray();
        double meanCurve = Crossing(list.GroupBy(p => p.N).Select(g => ((double)g.Key, g.Average(p => p.TrainLoss))), level);
        var logs = per.Where(v => !double.IsNaN(v)).Select(v => Math.Log(v)).ToArray();
        double nStar = double.NaN, lower = double.NaN, upper = double.NaN, se = double.NaN;
        if (logs.Length > 0)
        {
            double mean = logs.Average();
            nStar = Math.Exp(mean);
            if (logs.Length > 1)
            {
                double sd = Math.Sqrt(logs.Sum(v => (v - mean) * (v - mean)) / (logs.Length - 1));
                se = sd / Math.Sqrt(logs.Length);
                double t = MathNet.Numerics.Distributions.StudentT.InvCDF(0, 1, logs.Length - 1, 0.5 + confidence / 2);
                lower = Math.Exp(mean - t * se);
                upper = Math.Exp(mean + t * se);
            }
        }
        return new ThresholdEstimate(nStar, lower, upper, level, seeds, per, meanCurve, se);
    }

    /// <summary>Fits n*(d) ~ C d^p by log-log least squares, with a Student-t interval on p.</summary>
    public static PowerLawFit FitNStar(IEnumerable<(int D, double NStar)> points, double confidence = 0.95)
    {
        ArgumentNullException.ThrowIfNull(points);
        var list = points.ToList();
        return FitLogLog(list.Select(p => (double)p.D).ToArray(), list.Select(p => p.NStar).ToArray(), confidence);
    }

    /// <summary>Fits y ~ C x^p by least squares on (log x, log y); needs 2 or more points with x, y &gt; 0.</summary>
    public static PowerLawFit FitLogLog(double[] x, double[] y, double confidence = 0.95)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        if (x.Length != y.Length) throw new ArgumentException($"x has {x.Length} values, y has {y.Length}", nameof(y));
        if (x.Length < 2) throw new ArgumentException($"need at least 2 points, got {x.Length}", nameof(x));
        if (!(confidence > 0 && confidence < 1)) throw new ArgumentException($"confidence must be in (0, 1), got {confidence}", nameof(confidence));
        for (int i = 0; i < x.Length; i++)
            if (!(x[i] > 0) || !(y[i] > 0) || !double.IsFinite(x[i]) || !double.IsFinite(y[i]))
                throw new ArgumentException($"point {i} (x = {x[i]}, y = {y[i]}) must have finite x, y > 0", nameof(x));
        int k = x.Length;
        var lx = x.Select(v => Math.Log(v)).ToArray();
        var ly = y.Select(v => Math.Log(v)).ToArray();
        double mx = lx.Average(), my = ly.Average();
        double sxx = 0, sxy = 0, syy = 0;
        for (int i = 0; i < k; i++) { sxx += (lx[i] - mx) * (lx[i] - mx); sxy += (lx[i] - mx) * (ly[i] - my); syy += (ly[i] - my) * (ly[i] - my); }
        if (sxx == 0) throw new ArgumentException("all x are equal: no exponent can be fitted", nameof(x));
        double p = sxy / sxx;
        double c = Math.Exp(my - p * mx);
        double rss = 0;
        for (int i = 0; i < k; i++) { double r = ly[i] - (my + p * (lx[i] - mx)); rss += r * r; }
        double r2 = syy > 0 ? 1 - rss / syy : 1;
        double se = double.NaN, lo = double.NaN, hi = double.NaN;
        if (k > 2)
        {
            se = Math.Sqrt(rss / (k - 2) / sxx);
            double t = MathNet.Numerics.Distributions.StudentT.InvCDF(0, 1, k - 2, 0.5 + confidence / 2);
            lo = p - t * se;
            hi = p + t * se;
        }
        return new PowerLawFit(c, p, se, lo, hi, r2, k);
    }
}
