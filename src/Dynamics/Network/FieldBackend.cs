namespace SimplicityBias.Dynamics.Network;

/// <summary>
/// How the Filippov integrator evaluates the frozen-pattern field where it needs neither the signs of the
/// pre-activations nor the residuals (the inner stages of a step, the spectral-radius estimates).
/// </summary>
public enum FieldBackend
{
    /// <summary>The grouped form where it costs fewer operations than the direct kernel, direct otherwise (decided step by step, recorded).</summary>
    Auto,
    /// <summary>The direct kernel, O(n m d) per evaluation: the reference.</summary>
    Direct,
    /// <summary>The block form, O(m^2 d^2) per evaluation whatever n (<see cref="BlockField"/>).</summary>
    Block,
    /// <summary>The grouped form at every inner stage, O(K^2 d^2 + d nnz(delta)) per evaluation (<see cref="GroupedField"/>).</summary>
    Grouped,
}
