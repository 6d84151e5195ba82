// The README's ODE-library example: the lines between the README markers are its code block, verbatim
// (ReadmeExampleTests compares them), so the README's example compiles and runs with every build.
// README: begin
using SimplicityBias.Dynamics.Ode;
// README: end

namespace SimplicityBias.Theory.Tests.Examples;

internal static class OdeExample
{
    // "Console" is a parameter so that the README's Console.WriteLine lines run unchanged with their output captured.
    public static OdeSolution Run(TextWriter Console)
    {
        // README: begin
        // The Van der Pol oscillator y'' = mu (1 - y^2) y' - y as a first-order system: stiff for large mu.
        const double mu = 100;
        var problem = new OdeProblem((t, y, dy) =>
        {
            dy[0] = y[1];
            dy[1] = mu * (1 - y[0] * y[0]) * y[1] - y[0];
        }, initialState: [2.0, 0.0], t0: 0, t1: 300);

        var options = new OdeOptions
        {
            RelativeTolerance = 1e-8,
            AbsoluteTolerance = 1e-10,
            SaveAt = [100, 200, 300],                                             // dense output at these times
            Events = [new OdeEvent((t, y) => y[0], EventDirection.Falling)],     // each downward zero of y
        };
        // Dormand-Prince while it is cheap, Rodas4 (Jacobian by finite differences) where the problem is stiff.
        var solution = OdeSolver.Solve(problem, new AutoSwitch(), options);
        Console.WriteLine(solution);  // algorithm, return code, final time and statistics
        for (int i = 0; i < solution.SavedTimes.Count; i++)
            Console.WriteLine($"y({solution.SavedTimes[i]}) = {solution.SavedStates[i][0]:F6}");
        Console.WriteLine($"{solution.Events.Count} downward zeros, the first at t = {solution.Events[0].Time:F4}");
        // README: end
        return solution;
    }
}
