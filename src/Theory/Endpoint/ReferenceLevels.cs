namespace SimplicityBias.Theory.Endpoint;

/// <summary>
/// Approximate loss levels of docs/THEORY.md section 7 (Gaussian design, 1/(2n) convention; multiply
/// by 2 for plain MSE). Above the threshold the network is two OLS fits of d parameters on about
/// n/2 points each; below it, it can interpolate (train loss near 0).
/// </summary>
public static class ReferenceLevels
{
    /// <summary>The noise level sigma^2/2: the loss of the true function.</summary>
    public static double NoiseLevel(double sigma)
    {
        CheckSigma(sigma);
        return sigma * sigma / 2;
    }

    /// <summary>Train loss above the threshold: (sigma^2/2)(1 - 2d/n), floored at 0.</summary>
    public static double TrainLoss(int n, int d, double sigma)
    {
        Check(n, d, sigma);
        return Math.Max(0, sigma * sigma / 2 * (1 - 2.0 * d / n));
    }

    /// <summary>Noise-free test error above the threshold, (1/2) E[(h(x) - f*(x))^2] ~ sigma^2 d/n.</summary>
    public static double TestExcess(int n, int d, double sigma)
    {
        Check(n, d, sigma);
        return sigma * sigma * d / n;
    }

    /// <summary>Test loss against noisy labels above the threshold: sigma^2/2 + sigma^2 d/n.</summary>
    public static double TestLoss(int n, int d, double sigma) => NoiseLevel(sigma) + TestExcess(n, d, sigma);

    /// <summary>For comparison, one OLS on all n points: train (sigma^2/2)(1 - d/n), floored at 0.</summary>
    public static double GlobalOlsTrainLoss(int n, int d, double sigma)
    {
        Check(n, d, sigma);
        return Math.Max(0, sigma * sigma / 2 * (1 - (double)d / n));
    }

    /// <summary>For comparison, one OLS on all n points: noise-free test error sigma^2 d/(2n).</summary>
    public static double GlobalOlsTestExcess(int n, int d, double sigma)
    {
        Check(n, d, sigma);
        return sigma * sigma * d / (2.0 * n);
    }

    /// <summary>Plain MSE from a loss in the 1/(2n) convention.</summary>
    public static double ToMse(double loss) => 2 * loss;

    private static void Check(int n, int d, double sigma)
    {
        if (n < 1) throw new ArgumentException($"n must be >= 1, got {n}", nameof(n));
        if (d < 1) throw new ArgumentException($"d must be >= 1, got {d}", nameof(d));
        CheckSigma(sigma);
    }

    private static void CheckSigma(double sigma)
    {
        if (!(sigma >= 0) || !double.IsFinite(sigma)) throw new ArgumentException($"sigma must be finite and >= 0, got {sigma}", nameof(sigma));
    }
}
