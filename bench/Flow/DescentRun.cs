using System.Globalization;
using SimplicityBias.Dynamics.Network;

namespace SimplicityBias.Bench.Flow;

/// <summary>
/// `bench gd r1|r2|r3 [--lr ETA] [--horizon T] [--quiet] [--save-final FILE]`: the toolkit's full-batch gradient descent on a
/// reference problem (default lr 0.01, horizon 100), ending with the same summary line as the flow command
/// (plus cpu = process CPU seconds of the run: on a shared machine wall time includes waiting for a core). The side-by-side
/// script uses it at lr 0.005 to estimate the learning-rate error of gradient descent at lr 0.01.
/// </summary>
public static class DescentRun
{
    /// <summary>Runs the command; returns the exit code.</summary>
    public static int Run(string[] args)
    {
        if (args.Length < 2) { Console.Error.WriteLine("usage: bench gd r1|r2|r3 [--lr ETA] [--horizon T] [--save-final FILE]"); return 2; }
        string name = args[1];
        double lr = ReferenceProblems.Option(args, "--lr", 0.01), horizon = ReferenceProblems.Option(args, "--horizon", 100);
        var (train, test, init) = ReferenceProblems.Build(name);
        bool quiet = args.Contains("--quiet");
        double cpu0 = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds;
        var res = GradientDescent.Run(train, init, new DiscreteTrainingOptions { LearningRate = lr, Horizon = horizon, TestSet = test, Lambda = ReferenceProblems.Lambda }, p =>
        {
            if (!quiet) Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"t={p.Time,11:G5} loss={p.Loss:G8} test={p.TestLoss:G6} grad={p.GradNorm:G3} max|w|={p.MaxNeuronNorm:G3}"));
        });
        double cpu = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds - cpu0;
        int save = Array.IndexOf(args, "--save-final");
        if (save >= 0 && save + 1 < args.Length) Export.SaveTheta(res.Final, args[save + 1]);
        Console.WriteLine($"{res.Code}: {res.Reason}");
        Console.WriteLine(ReferenceProblems.SummaryLine(name, res, cpu));
        return 0;
    }
}
