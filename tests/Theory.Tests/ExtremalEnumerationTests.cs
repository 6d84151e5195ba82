using FsCheck;
using Xunit.Abstractions;
using FsCheck.Fluent;
using SimplicityBias.Dynamics.Network;
using SimplicityBias.Theory.Extremal;
using SimplicityBias.Theory.Data;
using SimplicityBias.Theory.Numerics;
using static SimplicityBias.Theory.Tests.ExtremalTestHelpers;
using SimplicityBias.Dynamics.Numerics;

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

    private static double Vec2Angle(double[] a, double[] b) => SimplicityBias.Dynamics.Numerics.Vec.Angle(a, b);

    [Fact]
    public void Search_matches_enumeration_in_two_dimensions_property()
    {
        // d = 2: the multi-start search (ascent and descent) finds every local maximum and local
        // minimum of G_n among the extremal vectors, and nothing the exact enumeration does not list;
        // starts end unresolved only where the flow stalls (D_n = 0).
        var gen = Gen.Choose(3, 9).SelectMany(n => Gen.Choose(0, 1_000_000).Select(seed => (n, seed)));
        var property = Prop.ForAll(gen.ToArbitrary(), t =>
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
        });
        Properties.PropertyRunner.Check("search matches enumeration in d = 2", property);
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
        var property = Prop.ForAll(gen.ToArbitrary(), t =>
        {
            var data = Gaussian(t.n, t.d, t.seed);
            var sets = new List<ExtremalSet>
            {
                ExtremalVectors.EnumerateArrangement(data),
                ExtremalVectors.Search(data, new SearchOptions { RandomStarts = 60, Seed = t.seed }),
                ExtremalVectors.Search(data, new SearchOptions { RandomStarts = 60, Seed = t.seed, Method = SearchMethod.FixedPoint }),
                ExtremalVectors.SearchFaces(data, new FaceSearchOptions { Walks = 200, Seed = t.seed, CoverageSample = 500 }),
            };
            if (t.d == 2) sets.Add(ExtremalVectors.Enumerate2D(data));
            var errors = sets.SelectMany(s => s.Vectors.Select(v => (s.Method, Err: CheckExact(data, v)))).Where(e => e.Err is not null).ToList();
            return (errors.Count == 0 && sets[0].Vectors.Count > 0)
                .Label($"d={t.d} n={t.n} seed={t.seed}: {string.Join("; ", errors.Select(e => e.Method + ": " + e.Err))}");
        });
        Properties.PropertyRunner.Check("every reported extremal vector is exact", property);
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

public class ExtremalSpecialCasesTests
{
    [Fact]
    public void Orthogonal_inputs_have_one_extremal_direction_per_same_sign_subset()
    {
        // Orthogonal x_k: D_A = 1/n sum_A y_k x_k is orthogonal to every x_l outside A, so each
        // nonempty set A of positive-label points gives a positive extremal direction on the
        // hyperplanes of the others (eta = 0); only A = all positive points is a local maximum.
        var model = new DataModel(InputLaw.Orthogonal(1.5), Teacher.FirstAxis(6), NoiseModel.None(), 4, 6, 3);
        var x = model.Generate();
        var data = new Dataset(4, 6, x.X, [1.0, 2.0, -1.0, 0.5]);
        var set = ExtremalVectors.EnumerateArrangement(data);
        Assert.Equal(7, set.Positive.Count());
        Assert.Single(set.Negative);
        foreach (var v in set.Vectors) Assert.Null(CheckExact(data, v));
        var max = Assert.Single(set.Positive, v => v.Kind == CriticalPointKind.LocalMaximum);
        Assert.Equal([0, 1, 3], max.ActivationSet);
        var found = ExtremalVectors.Search(data, new SearchOptions { RandomStarts = 100, Seed = 1 });
        Assert.Contains(found.Positive, v => v.ActivationSet.SequenceEqual([0, 1, 3]));
    }

    [Fact]
    public void Search_is_deterministic_and_maps_neurons()
    {
        var data = Gaussian(300, 4, 8);
        var rng = new Rng(3);
        var theta = new double[10 * 5];
        rng.FillGaussian(theta);
        var net = new NetworkParameters(10, 4, theta);
        var a = ExtremalVectors.Search(data, new SearchOptions { RandomStarts = 40, Seed = 2, MaxDegreeOfParallelism = 1 }, net);
        var b = ExtremalVectors.Search(data, new SearchOptions { RandomStarts = 40, Seed = 2 }, net);
        Assert.Equal(a.Vectors.Select(KeyOf), b.Vectors.Select(KeyOf));
        Assert.Equal(a.NeuronAssignment, b.NeuronAssignment);
        for (int i = 0; i < a.Vectors.Count; i++) Assert.Equal(a.Vectors[i].Direction, b.Vectors[i].Direction);
        Assert.Equal(10, a.NeuronAssignment!.Length);
        for (int j = 0; j < 10; j++)
        {
            int t = a.NeuronAssignment[j];
            if (t < 0) continue;
            // a neuron's start ends where its sign's flow settles
            Assert.True(net.A(j) > 0 ? a.Vectors[t].Kind == CriticalPointKind.LocalMaximum : a.Vectors[t].Kind == CriticalPointKind.LocalMinimum);
        }
        Assert.Equal(10, a.Vectors.Sum(v => v.NeuronHits) + a.NeuronAssignment.Count(t => t < 0));
        double shareSum = a.Vectors.Where(v => v.Kind == CriticalPointKind.LocalMaximum).Sum(v => v.Share);
        Assert.InRange(shareSum, 0.0, 1.0 + 1e-12);
    }

    [Fact]
    public void Arrangement_refuses_oversized_problems_naming_n()
    {
        var data = Gaussian(200, 6, 1);
        var ex = Assert.Throws<ArgumentException>(() => ExtremalVectors.EnumerateArrangement(data, maxCandidates: 1000));
        Assert.Contains("n = 200", ex.Message);
        Assert.Throws<ArgumentException>(() => ExtremalVectors.Enumerate2D(data));
    }
}

public class ExtremalFindTests
{
    [Fact]
    public void Find_is_complete_in_one_dimension_and_gives_the_two_half_lines()
    {
        // x = (1, 2, -1), y = (1, 1, 1): D_n(+1) = (1 + 2)/3 = +1 (positive), D_n(-1) = -1/3 = +(1/3)(-1) (positive too)
        var data = new Dataset(3, 1, [1, 2, -1], [1, 1, 1]);
        var set = ExtremalVectors.Find(data);
        Assert.True(set.Complete);
        Assert.Equal(2, set.Vectors.Count);
        Assert.All(set.Vectors, v => Assert.Equal(1, v.Sign));
        Assert.Equal(1.0, set.Vectors[0].Value, 12);
        Assert.Equal(1.0 / 3, set.Vectors[1].Value, 12);
    }

    [Fact]
    public void Find_falls_back_to_the_face_search_and_says_it_is_not_complete()
    {
        var data = Gaussian(40, 3, 7);
        var exact = ExtremalVectors.Find(data);
        var search = ExtremalVectors.Find(data, maxEnumerationCandidates: 0, search: new FaceSearchOptions { Walks = 500, Seed = 7 });
        Assert.True(exact.Complete);
        Assert.Equal("arrangement", exact.Method);
        Assert.False(search.Complete);
        Assert.Equal("face-search", search.Method);
        Assert.InRange(search.Coverage, 0.0, 1.0);
        var keys = exact.Vectors.Select(KeyOf).ToHashSet();
        Assert.All(search.Vectors, v => Assert.Contains(KeyOf(v), keys));
        Assert.Throws<ArgumentException>(() => ExtremalVectors.Find(data, maxEnumerationCandidates: -1));
        Assert.Contains("Walks", Assert.Throws<ArgumentException>(() => ExtremalVectors.SearchFaces(data, new FaceSearchOptions { Walks = 0 })).Message);
    }
}
