namespace SimplicityBias.Dynamics.Network;

/// <summary>
/// Entry point of the gradient flow d(theta)/dt = -grad L(theta) of the two-layer network,
/// integrated as a Filippov system (THEORY.md section 7).
/// </summary>
public static class GradientFlow
{
    /// <summary>Integrates from <paramref name="initial"/> until stationarity or the horizon.</summary>
    /// <param name="train">Training data.</param>
    /// <param name="initial">Initial parameters (not modified).</param>
    /// <param name="options">Options (validated).</param>
    /// <param name="progress">Called with each recorded trajectory point (may be null).</param>
    /// <param name="cancel">Cancellation: ends the run with <see cref="FlowReturnCode.Cancelled"/> and the last good state.</param>
    public static FlowResult Integrate(Dataset train, NetworkParameters initial, FlowOptions options,
        Action<TrajectoryPoint>? progress = null, CancellationToken cancel = default)
        => throw new NotImplementedException("GradientFlow.Integrate is being written");
}
