using SimplicityBias.Dynamics.Network;
using SimplicityBias.Theory.Extremal;
using Xunit.Abstractions;

namespace SimplicityBias.Theory.Tests.Properties;

/// <summary>
/// Property 7: on small data, the general search (ExtremalVectors.Search, 200 random starts of each sign, the
/// early-alignment flow) against the exact enumeration (Enumerate2D for d = 2, EnumerateArrangement for d = 3).
/// The search follows projected ascent (positive) and descent (negative), so what it can reach are the stable
/// extremal vectors: positive local maxima and negative local minima of G_n; saddles are not attractors.
///
/// Claimed and checked on every case: every vector either method returns verifies exactly (an independent check:
/// activation and boundary sets match u, eta in [0, 1], D_n(u) = sign c u); every searched vector is in the
/// enumeration (no spurious one); the best value found of each sign is within 5% of the global maximum (minimum)
/// of G_n. (The first version claimed the global extreme vectors themselves; SBT_PROPERTY_SCALE=2 with seed 777
/// found a global minimum with a 1.3% basin, kept below.)
///
/// "The search finds every stable vector of the enumeration" is false for the flow search: it misses maxima whose
/// basin is tiny (measured: 24 of 407 stable vectors in 100 cases, each within 0.31 rad of a found one of nearly the
/// same value, within 2%); the misses are counted in the output. The face search looks for every kind (saddles and
/// kinks too): its recall by kind is claimed (at least 95%), and completeness is claimed only for the enumeration
/// (property 8), which is what the toolkit uses wherever it fits.
/// </summary>
[Collection("properties-7")]
public class P7SearchVersusEnumerationProperty(ITestOutputHelper output)
{
    public const int Cases = 30;

    public static ExtremalSet Search(Dataset data, int seed) =>
        ExtremalVectors.Search(data, new SearchOptions { Seed = seed, MaxDegreeOfParallelism = 1 });

    private static int _stable, _missed;
    private static double _missedAngle;

    public static Verdict Check(ExperimentCase c, bool requireAllStable)
    {
        var data = c.Train();
        var en = P3ExtremalConcentrationProperty.Enumerate(data);
        if (en.Unresolved > 0) return Verdict.Skip($"the exact enumeration skipped {en.Unresolved} degenerate vertices (incomplete)");
        var se = Search(data, c.Seed);
        var v = ExtremalChecks.SearchCoversEnumeration(data, en.Vectors, se.Vectors);
        var missed = ExtremalChecks.MissedStable(en.Vectors, se.Vectors);
        Interlocked.Add(ref _stable, en.Vectors.Count(x => x.IsStable));
        Interlocked.Add(ref _missed, missed.Count);
        foreach (var (_, angle, _) in missed) _missedAngle = Math.Max(_missedAngle, angle);
        if (requireAllStable || v.Outcome != Outcome.Fail || !v.Message.StartsWith("search missed")) return v;
        // Narrowed claim: misses allowed, but the best values found are near the global extremes of G_n.
        return ExtremalChecks.FindsGlobalExtremes(en.Vectors, se.Vectors);
    }

    [Fact]
    public void P7_30_cases_search_vectors_verify_exactly_are_in_the_enumeration_and_reach_the_global_max_and_min_values()
    {
        _stable = _missed = 0; _missedAngle = 0;
        PropertyRunner.Run(output, "P7 search vs enumeration", Families.SearchVersusEnumeration.Arbitrary(), Cases, c => Check(c, false), minReached: 0.9);
        output.WriteLine($"  stable vectors enumerated {_stable}, missed by the search {_missed} (largest angle to a found one of the same sign {_missedAngle:G3} rad)");
    }

    public const string MissCase = """{"dataModel": "sphere", "teacher": "linear", "beta": [0.994820588961336, -0.10164642531157095], "sigma": 0.34, "n": 23, "d": 2, "seed": 79, "testN": 0}""";

    private static readonly object Gate = new();
    private static readonly SortedDictionary<string, (int All, int Found)> ByKind = new(StringComparer.Ordinal);

    /// <summary>
    /// The search that looks for every kind (<see cref="ExtremalVectors.SearchFaces"/>, default options), per case:
    /// everything it returns verifies and is in the exact enumeration, and it says it is not complete (only an
    /// enumeration is), with a coverage in [0, 1]. What it finds is counted by kind; the recall claim is over all
    /// cases (below).
    /// </summary>
    public static Verdict CheckFaceSearch(ExperimentCase c)
    {
        var data = c.Train();
        var en = P3ExtremalConcentrationProperty.Enumerate(data);
        if (en.Unresolved > 0) return Verdict.Skip($"the exact enumeration skipped {en.Unresolved} degenerate vertices (incomplete)");
        var se = ExtremalVectors.SearchFaces(data, new FaceSearchOptions { Seed = c.Seed });
        if (se.Complete) return Verdict.Fail("a search reported complete: true");
        if (!(se.Coverage >= 0 && se.Coverage <= 1)) return Verdict.Fail($"coverage {se.Coverage} is not in [0, 1]");
        var keys = en.Vectors.Select(ExtremalChecks.Key).ToHashSet();
        foreach (var v in se.Vectors)
        {
            if (ExtremalChecks.Verify(data, v) is { } why) return Verdict.Fail($"face search returned {ExtremalChecks.Key(v)} that does not verify: {why}");
            if (!keys.Contains(ExtremalChecks.Key(v))) return Verdict.Fail($"face search returned {ExtremalChecks.Key(v)}, not in the enumeration");
        }
        var got = se.Vectors.Select(ExtremalChecks.Key).ToHashSet();
        lock (Gate)
            foreach (var v in en.Vectors)
                foreach (var k in new[] { $"on {v.BoundarySet.Length} hyperplane(s)", v.IsStable ? "stable" : "not stable" })
                {
                    var t = ByKind.GetValueOrDefault(k);
                    ByKind[k] = (t.All + 1, t.Found + (got.Contains(ExtremalChecks.Key(v)) ? 1 : 0));
                }
        int missed = en.Vectors.Count(v => !got.Contains(ExtremalChecks.Key(v)));
        return Verdict.Pass($"{en.Vectors.Count - missed} of {en.Vectors.Count} found, coverage {se.Coverage:F4}") with { Measure = missed };
    }

    /// <summary>At least 95% of the enumerated vectors of each kind (boundary size; stable or not) with 20 or more of them are found.</summary>
    [Fact]
    public void P7_30_cases_face_search_finds_at_least_95_percent_of_the_extremal_vectors_of_each_kind()
    {
        lock (Gate) ByKind.Clear();
        PropertyRunner.Run(output, "P7 face search recall", Families.SearchVersusEnumeration.Arbitrary(), Cases, CheckFaceSearch, minReached: 0.9);
        lock (Gate)
        {
            foreach (var (k, t) in ByKind) output.WriteLine($"  {k}: enumerated {t.All}, found {t.Found} ({(double)t.Found / t.All:P1})");
            foreach (var (k, t) in ByKind)
                Assert.True(t.All < 20 || t.Found >= 0.95 * t.All, $"face search recall {k}: {t.Found} of {t.All}");
        }
    }

    /// <summary>The flow search's miss above (a local maximum with a small basin) is found by the face search.</summary>
    [Fact]
    public void P7_regression_face_search_finds_the_small_basin_maximum_the_flow_search_misses()
    {
        var c = new ExperimentCase { DataModel = InputLawKind.Sphere, Beta = [0.994820588961336, -0.10164642531157095], Sigma = 0.34, N = 23, D = 2, Seed = 79, HasNetwork = false };
        Assert.Equal(MissCase, c.ToJson());
        var v = CheckFaceSearch(c);
        Assert.Equal(Outcome.Pass, v.Outcome);
        Assert.Equal(0, v.Measure);
    }

    /// <summary>
    /// Taught: on Rademacher inputs in d = 3 (8 distinct points, each repeated), more than 10 hyperplanes pass through
    /// a vertex ray and EnumerateArrangement skips it; with n = 67 it skips all 3236 and returns no vector at all,
    /// while the search finds the two that exist. Honest (Unresolved says so), but "exact enumeration" is then empty:
    /// such cases are skipped by properties 3 and 7, and Rademacher inputs are left out of their generators in d = 3.
    /// </summary>
    [Fact]
    public void P7_regression_arrangement_enumeration_reports_degenerate_rademacher_data_as_unresolved()
    {
        var c = new ExperimentCase { DataModel = InputLawKind.Rademacher, D = 3, N = 67, Beta = [0.385, 0.283, -0.878], Sigma = 0.58, Seed = 18, HasNetwork = false };
        var data = c.Train();
        var en = ExtremalVectors.EnumerateArrangement(data);
        Assert.True(en.Unresolved > 0, "the degenerate vertices must be counted");
        Assert.Equal(Outcome.Skipped, Check(c, false).Outcome);
    }

    /// <summary>The global minimum of G_n (value 0.11667, on a kink) has 1.3% of the starts; a neighbour with 0.11656 has 53%. 200 starts miss it (2000 find it).</summary>
    [Fact]
    public void P7_regression_global_minimum_with_a_small_basin_is_missed_but_its_value_is_reached()
    {
        var c = new ExperimentCase { DataModel = InputLawKind.Sphere, Beta = [-0.36, -0.07, 0.28], Sigma = 1.26, N = 40, D = 3, Seed = 779553, HasNetwork = false };
        var data = c.Train();
        var en = P3ExtremalConcentrationProperty.Enumerate(data).Vectors;
        var se = Search(data, c.Seed).Vectors;
        var best = en.Where(v => v.Sign < 0 && v.IsStable).MaxBy(v => v.Value)!;
        Assert.DoesNotContain(se, v => ExtremalChecks.Key(v) == ExtremalChecks.Key(best));
        Assert.Equal(Outcome.Pass, Check(c, false).Outcome);
    }

    // ---- the checker rejects broken results ----

    private static readonly ExperimentCase Reference = new() { DataModel = InputLawKind.Gaussian, Teacher = TeacherKind.Relu, Sigma = 1.4, N = 30, D = 2, Seed = 60, HasNetwork = false };

    [Fact]
    public void P7_reference_case_passes_with_several_stable_vectors()
    {
        var data = Reference.Train();
        var en = P3ExtremalConcentrationProperty.Enumerate(data);
        var v = ExtremalChecks.SearchCoversEnumeration(data, en.Vectors, Search(data, Reference.Seed).Vectors);
        output.WriteLine(v.Message);
        Assert.Equal(Outcome.Pass, v.Outcome);
        Assert.True(en.Vectors.Count(x => x.IsStable) >= 3);
    }

    [Fact]
    public void P7_checker_rejects_a_search_that_keeps_only_its_worst_positive_vector()
    {
        var data = Reference.Train();
        var en = P3ExtremalConcentrationProperty.Enumerate(data).Vectors;
        var found = Search(data, Reference.Seed).Vectors;
        var worst = found.Where(v => v.Sign > 0).MinBy(v => v.Value)!;
        var broken = found.Where(v => v.Sign < 0 || v == worst).ToList();
        Assert.True(ExtremalChecks.SearchCoversEnumeration(data, en, broken).Failed);
        var v = ExtremalChecks.FindsGlobalExtremes(en, broken);
        output.WriteLine(v.Message);
        Assert.True(v.Failed, v.Message);
    }

    [Fact]
    public void P7_checker_rejects_a_direction_perturbed_by_a_millionth()
    {
        var data = Reference.Train();
        var en = P3ExtremalConcentrationProperty.Enumerate(data).Vectors;
        var found = Search(data, Reference.Seed).Vectors.ToList();
        var u = (double[])found[0].Direction.Clone();
        u[0] += 1e-6;
        double nu = Math.Sqrt(u.Sum(x => x * x));
        found[0] = found[0] with { Direction = u.Select(x => x / nu).ToArray() };
        var v = ExtremalChecks.SearchCoversEnumeration(data, en, found);
        Assert.True(v.Failed, v.Message);
        Assert.Contains("does not verify", v.Message);
    }

    [Fact]
    public void P7_checker_rejects_a_spurious_vector_with_a_wrong_activation_set()
    {
        var data = Reference.Train();
        var en = P3ExtremalConcentrationProperty.Enumerate(data).Vectors;
        var found = Search(data, Reference.Seed).Vectors.ToList();
        found.Add(found[0] with { ActivationSet = found[0].ActivationSet[1..] });
        Assert.True(ExtremalChecks.SearchCoversEnumeration(data, en, found).Failed);
    }

    [Fact]
    public void P7_checker_rejects_an_enumeration_with_a_negated_sign()
    {
        var data = Reference.Train();
        var en = P3ExtremalConcentrationProperty.Enumerate(data).Vectors.ToList();
        en[0] = en[0] with { Sign = -en[0].Sign };
        var v = ExtremalChecks.SearchCoversEnumeration(data, en, Search(data, Reference.Seed).Vectors);
        Assert.True(v.Failed, v.Message);
    }
}
