namespace SimplicityBias.Dynamics.Network;

/// <summary>What the Filippov integrator's stiff late phase steps with.</summary>
public enum StiffMethod
{
    /// <summary>Runge-Kutta-Chebyshev: explicit, stability grows with the square of its stages (the default).</summary>
    Chebyshev,
    /// <summary>
    /// ROS34PW2, a Rosenbrock-W method, on a low-rank model of the stiff directions built by Lanczos from differences of
    /// the field and reused over many steps: L-stable on the modelled directions.
    /// </summary>
    LowRankRosenbrock,
}
