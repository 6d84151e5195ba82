using System.Globalization;
using SimplicityBias.Dynamics.Network;
using SimplicityBias.Verify.Checks;

namespace SimplicityBias.Bench.Flow;

/// <summary>
/// A reference problem's cost and endpoint over small perturbations of the tolerance. Past t ~ 300 on R1 the
/// flow leaves saddles on a side decided below any tolerance (bench/RESULTS.md, "Sensitivity"), and which
/// side it takes decides both the endpoint and how much work the rest of the run is: a single run's
/// evaluation count is one draw from that spread, so a cost worth quoting is its median over perturbations.
/// </summary>
public static class Spread
{
    /// <summary>
    /// K runs at rtol * 1.25^u, u evenly spaced in [-1, 1] (one run at rtol itself when K = 1); one summary line
    /// per run, then `R1 spread K=... rhs median=... min=... max=...` with the wall times and final losses.
    /// </summary>
    public static int Run(string name, double horizon, double rtol, int k, string[] args)
    {
        var rhs = new List<double>(); var wall = new List<double>(); var loss = new List<double>();
        for (int i = 0; i < k; i++)
        {
            double u = k == 1 ? 0 : -1 + 2.0 * i / (k - 1);
            double r = rtol * Math.Pow(1.25, u);
            var (res, cpu) = ReferenceProblems.Integrate(name, horizon, r, args, null);
            Console.WriteLine($"rtol={r.ToString("G4", CultureInfo.InvariantCulture)} {ReferenceProblems.SummaryLine(name, res, cpu)}");
            rhs.Add(res.Statistics.RhsEvaluations); wall.Add(res.Statistics.WallSeconds); loss.Add(res.FinalLoss);
        }
        Console.WriteLine(FormattableString.Invariant(
            $"{name.ToUpperInvariant()} spread K={k} t={horizon:G6} rhs median={SweepAnalysis.Median(rhs):F0} min={rhs.Min():F0} max={rhs.Max():F0} wall median={SweepAnalysis.Median(wall):F2} min={wall.Min():F2} max={wall.Max():F2} loss min={loss.Min():G6} max={loss.Max():G6}"));
        return 0;
    }

    /// <summary>
    /// The problem's shape over K instances (seeds 1..K of <see cref="ReferenceProblems.Build"/>), two at a time:
    /// one trajectory's cost is one draw, and a change to the integrator is judged by the median and total over
    /// instances, not by one. One summary line per instance (in seed order), then `R1 seeds K=... rhs median=...
    /// total=...`. Wall times are those of runs sharing the machine's two cores.
    /// </summary>
    public static int RunSeeds(string name, double horizon, double rtol, int k, string[] args)
    {
        var results = new (FlowResult Result, double Cpu)[k];
        Parallel.For(0, k, new ParallelOptions { MaxDegreeOfParallelism = 2 },
            i => results[i] = ReferenceProblems.Integrate(name, horizon, rtol, args, null, seed: i + 1));
        for (int i = 0; i < k; i++)
        {
            var s = results[i].Result.Statistics;
            Console.WriteLine($"seed={i + 1} {ReferenceProblems.SummaryLine(name, results[i].Result, results[i].Cpu)} captures={s.Captures} recaptures={s.Recaptures}");
        }
        var rhs = results.Select(r => (double)r.Result.Statistics.RhsEvaluations).ToList();
        var recaptures = results.Select(r => (double)r.Result.Statistics.Recaptures).ToList();
        Console.WriteLine(FormattableString.Invariant(
            $"{name.ToUpperInvariant()} seeds K={k} t={horizon:G6} rtol={rtol:G3} rhs median={SweepAnalysis.Median(rhs):F0} total={rhs.Sum():F0} min={rhs.Min():F0} max={rhs.Max():F0} recaptures median={SweepAnalysis.Median(recaptures):F0} total={recaptures.Sum():F0}"));
        return 0;
    }
}
