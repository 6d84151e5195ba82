using SimplicityBias.Dynamics.Network;

namespace SimplicityBias.Bench.Late;

/// <summary>
/// `bench patterns r1|r2|r3|f10 [--horizon T ...]`: integrates a reference problem to T and measures how the activation
/// patterns of its neurons group: for a greedy grouping in which a neuron joins the first group whose representative
/// pattern differs from its own on at most tau points, the number of groups K and the number of differing pairs. This
/// is what decides whether the grouped form of the field (blocks per pair of groups plus sparse corrections) pays.
/// </summary>
public static class PatternGroups
{
    /// <summary>Runs the command.</summary>
    public static int Run(string[] args)
    {
        string name = args.Length > 1 ? args[1] : "r3";
        double horizon = Flow.ReferenceProblems.Option(args, "--horizon", 30);
        var (train, test, init) = Flow.ReferenceProblems.Build(name);
        var res = GradientFlow.Integrate(train, init, new FlowOptions { Horizon = horizon, TestSet = test, Lambda = Flow.ReferenceProblems.Lambda });
        int n = train.N, d = train.D, m = init.M;
        var theta = res.Final;
        var pat = new bool[m][];
        var norms = new double[m];
        for (int j = 0; j < m; j++)
        {
            pat[j] = new bool[n];
            var w = theta.W(j);
            double s = 0; foreach (double v in w) s += v * v;
            norms[j] = Math.Sqrt(s) * Math.Abs(theta.A(j));
            for (int k = 0; k < n; k++)
            {
                double z = 0; var x = train.Row(k);
                for (int i = 0; i < d; i++) z += w[i] * x[i];
                pat[j][k] = z > 0;
            }
        }
        Console.WriteLine($"{name} at t = {res.Time:G4}: loss {res.FinalLoss:G6}; |a_j||w_j| largest {norms.Max():G3}, median {norms.Order().ElementAt(m / 2):G3}");
        foreach (int tau in new[] { 25, 50, 100, 200, 400, 800, 1600, 3200 })
        {
            var reps = new List<int>();
            long nnz = 0;
            for (int j = 0; j < m; j++)
            {
                int best = -1, bestH = int.MaxValue;
                foreach (int r in reps)
                {
                    int h = 0;
                    for (int k = 0; k < n; k++) if (pat[j][k] != pat[r][k]) h++;
                    if (h < bestH) { bestH = h; best = r; }
                }
                if (best >= 0 && bestH <= tau) nnz += bestH;
                else reps.Add(j);
            }
            Console.WriteLine($"tau {tau,5}: groups {reps.Count,4}, differing pairs {nnz,8} ({(double)nnz / m:F0} per neuron)");
        }
        // The grouped form against the direct kernel on this state's own pattern (the signs).
        var kernel = new GradientKernel(train, m);
        var mask = new ActivationMask(m, n, kernel.PaddedNeurons);
        for (int j = 0; j < m; j++)
            for (int k = 0; k < n; k++) mask.Set(j, k, pat[j][k]);
        var grad = new double[theta.Theta.Length];
        var grouped = new GroupedField(train, m);
        double regroup = Kernel.GroupedQuick.Median(5, () => grouped.Regroup(mask));
        double sums = Kernel.GroupedQuick.Median(3, () => { grouped.Regroup(mask); grouped.Evaluate(theta.Theta, grad, mask); });
        double direct = Kernel.GroupedQuick.Median(5, () => kernel.EvaluateMasked(theta.Theta, grad, mask));
        double form = Kernel.GroupedQuick.Median(5, () => grouped.Evaluate(theta.Theta, grad, mask));
        Console.WriteLine($"direct {direct * 1e3:F3} ms, grouped {form * 1e3:F3} ms ({direct / form:F1}x; {grouped.Groups} groups, {grouped.DifferingPairs} differing pairs), grouping {regroup * 1e3:F2} ms, grouping + block sums + one evaluation {sums * 1e3:F1} ms");
        return 0;
    }
}
