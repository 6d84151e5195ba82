using SimplicityBias.Dynamics.Network;
using SimplicityBias.Dynamics.Numerics;
using SimplicityBias.Verify.Running;
using SimplicityBias.Verify.Specs;

namespace SimplicityBias.Bench.Flow;

/// <summary>
/// `bench endpoint SPEC [--gd-lr ETA] [--gd-time T]`: trains one experiment spec as `simbias run` does (flow or gradient descent), then examines
/// the endpoint the checks judged: how many distinct activation sets each sign group has (the OLS-on-S+- endpoint
/// has one per sign), how far apart its neurons point, and whether full-batch gradient descent started there (relu'(0)
/// = 0, the convention of PyTorch) moves it: a Clarke-stationary point is a rest point of the flow, and gradient
/// descent from it should change the loss and the sets by no more than its own oscillation at the kinks.
/// </summary>
internal static class Endpoint
{
    public static int Run(string[] args)
    {
        if (args.Length < 2) { Console.Error.WriteLine("usage: bench endpoint SPEC [--gd-lr ETA] [--gd-time T]"); return 2; }
        var spec = SpecReader.Load(args[1]);
        double lr = ReferenceProblems.Option(args, "--gd-lr", 0.02), gdTime = ReferenceProblems.Option(args, "--gd-time", 1000);
        var inputs = RunInputs.FromSpec(spec);
        var init = spec.Initial();
        var flow = DefaultTrainerFactory.Instance.For(spec).Train(inputs.Train, init, spec, inputs.Test, null, default);
        Console.WriteLine($"{SimplicityBias.Theory.Experiments.ExperimentChoices.Solvers.Name(spec.Solver)}: {flow.Reason}; train loss {flow.FinalLoss:R}, |grad| {flow.FinalGradNorm:G3}, sliding pairs at the end {flow.Trajectory[^1].SlidingPairs}, rhs {flow.Statistics.RhsEvaluations}");
        Describe("endpoint", inputs.Train, flow.Final);
        if (gdTime <= 0) return 0;
        var gd = GradientDescent.Run(inputs.Train, flow.Final, new DiscreteTrainingOptions { LearningRate = lr, Horizon = gdTime });
        Console.WriteLine($"gradient descent from it, lr {lr}, to t = {gdTime} ({gd.Statistics.RhsEvaluations} steps): train loss {gd.FinalLoss:R} (change {gd.FinalLoss - flow.FinalLoss:G3}), |grad| {gd.FinalGradNorm:G3}");
        double moved = 0, scale = 0;
        for (int i = 0; i < gd.Final.Theta.Length; i++)
        {
            double dv = gd.Final.Theta[i] - flow.Final.Theta[i];
            moved += dv * dv; scale += flow.Final.Theta[i] * flow.Final.Theta[i];
        }
        Console.WriteLine($"parameters moved by {Math.Sqrt(moved):G3} (relative {Math.Sqrt(moved / scale):G3})");
        Describe("after gradient descent", inputs.Train, gd.Final);
        return 0;
    }

    /// <summary>Per sign group of active neurons: distinct activation sets, their sizes' spread, points in dispute, widest angle.</summary>
    static void Describe(string title, Dataset data, NetworkParameters p)
    {
        double maxNorm = 0;
        for (int j = 0; j < p.M; j++) maxNorm = Math.Max(maxNorm, Math.Abs(p.A(j)) * Vec.Norm(p.W(j)));
        foreach (double cut in new[] { 1e-3, 1e-2, 1e-1 })
        foreach (int sign in new[] { 1, -1 })
        {
            if (sign == 1) Console.WriteLine($"{title}, neurons with |a_j| |w_j| > {cut} max:");
            var members = Enumerable.Range(0, p.M).Where(j => Math.Sign(p.A(j)) == sign && Math.Abs(p.A(j)) * Vec.Norm(p.W(j)) > cut * maxNorm).ToList();
            if (members.Count == 0) { Console.WriteLine($"  sign {sign:+0;-0}: no active neuron"); continue; }
            var sets = members.Select(j => ActiveSet(data, p.W(j))).ToList();
            int distinct = sets.Select(s => string.Concat(s.Select(b => b ? '1' : '0'))).Distinct().Count();
            int disputed = 0, inAll = 0;
            for (int k = 0; k < data.N; k++)
            {
                int on = sets.Count(s => s[k]);
                if (on == sets.Count) inAll++;
                else if (on > 0) disputed++;
            }
            double widest = 0;
            foreach (int a in members)
                foreach (int b in members)
                {
                    double c = Vec.Dot(p.W(a), p.W(b)) / (Vec.Norm(p.W(a)) * Vec.Norm(p.W(b)));
                    widest = Math.Max(widest, Math.Acos(Math.Clamp(c, -1, 1)));
                }
            Console.WriteLine($"  sign {sign:+0;-0}: {members.Count} neurons, {distinct} distinct activation sets, {inAll} points active for all, {disputed} disputed; widest angle {widest:G3} rad");
        }
    }

    static bool[] ActiveSet(Dataset data, ReadOnlySpan<double> w)
    {
        var s = new bool[data.N];
        for (int k = 0; k < data.N; k++) s[k] = Vec.Dot(w, data.Row(k)) > 0;
        return s;
    }
}
