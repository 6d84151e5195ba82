namespace SimplicityBias.Theory.Extremal;

/// <summary>A population extremal direction: D(u) = Sign * Value * u with D(u) = E[1[&lt;u,x&gt; &gt; 0] y x].</summary>
/// <param name="Sign">+1 or -1.</param>
/// <param name="Direction">The unit vector u.</param>
/// <param name="Value">c &gt; 0.</param>
/// <param name="StandardError">
/// Angular standard error (radians) of the direction: 0 for closed forms; for Monte Carlo,
/// sqrt(E|P v|^2 - |P D|^2) / (c sqrt(N)) with v = 1[&lt;u,x&gt; &gt; 0] y x and P the projection on u-perp
/// (the spread of the direction of D at u; it ignores the feedback of u on D, exact for symmetric inputs).
/// </param>
/// <param name="Residual">|(I - u u^T) D(u)| / |D(u)| at the reported u (the field as computed).</param>
public sealed record PopulationExtremalVector(int Sign, double[] Direction, double Value, double StandardError, double Residual) : ISignedDirection;

/// <summary>Population extremal directions and how they were computed.</summary>
/// <param name="Vectors">Positive first.</param>
/// <param name="Method">"closed-form-symmetric", "truncated-gaussian", "monte-carlo" or "csv-exact".</param>
/// <param name="Samples">Monte Carlo sample size (0 otherwise).</param>
public sealed record PopulationExtremalSet(IReadOnlyList<PopulationExtremalVector> Vectors, string Method, int Samples)
{
    /// <summary>The positive directions.</summary>
    public IEnumerable<PopulationExtremalVector> Positive => Vectors.Where(v => v.Sign > 0);
    /// <summary>The negative directions.</summary>
    public IEnumerable<PopulationExtremalVector> Negative => Vectors.Where(v => v.Sign < 0);
}
