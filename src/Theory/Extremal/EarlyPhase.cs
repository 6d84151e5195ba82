using SimplicityBias.Dynamics.Network;

namespace SimplicityBias.Theory.Extremal;

/// <summary>
/// The end of the early phase (docs/THEORY.md section 4): the first time max_j |w_j| exceeds lambda^(1-eps) / sqrt(m),
/// while the neurons are still small enough for the early-alignment dynamics and large enough to have aligned. A
/// training run reaches it as an observer (<see cref="Training.Solve"/>).
/// </summary>
public static class EarlyPhase
{
    /// <summary>lambda^(1-eps) / sqrt(m), for initialization scale lambda &gt; 0, eps in (0, 1) and m &gt;= 1 neurons.</summary>
    public static double Threshold(double lambda, double eps, int m)
    {
        OptionRanges.Lambda.Check(lambda, nameof(lambda));
        OptionRanges.EarlyPhaseEps.Check(eps, nameof(eps));
        if (m < 1) throw new ArgumentException($"m must be >= 1, got {m}", nameof(m));
        return RoundedPow.Pow(lambda, 1 - eps) / Math.Sqrt(m);
    }

    /// <summary>An observer that takes the parameters and time of the early phase's end.</summary>
    public static FirstTimeObserver Observer(double lambda, double eps, int m) => FirstTimeObserver.MaxNeuronNormAbove(Threshold(lambda, eps, m));
}
