namespace SimplicityBias.Dynamics.Ode;

/// <summary>
/// The entry point: problem, algorithm and options are separate objects (as in DifferentialEquations.jl).
/// <c>OdeSolver.Solve(problem, new Dopri5(), options)</c> runs to the end; <c>OdeSolver.Enumerate</c> streams steps.
/// </summary>
public static class OdeSolver
{
    /// <summary>Integrates to the end (or a terminal event, steady state, or failure) and returns the solution.</summary>
    public static OdeSolution Solve(OdeProblem problem, OdeAlgorithm algorithm, OdeOptions? options = null)
        => new OdeIntegrator(problem, algorithm, options).Run();

    /// <summary>A lazy stream of accepted steps; options are validated now.</summary>
    public static OdeStream Enumerate(OdeProblem problem, OdeAlgorithm algorithm, OdeOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(problem);
        ArgumentNullException.ThrowIfNull(algorithm);
        return new OdeStream(problem, algorithm, options ?? new OdeOptions());
    }
}
