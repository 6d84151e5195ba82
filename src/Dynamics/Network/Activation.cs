namespace SimplicityBias.Dynamics.Network;

/// <summary>The hidden-layer nonlinearity.</summary>
public enum Activation
{
    /// <summary>relu(z) = max(z, 0): the paper's setting; the flow switches on data hyperplanes.</summary>
    Relu,
    /// <summary>GeLU z*Phi(z): smooth, for experiments outside the theory (no switching).</summary>
    Gelu,
}
