// The README's library example: the lines between the README markers are its code block, verbatim
// (ReadmeExampleTests compares them), so the README's example compiles and runs with every build.
// README: begin
using SimplicityBias.Dynamics.Network;
using SimplicityBias.Theory.Data;
using SimplicityBias.Theory.Extremal;
// README: end

namespace SimplicityBias.Theory.Tests.Examples;

internal static class LibraryExample
{
    // "Console" is a parameter so that the README's Console.WriteLine lines run unchanged with their output captured.
    public static (FlowResult Flow, ExtremalSet Extremal) Run(TextWriter Console)
    {
        // README: begin
        // 200 points in d = 2: x ~ N(0, I), y = x_1 + Gaussian noise of standard deviation 0.5.
        var data = DataModel.StandardLinear(n: 200, d: 2, sigma: 0.5, seed: 1).Generate();

        // The paper's balanced initialization at a small scale, then the exact (Filippov) gradient flow, watched by
        // observers: the trajectory (4 points per decade of t) and the end of the early phase.
        var theta0 = Initialization.Create(InitKind.Balanced, m: 20, d: 2, lambda: 1e-3, seed: 1);
        var problem = new TrainingProblem(data, theta0, Horizon: 1e4);
        var trajectory = new TrajectoryObserver(pointsPerDecade: 4);
        var early = EarlyPhase.Observer(lambda: 1e-3, eps: 0.5, m: 20);
        var flow = Training.Solve(problem, new FilippovFlowAlgorithm(), [trajectory, early]);
        Console.WriteLine($"{flow.Code} at t = {flow.Time:G3}: loss {flow.FinalLoss:G4}, early phase ended at t = {early.Time:G3}");
        foreach (var p in trajectory.Points)
            Console.WriteLine($"  t = {p.Time,-8:G3} loss = {p.Loss,-10:G4} max |w_j| = {p.MaxNeuronNorm:G3}");

        // The extremal vectors of the data, where the neurons' directions align in the early phase
        // (exact in d = 2; ExtremalVectors.Find enumerates any dimension exactly where the arrangement is small).
        var extremal = ExtremalVectors.Enumerate2D(data);
        foreach (var v in extremal.Stable)
            Console.WriteLine($"{(v.Sign > 0 ? '+' : '-')} u = ({v.Direction[0]:F4}, {v.Direction[1]:F4}), c = {v.Value:F4}, |activation set| = {v.ActivationSet.Length}");
        // README: end
        return (flow, extremal);
    }
}
