using System.Globalization;
using SimplicityBias.Dynamics.Network;

namespace SimplicityBias.Bench.Kernel;

/// <summary>What the quick kernel benchmarks share: the `--size n,m,d` argument and their data (x ~ N(0, I), y = x_1 + N(0, 1)).</summary>
public static class QuickProblem
{
    /// <summary>Parses `n,m,d`.</summary>
    public static (int N, int M, int D) ParseSize(string text)
    {
        var p = text.Split(',');
        if (p.Length != 3) throw new ArgumentException($"--size must be n,m,d, got '{text}'");
        return (int.Parse(p[0], CultureInfo.InvariantCulture), int.Parse(p[1], CultureInfo.InvariantCulture), int.Parse(p[2], CultureInfo.InvariantCulture));
    }

    /// <summary>n samples in d dimensions drawn from <paramref name="rng"/>.</summary>
    public static Dataset Data(int n, int d, SeededRandom rng)
    {
        var x = new double[n * d];
        rng.FillGaussian(x);
        var y = new double[n];
        for (int k = 0; k < n; k++) y[k] = x[k * d] + rng.NextGaussian();
        return new Dataset(n, d, x, y);
    }
}
