using SimplicityBias.Theory.Numerics;

namespace SimplicityBias.Theory.Data;

/// <summary>Label noise, independent of x, mean zero, variance sigma^2.</summary>
public abstract record NoiseModel
{
    private protected NoiseModel() { }

    /// <summary>The noise standard deviation sigma (0 for none).</summary>
    public abstract double Sigma { get; }

    /// <summary>sigma^2.</summary>
    public double Variance => Sigma * Sigma;

    /// <summary>A short name for reports.</summary>
    public abstract string Name { get; }

    /// <summary>One draw.</summary>
    internal abstract double Sample(Rng rng);

    /// <summary>Throws ArgumentException naming the field if invalid.</summary>
    public void Validate(string field)
    {
        if (!(Sigma >= 0) || !double.IsFinite(Sigma))
            throw new ArgumentException($"{field}.Sigma must be finite and >= 0, got {Sigma}", field);
    }

    /// <summary>No noise.</summary>
    public static NoNoise None() => new();
    /// <summary>N(0, sigma^2).</summary>
    public static GaussianNoise Gaussian(double sigma) => new(sigma);
    /// <summary>+-sigma with probability 1/2 each.</summary>
    public static RademacherNoise Rademacher(double sigma) => new(sigma);
}

/// <summary>No label noise.</summary>
public sealed record NoNoise : NoiseModel
{
    /// <inheritdoc/>
    public override double Sigma => 0;
    /// <inheritdoc/>
    public override string Name => "none";
    internal override double Sample(Rng rng) => 0;
}

/// <summary>Gaussian noise N(0, sigma^2).</summary>
public sealed record GaussianNoise(double Level) : NoiseModel
{
    /// <inheritdoc/>
    public override double Sigma => Level;
    /// <inheritdoc/>
    public override string Name => $"gaussian({Level})";
    internal override double Sample(Rng rng) => Level * rng.NextGaussian();
}

/// <summary>Rademacher noise +-sigma.</summary>
public sealed record RademacherNoise(double Level) : NoiseModel
{
    /// <inheritdoc/>
    public override double Sigma => Level;
    /// <inheritdoc/>
    public override string Name => $"rademacher({Level})";
    internal override double Sample(Rng rng) => Level * rng.NextSign();
}
