using System.Collections.Concurrent;
using SimplicityBias.Dynamics.Network;
using SimplicityBias.Theory.Endpoint;
using SimplicityBias.Theory.Extremal;
using SimplicityBias.Theory.Experiments;
using SimplicityBias.Verify.Specs;

namespace SimplicityBias.Verify.Running;

/// <summary>
/// The theory's predictions as the pipeline uses them: one seam between the checks and SimplicityBias.Theory.
/// Everything here comes from SimplicityBias.Theory.
/// </summary>
public static class Predictions
{
    /// <summary>Size of the Monte Carlo sample for population extremal vectors without a closed form.</summary>
    public const int PopulationSampleSize = Theory.Extremal.PopulationExtremal.DefaultSamples;

    private static readonly ConcurrentDictionary<string, (IReadOnlyList<ExtremalDirection>, string)> PopulationCache = new(StringComparer.Ordinal);

    /// <summary>
    /// Empirical extremal directions of <paramref name="data"/> (SimplicityBias.Theory): all of them when the
    /// exact enumeration fits (<see cref="ExtremalVectors.Find"/>: arcs for d = 2, the arrangement for small n and d),
    /// otherwise the face search with a budget that keeps large runs to seconds, together with the flow search
    /// from random starts plus the given starts (neuron directions with their signs), which finds the
    /// attractors the neurons approach. Says whether the set is complete, and how many the flow search alone found.
    /// </summary>
    public static EmpiricalExtremal Extremal(Dataset data, IEnumerable<(double[] Start, int Sign)> extraStarts, int seed,
        int randomStarts = 32, bool parallel = false, long maxEnumerationCandidates = ExtremalVectors.DefaultMaxCandidates,
        FaceSearchOptions? search = null)
    {
        var starts = extraStarts.Where(s => s.Start.Any(x => x != 0) && s.Sign != 0).ToList();
        NetworkParameters? neurons = null;
        if (starts.Count > 0)
        {
            neurons = new NetworkParameters(starts.Count, data.D);
            for (int j = 0; j < starts.Count; j++)
            {
                neurons.Theta[j * (data.D + 1)] = starts[j].Sign;
                starts[j].Start.AsSpan().CopyTo(neurons.W(j));
            }
        }
        // Runs of a sweep are already parallel: one thread per search unless asked.
        var options = new SearchOptions
        {
            RandomStarts = randomStarts, Seed = seed, Method = SearchMethod.FixedPoint,
            MaxDegreeOfParallelism = parallel ? -1 : 1,
        };
        var flow = ExtremalVectors.Search(data, options, neurons);
        // the face search keeps the flow search's finds (the attractors the neurons approach) and walks around them
        var set = ExtremalVectors.Find(data, maxEnumerationCandidates, search ?? BudgetedFaceSearch(data, seed), known: flow.Vectors);
        var vectors = set.Vectors;
        var list = vectors.Select(v => new ExtremalDirection(v.Sign, v.Value, v.Direction, v.Vector, v.ActivationSet.Length)
        {
            Stable = v.IsStable, BoundaryCount = v.BoundarySet.Length, Kind = v.Kind, ActivationSet = v.ActivationSet, BoundarySet = v.BoundarySet, Eta = v.Eta,
        }).ToList();
        return new EmpiricalExtremal(list, set.Complete, set.Complete ? 1.0 : set.Coverage, set.Method, flow.Vectors.Count);
    }

    /// <summary>
    /// Face-search options whose cost stays to seconds whatever n and d: fewer walks and a smaller coverage sample
    /// for large n, a cap on the faces checked, for d &gt; 6 only faces on at most 2 hyperplanes at each vertex, and
    /// no flow search of its own (<see cref="Extremal"/> hands it the one it runs with the neurons' starts).
    /// </summary>
    public static FaceSearchOptions BudgetedFaceSearch(Dataset data, long seed)
    {
        double n = data.N, d = data.D;
        return new FaceSearchOptions
        {
            Seed = seed,
            FlowStarts = 0,
            Walks = (int)Math.Clamp(2e8 / (n * d * d), 50, 4000),
            CoverageSample = (int)Math.Clamp(2e8 / (n * d), 500, 20_000),
            MaxBoundary = data.D > 6 ? 2 : int.MaxValue,
            MaxCandidates = (long)Math.Clamp(2e9 / (n * d), 100_000, 4_000_000),
        };
    }

    /// <summary>Least squares on a subset of the rows (SimplicityBias.Theory, QR); null when under-determined or rank deficient; the empty subset gives 0.</summary>
    public static double[]? OlsOnSubset(Dataset data, bool[] subset)
    {
        if (!subset.Any(b => b)) return new double[data.D];
        var side = OlsOnSides.FitSide(data, subset, "S");
        return side.Status == OlsStatus.Ok ? side.Beta : null;
    }

    /// <summary>Reference train and noise-free test levels above the threshold (1/(2n) convention), from SimplicityBias.Theory.</summary>
    public static (double Train, double Test) ReferenceLevels(double sigma, int d, int n)
        => (Theory.Endpoint.ReferenceLevels.TrainLoss(n, d, sigma), Theory.Endpoint.ReferenceLevels.TestExcess(n, d, sigma));

    /// <summary>Whether the spec's population extremal directions are known in closed form (symmetric inputs with known Sigma, linear teacher).</summary>
    public static bool PopulationInClosedForm(ExperimentSpec s)
        => s.Teacher == TeacherKind.Linear && s.DataModel != InputLawKind.Orthogonal && s.Model().Input is { IsSymmetric: true } law && law.SecondMoment(s.D) is not null;

    /// <summary>
    /// Population extremal directions (SimplicityBias.Theory): closed form for symmetric inputs and a
    /// linear teacher (+-u* with u* = Sigma beta*/|Sigma beta*|), truncated-Gaussian moments for shifted
    /// Gaussian inputs, otherwise Monte Carlo on <see cref="PopulationSampleSize"/> noise-free points.
    /// The extremal vector of a direction u is D(u) = sign c u. Null for orthogonal data. Cached per population.
    /// </summary>
    public static (IReadOnlyList<ExtremalDirection> Vectors, string Method)? PopulationExtremal(ExperimentSpec s)
    {
        if (s.DataModel == InputLawKind.Orthogonal) return null;
        // Only the fields the population depends on form the cache key (not n, m, solver, ...).
        var key = CanonicalSpec.ToJson(new ExperimentSpec
        {
            DataModel = s.DataModel, Shift = s.Shift, Teacher = s.Teacher, Beta = s.BetaOrDefault(), TeacherUnits = s.TeacherUnits, D = s.D,
            Seed = s.Teacher == TeacherKind.Relu ? s.Seed : 0,
        });
        return PopulationCache.GetOrAdd(key, _ =>
        {
            var set = Theory.Extremal.PopulationExtremal.Compute(s.Model(), PopulationSampleSize, seed: 0);
            var list = set.Vectors.Select(v => new ExtremalDirection(v.Sign, v.Value, v.Direction, v.Direction.Select(x => v.Sign * v.Value * x).ToArray(), -1)).ToList();
            var method = set.Method == "monte-carlo" ? $"Monte Carlo on {set.Samples} points" : set.Method;
            return (list, method);
        });
    }
}
