namespace SimplicityBias.Dynamics.Network.Lanes;

/// <summary>The tiled gradient kernel of one lane implementation, as <see cref="GradientKernel"/> calls it.</summary>
internal interface ITiledKernel
{
    int PatternWords { get; }
    int PaddedNeurons { get; }
    double Evaluate(ReadOnlySpan<double> theta, Span<double> grad, ReadOnlySpan<double> mask, Span<double> preActivations, double[] residuals);
    double Evaluate(ReadOnlySpan<double> theta, Span<double> grad, ReadOnlySpan<double> mask, Span<double> preActivations, double[] residuals,
        Span<uint> pattern, out long flips);
    double EvaluateMaskBits(ReadOnlySpan<double> theta, Span<double> grad, ReadOnlySpan<uint> bits, Span<double> preActivations,
        double[] residuals, SignPattern? signs = null);
}
