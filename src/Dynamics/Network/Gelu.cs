namespace SimplicityBias.Dynamics.Network;

/// <summary>
/// GeLU(z) = z Phi(z) with the exact Gaussian CDF, and its derivative Phi(z) + z phi(z); erfc and exp from
/// <see cref="GaussianTail"/>, the same bits on every platform.
/// </summary>
public static class Gelu
{
    const double InvSqrt2 = 0.70710678118654752440;
    const double InvSqrt2Pi = 0.39894228040143267794;

    /// <summary>GeLU of one value.</summary>
    public static double Value(double z) => z * 0.5 * GaussianTail.Erfc(-z * InvSqrt2);

    /// <summary>Derivative of GeLU at one value.</summary>
    public static double Derivative(double z) => 0.5 * GaussianTail.Erfc(-z * InvSqrt2) + z * InvSqrt2Pi * GaussianTail.Exp(-0.5 * z * z);

    /// <summary>Second derivative of GeLU: phi(z) (2 - z^2).</summary>
    public static double SecondDerivative(double z) => InvSqrt2Pi * GaussianTail.Exp(-0.5 * z * z) * (2 - z * z);

    /// <summary>Element-wise GeLU.</summary>
    public static void Values(ReadOnlySpan<double> z, Span<double> s)
    {
        for (int k = 0; k < z.Length; k++) s[k] = Value(z[k]);
    }

    /// <summary>Element-wise derivative.</summary>
    public static void Derivatives(ReadOnlySpan<double> z, Span<double> s)
    {
        for (int k = 0; k < z.Length; k++) s[k] = Derivative(z[k]);
    }
}
