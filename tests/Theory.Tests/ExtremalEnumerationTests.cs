using FsCheck;
using Xunit.Abstractions;
using FsCheck.Fluent;
using SimplicityBias.Dynamics.Network;
using SimplicityBias.Theory.Extremal;
using static SimplicityBias.Theory.Tests.ExtremalTestHelpers;

namespace SimplicityBias.Theory.Tests;

public class ExtremalEnumerationTests
{
    private readonly ITestOutputHelper _out;
    public ExtremalEnumerationTests(ITestOutputHelper output) => _out = output;

    [Fact]
    public void Enumerate2D_and_arrangement_agree_and_are_exact()
    {
        for (int seed = 0; seed < 30; seed++)
        {
            var data = Gaussian(4 + seed % 9, 2, seed);
            var a = ExtremalVectors.Enumerate2D(data);
            var b = ExtremalVectors.EnumerateArrangement(data);
            Assert.Equal(b.Vectors.Select(KeyOf).OrderBy(s => s), a.Vectors.Select(KeyOf).OrderBy(s => s));
            foreach (var v in a.Vectors) Assert.Null(CheckExact(data, v));
            Assert.NotEmpty(a.Vectors);
            if (seed == 0) _out.WriteLine($"n={data.N}: {a.Vectors.Count} extremal vectors, kinds {string.Join(",", a.Vectors.Select(v => $"{v.Sign}{v.Kind}{v.BoundarySet.Length}"))}");
        }
    }

    [Fact]
    public void Two_dimensional_hand_example()
    {
        // x1 = e1 (y = 1), x2 = e2 (y = 1): D_n on the quarter u1,u2 > 0 is (1,1)/2 -> u = (1,1)/sqrt2, c = 1/sqrt2.
        var data = new Dataset(2, 2, [1, 0, 0, 1], [1, 1]);
        var set = ExtremalVectors.Enumerate2D(data);
        var top = set.Positive.OrderByDescending(v => v.Value).First();
        Assert.Equal(1 / Math.Sqrt(2), top.Value, 1e-14);
        Assert.Equal(1 / Math.Sqrt(2), top.Direction[0], 1e-14);
        Assert.Equal(CriticalPointKind.LocalMaximum, top.Kind);
        Assert.Equal([0, 1], top.ActivationSet);
        foreach (var v in set.Vectors) Assert.Null(CheckExact(data, v));
    }
}

public class ExtremalGridAndSearchTests
{
    private readonly ITestOutputHelper _out;
    public ExtremalGridAndSearchTests(ITestOutputHelper output) => _out = output;

    [Fact]
    public void Enumerate2D_local_extrema_match_a_brute_force_grid()
    {
        // Independent of the verifier: scan G_n on a fine grid of the circle and find its
        // discrete local maxima and minima; each must sit next to an enumerated stable vector.
        const int grid = 200_000;
        for (int seed = 100; seed < 110; seed++)
        {
            var data = Gaussian(6 + seed % 5, 2, seed);
            var set = ExtremalVectors.Enumerate2D(data);
            var g = new double[grid];
            for (int i = 0; i < grid; i++)
            {
                double th = 2 * Math.PI * i / grid;
                g[i] = EarlyAlignment.G(data, [Math.Cos(th), Math.Sin(th)]);
            }
            int maxima = 0, minima = 0;
            for (int i = 0; i < grid; i++)
            {
                double a = g[(i + grid - 1) % grid], b = g[i], c = g[(i + 1) % grid];
                bool isMax = b > a && b >= c, isMin = b < a && b <= c;
                if (!isMax && !isMin) continue;
                // plateaus at G = 0 (arcs where no point is active) are not extremal: c must be > 0
                if (Math.Abs(b) < 1e-12) continue;
                double th = 2 * Math.PI * i / grid;
                double[] u = [Math.Cos(th), Math.Sin(th)];
                var match = set.Vectors.Where(v => v.Kind == (isMax ? CriticalPointKind.LocalMaximum : CriticalPointKind.LocalMinimum))
                    .Min(v => Vec2Angle(v.Direction, u));
                Assert.True(match < 3 * 2 * Math.PI / grid, $"seed {seed}: grid {(isMax ? "max" : "min")} at {th} has no enumerated partner (nearest {match})");
                if (isMax) maxima++; else minima++;
            }
            Assert.Equal(set.Vectors.Count(v => v.Kind == CriticalPointKind.LocalMaximum), maxima);
            Assert.Equal(set.Vectors.Count(v => v.Kind == CriticalPointKind.LocalMinimum), minima);
        }
    }

    private static double Vec2Angle(double[] a, double[] b) => SimplicityBias.Theory.Numerics.Vec.Angle(a, b);

    [Fact]
    public void Search_matches_enumeration_in_two_dimensions_property()
    {
        // d = 2: the multi-start search (ascent and descent) finds every local maximum and local
        // minimum of G_n among the extremal vectors, and nothing the exact enumeration does not list;
        // starts end unresolved only where the flow stalls (D_n = 0).
        var gen = Gen.Choose(3, 9).SelectMany(n => Gen.Choose(0, 1_000_000).Select(seed => (n, seed)));
        Prop.ForAll(gen.ToArbitrary(), t =>
        {
            var data = Gaussian(t.n, 2, t.seed);
            var exact = ExtremalVectors.Enumerate2D(data);
            var found = ExtremalVectors.Search(data, new SearchOptions { RandomStarts = 1500, Seed = t.seed });
            var all = exact.Vectors.Select(KeyOf).ToHashSet();
            var stable = exact.Vectors.Where(v => v.Kind is CriticalPointKind.LocalMaximum or CriticalPointKind.LocalMinimum).Select(KeyOf).OrderBy(s => s).ToArray();
            var got = found.Vectors.Select(KeyOf).ToArray();
            bool subset = got.All(all.Contains);
            bool complete = stable.All(got.Contains);
            bool exactEach = found.Vectors.All(v => CheckExact(data, v) is null);
            return (subset && complete && exactEach && found.Unresolved == found.Stalled)
                .Label($"n={t.n} seed={t.seed}: subset={subset} complete={complete} exact={exactEach} unresolved={found.Unresolved} stalled={found.Stalled} exact={string.Join(";", stable)} got={string.Join(";", got)}");
        }).QuickCheckThrowOnFailure();
    }
}

public class ExtremalHigherDimensionTests
{
    private readonly ITestOutputHelper _out;
    public ExtremalHigherDimensionTests(ITestOutputHelper output) => _out = output;

    [Fact]
    public void Every_reported_extremal_vector_is_exact_property()
    {
        // D_n(u) = s c u exactly (rounding only), from scratch, for every method, d = 2..4.
        var gen = Gen.Choose(2, 4).SelectMany(d => Gen.Choose(d + 1, 10).SelectMany(n => Gen.Choose(0, 1_000_000).Select(seed => (d, n, seed))));
        Prop.ForAll(gen.ToArbitrary(), t =>
        {
            var data = Gaussian(t.n, t.d, t.seed);
            var sets = new List<ExtremalSet>
            {
                ExtremalVectors.EnumerateArrangement(data),
                ExtremalVectors.Search(data, new SearchOptions { RandomStarts = 60, Seed = t.seed }),
                ExtremalVectors.Search(data, new SearchOptions { RandomStarts = 60, Seed = t.seed, Method = SearchMethod.FixedPoint }),
            };
            if (t.d == 2) sets.Add(ExtremalVectors.Enumerate2D(data));
            var errors = sets.SelectMany(s => s.Vectors.Select(v => (s.Method, Err: CheckExact(data, v)))).Where(e => e.Err is not null).ToList();
            return (errors.Count == 0 && sets[0].Vectors.Count > 0)
                .Label($"d={t.d} n={t.n} seed={t.seed}: {string.Join("; ", errors.Select(e => e.Method + ": " + e.Err))}");
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Search_matches_arrangement_in_three_dimensions()
    {
        // d = 3, small n: every local maximum and minimum of the exact enumeration is found by
        // the flow search, and the search reports nothing outside the enumeration.
        int totalExact = 0, kinks = 0;
        for (int seed = 0; seed < 12; seed++)
        {
            var data = Gaussian(6 + seed % 6, 3, 1000 + seed);
            var exact = ExtremalVectors.EnumerateArrangement(data);
            var found = ExtremalVectors.Search(data, new SearchOptions { RandomStarts = 1500, Seed = seed });
            var all = exact.Vectors.Select(KeyOf).ToHashSet();
            var extrema = exact.Vectors.Where(v => v.Kind is CriticalPointKind.LocalMaximum or CriticalPointKind.LocalMinimum).Select(KeyOf).ToList();
            var got = found.Vectors.Select(KeyOf).ToHashSet();
            Assert.True(got.All(all.Contains), $"seed {seed}: search found a vector outside the enumeration");
            var missing = extrema.Where(k => !got.Contains(k)).ToList();
            Assert.True(missing.Count == 0, $"seed {seed}: missing {string.Join(" ; ", missing)}; unresolved {found.Unresolved} stalled {found.Stalled}");
            Assert.Equal(found.Stalled, found.Unresolved);
            totalExact += exact.Vectors.Count;
            kinks += exact.Vectors.Count(v => v.BoundarySet.Length > 0 && v.IsStable);
        }
        _out.WriteLine($"{totalExact} extremal vectors in 12 datasets, {kinks} stable ones on hyperplanes");
    }
}
