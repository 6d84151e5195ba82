using MathNet.Numerics.LinearAlgebra;
using SimplicityBias.Dynamics.Network;

namespace SimplicityBias.Bench.Flow;

/// <summary>
/// `bench spectrum r1|r2|r3 [--horizon T]`: integrates a reference problem to T and prints the spectrum of the exact
/// Hessian of the loss (pattern of the endpoint) there: how many eigenvalues exceed 3.3 / h for a few step sizes h,
/// i.e. how many directions hold an explicit solver back, which decides what kind of stiff solver can pay.
/// </summary>
public static class Spectrum
{
    /// <summary>Runs the command.</summary>
    public static int Run(string[] args)
    {
        string name = args.Length > 1 ? args[1] : "r1";
        double horizon = ReferenceProblems.Option(args, "--horizon", 1e3);
        var (train, test, init) = ReferenceProblems.Build(name);
        var res = GradientFlow.Integrate(train, init, new FlowOptions { Horizon = horizon, TestSet = test, Lambda = ReferenceProblems.Lambda });
        var theta = res.Final.Theta;
        var hess = new LossHessian(train, res.Final.M);
        int p = hess.ParameterCount;
        var h = new double[p * p];
        hess.Evaluate(theta, h);
        var eig = Matrix<double>.Build.Dense(p, p, (i, j) => h[i * p + j]).Evd(Symmetricity.Symmetric).EigenValues
            .Select(c => c.Real).OrderByDescending(x => x).ToArray();
        Console.WriteLine($"{name} at t = {res.Time:G4}: loss {res.FinalLoss:G6}, {p} parameters, sliding pairs {res.Trajectory[^1].SlidingPairs}");
        Console.WriteLine("largest eigenvalues: " + string.Join(" ", eig.Take(12).Select(x => x.ToString("G4"))));
        Console.WriteLine($"smallest eigenvalue: {eig[^1]:G4}; negative: {eig.Count(x => x < -1e-10)}");
        foreach (double step in new[] { 0.1, 1.0, 10.0, 100.0 })
            Console.WriteLine($"eigenvalues above 3.3 / h for h = {step,5:G3}: {eig.Count(x => x > 3.3 / step)}");
        return 0;
    }
}
