using System.Diagnostics;
using System.Globalization;
using SimplicityBias.Theory.Data;
using SimplicityBias.Theory.Extremal;

namespace SimplicityBias.Bench.Extremal;

/// <summary>
/// `extremal-enum`: wall time of the exact arrangement enumeration on linear-teacher Gaussian data.
/// `extremal-recall`: on sizes the enumeration handles, the share of its extremal vectors that the face
/// search and the flow search find, by kind (boundary size and local type).
/// </summary>
public static class ExtremalBench
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>Runs `extremal-enum [d:n ...]`.</summary>
    public static int Enumerate(string[] args)
    {
        var sizes = args.Length > 0 ? args.Select(Parse).ToArray() : [(3, 50), (3, 100), (3, 200), (4, 30), (4, 60), (5, 20), (5, 30)];
        Console.WriteLine("d    n   candidates  vectors  (interior/1/2/.. hyperplanes)  seconds");
        foreach (var (d, n) in sizes)
        {
            var data = DataModel.StandardLinear(n, d, 0.5, 1).Generate();
            var sw = Stopwatch.StartNew();
            var set = ExtremalVectors.EnumerateArrangement(data, long.MaxValue);
            double s = sw.Elapsed.TotalSeconds;
            var byB = string.Join("/", Enumerable.Range(0, d).Select(b => set.Vectors.Count(v => v.BoundarySet.Length == b)));
            Console.WriteLine(string.Create(Inv, $"{d} {n,4} {set.Candidates,12} {set.Vectors.Count,8}  {byB,-30} {s,8:F2}  complete {set.Complete}"));
        }
        return 0;
    }

    /// <summary>Runs `extremal-recall [--sets K] [--walks W] d:n ...`.</summary>
    public static int Recall(string[] args)
    {
        int sets = 6, walks = new FaceSearchOptions().Walks;
        var sizes = new List<(int, int)>();
        for (int i = 0; i < args.Length; i++)
        {
            if (args[i] == "--sets") sets = int.Parse(args[++i], Inv);
            else if (args[i] == "--walks") walks = int.Parse(args[++i], Inv);
            else sizes.Add(Parse(args[i]));
        }
        if (sizes.Count == 0) sizes = [(3, 13), (3, 30), (4, 12), (4, 20), (5, 10), (5, 14)];
        foreach (var (d, n) in sizes)
        {
            var total = new Dictionary<string, (int All, int Face, int Flow)>();
            double faceSeconds = 0, coverage = 0;
            for (int seed = 1; seed <= sets; seed++)
            {
                var data = DataModel.StandardLinear(n, d, 0.5, seed).Generate();
                var exact = ExtremalVectors.EnumerateArrangement(data, long.MaxValue);
                var sw = Stopwatch.StartNew();
                var face = ExtremalVectors.SearchFaces(data, new FaceSearchOptions { Seed = seed, Walks = walks });
                faceSeconds += sw.Elapsed.TotalSeconds;
                coverage += face.Coverage;
                var flow = ExtremalVectors.Search(data, new SearchOptions { Seed = seed, RandomStarts = 64, Method = SearchMethod.FixedPoint, MaxDegreeOfParallelism = 1 });
                var faceKeys = face.Vectors.Select(Key).ToHashSet();
                var flowKeys = flow.Vectors.Select(Key).ToHashSet();
                foreach (var v in exact.Vectors)
                {
                    foreach (var kind in new[] { $"on {v.BoundarySet.Length} hyperplane(s)", v.IsStable ? "stable" : "not stable" })
                    {
                        var t = total.GetValueOrDefault(kind);
                        total[kind] = (t.All + 1, t.Face + (faceKeys.Contains(Key(v)) ? 1 : 0), t.Flow + (flowKeys.Contains(Key(v)) ? 1 : 0));
                    }
                }
            }
            Console.WriteLine(string.Create(Inv, $"d = {d}, n = {n}, {sets} data sets (linear teacher, N(0, I), sigma 0.5), face search {walks} walks: {faceSeconds / sets:F2} s per set, mean coverage {coverage / sets:F4}"));
            foreach (var (kind, t) in total.OrderBy(kv => kv.Key, StringComparer.Ordinal))
                Console.WriteLine(string.Create(Inv, $"  {kind,-22} exact {t.All,5}   face search {t.Face,5} ({(double)t.Face / t.All:P1})   flow search (64 starts) {t.Flow,5} ({(double)t.Flow / t.All:P1})"));
        }
        return 0;
    }

    /// <summary>Runs `extremal-time data.csv`: wall time of each part of the pipeline's extremal computation.</summary>
    public static int Time(string[] args)
    {
        if (args.Length != 1) { Console.Error.WriteLine("usage: extremal-time data.csv"); return 2; }
        var data = SimplicityBias.Dynamics.Network.Dataset.LoadCsv(args[0]);
        var sw = Stopwatch.StartNew();
        var flow = ExtremalVectors.Search(data, new SearchOptions { RandomStarts = 32, Seed = 1, Method = SearchMethod.FixedPoint, MaxDegreeOfParallelism = 1 });
        Console.WriteLine(string.Create(Inv, $"flow search (32 starts of each sign): {sw.Elapsed.TotalSeconds:F2} s, {flow.Vectors.Count} vectors"));
        var opt = SimplicityBias.Verify.Running.Predictions.BudgetedFaceSearch(data, 1);
        Console.WriteLine(string.Create(Inv, $"budgeted face search options: walks {opt.Walks}, coverage sample {opt.CoverageSample}, max boundary {opt.MaxBoundary}, max candidates {opt.MaxCandidates}"));
        sw.Restart();
        var face = ExtremalVectors.SearchFaces(data, opt with { CoverageSample = 0 }, known: flow.Vectors);
        Console.WriteLine(string.Create(Inv, $"face search: {sw.Elapsed.TotalSeconds:F2} s, {face.Vectors.Count} vectors, {face.VerticesVisited} vertices, {face.Candidates} candidates"));
        sw.Restart();
        face = ExtremalVectors.SearchFaces(data, opt with { Walks = 1, MaxExpansionDepth = -1 }, known: flow.Vectors);
        Console.WriteLine(string.Create(Inv, $"one walk and the coverage sample: {sw.Elapsed.TotalSeconds:F2} s, coverage {face.Coverage:F4}"));
        return 0;
    }

    private static string Key(ExtremalVector v) => $"{v.Sign}|{string.Join(",", v.ActivationSet)}|{string.Join(",", v.BoundarySet)}";

    private static (int, int) Parse(string s)
    {
        var p = s.Split(':');
        if (p.Length != 2 || !int.TryParse(p[0], Inv, out int d) || !int.TryParse(p[1], Inv, out int n) || d < 1 || n < 1)
            throw new ArgumentException($"size must be d:n with positive integers, got '{s}'", nameof(s));
        return (d, n);
    }
}
