using SimplicityBias.Theory.Extremal;
using Xunit.Abstractions;

namespace SimplicityBias.Theory.Tests.Properties;

/// <summary>
/// Property 8: in d = 3, 4 and 5, on small data of any non-degenerate law, the toolkit's default
/// (<see cref="ExtremalVectors.Find"/>, the exact arrangement enumeration at these sizes) says it is complete,
/// every vector it returns verifies from scratch, and its set equals the brute force of
/// <see cref="BruteForceExtremal"/> (all activation subsets for interiors, all boundary sets of up to d - 1
/// points for faces), matched by sign, activation set and boundary set. The output counts data sets and
/// extremal vectors by boundary size and local type.
/// </summary>
[Collection("properties-8")]
public class P8EnumerationVersusBruteForceProperty(ITestOutputHelper output)
{
    public const int Cases = 45;

    private static readonly object Gate = new();
    private static readonly SortedDictionary<string, int> Kinds = new(StringComparer.Ordinal);
    private static int _sets;

    public static Verdict Check(ExperimentCase c)
    {
        var data = c.Train();
        var set = ExtremalVectors.Find(data);
        if (!set.Complete) return Verdict.Fail($"the default is not complete at n = {c.N}, d = {c.D} (method {set.Method}, {set.Unresolved} unresolved)");
        foreach (var v in set.Vectors)
            if (ExtremalChecks.Verify(data, v) is { } why) return Verdict.Fail($"enumerated {ExtremalChecks.Key(v)} does not verify: {why}");
        var brute = BruteForceExtremal.All(data, c.D - 1).Select(f => f.Key).ToHashSet();
        var mine = set.Vectors.Select(ExtremalChecks.Key).ToHashSet();
        var missed = brute.Where(k => !mine.Contains(k)).ToList();
        var extra = mine.Where(k => !brute.Contains(k)).ToList();
        if (missed.Count > 0 || extra.Count > 0)
            return Verdict.Fail($"enumeration and brute force differ: missed {string.Join(" ", missed)}; not in the brute force {string.Join(" ", extra)}");
        lock (Gate)
        {
            _sets++;
            foreach (var v in set.Vectors)
            {
                string k = $"d = {c.D}, on {v.BoundarySet.Length} hyperplane(s), {v.Kind}";
                Kinds[k] = Kinds.GetValueOrDefault(k) + 1;
            }
        }
        return Verdict.Pass($"{set.Vectors.Count} extremal vectors, equal to the brute force") with { Measure = set.Vectors.Count };
    }

    [Fact]
    public void P8_45_cases_d_3_to_5_the_enumeration_equals_an_independent_brute_force_and_is_complete()
    {
        lock (Gate) { Kinds.Clear(); _sets = 0; }
        PropertyRunner.Run(output, "P8 enumeration vs brute force", Families.EnumerationVersusBruteForce.Arbitrary(), Cases, Check);
        lock (Gate)
        {
            output.WriteLine($"  {_sets} data sets, {Kinds.Values.Sum()} extremal vectors; by kind:");
            foreach (var (k, v) in Kinds) output.WriteLine($"    {k}: {v}");
        }
    }
}
