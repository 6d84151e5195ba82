using SimplicityBias.Dynamics.Network;
using SimplicityBias.Theory.Numerics;
using SimplicityBias.Dynamics.Numerics;

namespace SimplicityBias.Theory.Extremal;

public static partial class ExtremalVectors
{
    /// <summary>
    /// Search for arrangements too large to enumerate, for every kind of extremal vector (maxima,
    /// minima, saddles, kinks on one or more hyperplanes), not only the attractors of the flow.
    /// It first runs the flow search (<see cref="Search"/>, fixed-point method) for the attractors.
    /// Each walk starts at a direction (the given starts, then alternately a uniform random one and
    /// one near a vector already found, at angular scales 0.001 to 0.3) and moves
    /// within the closure of its cell: along a random line to the nearest hyperplane, then within
    /// that hyperplane to the nearest next one, and so on until a vertex ray (r-1 hyperplanes, r
    /// the rank of X). Every face around the vertex is then checked exactly (as in
    /// <see cref="EnumerateArrangement"/>), which covers the start cell, its faces through that
    /// vertex and the other cells around it. Never <see cref="ExtremalSet.Complete"/>;
    /// <see cref="ExtremalSet.Coverage"/> is the fraction of a fresh uniform sample of directions
    /// whose cell was examined: a lower bound on what a missed interior extremal vector's cell
    /// could weigh, not a promise about faces (a face is examined only through one of its vertices).
    /// Around every vertex whose faces held a new vector, the neighbouring vertices (along the edges of the
    /// arrangement, up to <see cref="FaceSearchOptions.MaxExpansionDepth"/> unproductive steps) are visited
    /// too; expanding one vertex counts as a walk. Deterministic for a seed. Cost per walk O(r n (d + r)) plus 2 3^(r-1) candidates per new vertex.
    /// </summary>
    /// <param name="data">The dataset.</param>
    /// <param name="options">Walks, seed, coverage sample, caps.</param>
    /// <param name="starts">Optional extra start directions (length d; e.g. neuron directions), walked first.</param>
    /// <param name="known">Optional extremal vectors already found (e.g. by the flow search); they are kept and walked around like the search's own.</param>
    public static ExtremalSet SearchFaces(Dataset data, FaceSearchOptions? options = null, IEnumerable<double[]>? starts = null,
        IEnumerable<ExtremalVector>? known = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        var opt = options ?? new FaceSearchOptions();
        opt.Validate();
        int n = data.N, d = data.D;
        var verifier = new FaceVerifier(data);
        var nz = Enumerable.Range(0, n).Where(k => verifier.RowNorms[k] > 0).ToArray();
        var results = new Dictionary<FaceKey, ExtremalVector>();
        if (nz.Length == 0) return new ExtremalSet([], "face-search", 0, 0) { Complete = false, Coverage = 1.0 };

        var basis = DenseLinAlg.RowSpaceBasis(data.X, n, d, out int r);
        var z = DenseLinAlg.Coordinates(data.X, n, d, basis, r); // z_k = Q^T x_k

        var keys = VertexFaces.Keys(n, opt.Seed);
        var faces = new VertexFaces(verifier, keys);
        var cells = new HashSet<ulong>();
        var vertices = new HashSet<string>(StringComparer.Ordinal);
        int maxBoundary = Math.Min(opt.MaxBoundary, d - 1);
        var rng = new Rng(opt.Seed, 5);
        var extra = (starts ?? []).Select(u =>
        {
            if (u.Length != d) throw new ArgumentException($"a start has length {u.Length}, data has d = {d}", nameof(starts));
            return u;
        }).ToList();

        // The attractors first (cheap), then walks alternating between uniform starts and starts near a
        // vector already found: extremal vectors cluster (they concentrate near the population ones), and
        // the cells there are small, so uniform starts alone rarely land in them.
        var centers = new List<ExtremalVector>();
        if (opt.FlowStarts > 0)
            foreach (var v in Search(data, new SearchOptions { RandomStarts = opt.FlowStarts, Seed = opt.Seed, Method = SearchMethod.FixedPoint, MaxDegreeOfParallelism = 1 }).Vectors)
                if (results.TryAdd(v.Key, v with { Hits = 0, Share = double.NaN })) centers.Add(v);
        foreach (var v in known ?? [])
        {
            if (v.Direction.Length != d) throw new ArgumentException($"a known vector has length {v.Direction.Length}, data has d = {d}", nameof(known));
            if (results.TryAdd(v.Key, v with { Hits = 0, Share = double.NaN, NeuronHits = 0 })) centers.Add(v);
        }
        ReadOnlySpan<double> scales = [0.001, 0.003, 0.01, 0.03, 0.1, 0.3];

        long unresolved = 0;
        int walks = extra.Count + opt.Walks;
        var p = new double[r];
        var g = new double[r];
        var start = new double[d];
        var onb = new List<double[]>();
        var onPlanes = new List<int>();
        var rows = new double[Math.Max(1, (r - 1) * r)];
        // Vertices whose faces held a new vector, and their neighbours up to MaxExpansionDepth steps away,
        // have their neighbours along the edges of the arrangement visited before the next walk: extremal
        // vectors of every kind sit in clusters of small cells.
        var queue = new Queue<(int[] Planes, double[] Ray, int Depth)>();

        // Visits a vertex (the r-1 hyperplanes and a point on the ray's side); returns the new vectors' count, -1 if seen or unresolved.
        int VisitVertex(List<int> planes, double[] side, int depth)
        {
            for (int i = 0; i < r - 1; i++) Array.Copy(z, planes[i] * r, rows, i * r, r);
            var vr = DenseLinAlg.NullVector(rows, r - 1, r);
            if (vr is null) { unresolved++; return -1; }
            if (Vec.Dot(vr, side) < 0) for (int j = 0; j < r; j++) vr[j] = -vr[j];
            var sorted = planes.ToArray();
            Array.Sort(sorted);
            // a vertex is its hyperplanes and which of the two rays: the side of the farthest other point
            int far = -1;
            double farDot = 0;
            foreach (int k in nz)
            {
                if (Array.BinarySearch(sorted, k) >= 0) continue;
                double t = Vec.Dot(vr, new ReadOnlySpan<double>(z, k * r, r)) / verifier.RowNorms[k];
                if (Math.Abs(t) > Math.Abs(farDot)) { farDot = t; far = k; }
            }
            string key = string.Join(",", sorted) + (far < 0 ? "" : farDot > 0 ? $"+{far}" : $"-{far}");
            if (!vertices.Add(key)) return -1;
            int before = centers.Count;
            if (!faces.Visit(FromRowSpace(basis, vr, d, r), opt.MaxLocal, maxBoundary, results, cells, centers)) { unresolved++; return -1; }
            int added = centers.Count - before;
            int nextDepth = added > 0 ? 0 : depth + 1;
            if (nextDepth <= opt.MaxExpansionDepth && r > 1) queue.Enqueue((sorted, vr, nextDepth));
            return added;
        }

        var edge = new double[r];
        var planesBuf = new List<int>();
        for (int w = 0; w < walks && faces.Candidates < opt.MaxCandidates; w++)
        {
            if (queue.Count > 0)
            {
                // the neighbours of a vertex: leave one of its hyperplanes, to either side, along the edge
                var (planes, ray, depth) = queue.Dequeue();
                for (int leave = 0; leave < planes.Length; leave++)
                {
                    onb.Clear();
                    planesBuf.Clear();
                    for (int i = 0; i < planes.Length; i++)
                        if (i != leave) { planesBuf.Add(planes[i]); onb.Add(z.AsSpan(planes[i] * r, r).ToArray()); }
                    GramSchmidt(onb, r);
                    z.AsSpan(planes[leave] * r, r).CopyTo(edge);
                    foreach (var q in onb) { double c = Vec.Dot(edge, q); for (int j = 0; j < r; j++) edge[j] -= c * q[j]; }
                    if (Vec.Normalize(edge) == 0) continue;
                    for (int side = 1; side >= -1; side -= 2)
                    {
                        double best = double.PositiveInfinity;
                        int hit = -1;
                        foreach (int k in nz)
                        {
                            if (Array.IndexOf(planes, k) >= 0) continue;
                            var zk = new ReadOnlySpan<double>(z, k * r, r);
                            double a0 = Vec.Dot(ray, zk), b0 = side * Vec.Dot(edge, zk);
                            if (!(a0 > 0 && b0 < 0 || a0 < 0 && b0 > 0)) continue;
                            double t = -a0 / b0;
                            if (t < best) { best = t; hit = k; }
                        }
                        if (hit < 0) continue;
                        for (int j = 0; j < r; j++) p[j] = ray[j] + best * side * edge[j];
                        planesBuf.Add(hit);
                        VisitVertex(planesBuf, p, depth);
                        planesBuf.RemoveAt(planesBuf.Count - 1);
                    }
                }
                continue;
            }
            int i0 = w - extra.Count;
            if (i0 < 0) extra[w].AsSpan().CopyTo(start);
            else if (i0 % 2 == 0 || centers.Count == 0) rng.FillGaussian(start);
            else
            {
                var center = centers[(i0 / 2) % centers.Count].Direction;
                double eps = scales[(i0 / 2 / centers.Count) % scales.Length];
                rng.FillGaussian(start);
                for (int i = 0; i < d; i++) start[i] = center[i] + eps * start[i];
            }
            for (int j = 0; j < r; j++)
            {
                double s = 0;
                for (int i = 0; i < d; i++) s += basis[i * r + j] * start[i];
                p[j] = s;
            }
            if (Vec.Normalize(p) == 0) { unresolved++; continue; }
            onb.Clear();
            onPlanes.Clear();
            bool ok = true;
            while (onPlanes.Count < r - 1)
            {
                // a random direction within the hyperplanes reached so far
                rng.FillGaussian(g);
                for (int pass = 0; pass < 2; pass++)
                    foreach (var q in onb)
                    {
                        double c = Vec.Dot(g, q);
                        for (int j = 0; j < r; j++) g[j] -= c * q[j];
                    }
                if (Vec.Normalize(g) == 0) { ok = false; break; }
                // the nearest hyperplane along the line p + t g (either way)
                double best = double.PositiveInfinity;
                int hit = -1;
                foreach (int k in nz)
                {
                    if (onPlanes.Contains(k)) continue;
                    var zk = new ReadOnlySpan<double>(z, k * r, r);
                    double a = Vec.Dot(p, zk), b = Vec.Dot(g, zk);
                    if (Math.Abs(b) <= 1e-12 * verifier.RowNorms[k]) continue;
                    double t = -a / b;
                    if (Math.Abs(t) < best) { best = Math.Abs(t); hit = k; }
                }
                if (hit < 0) { ok = false; break; }
                {
                    var zk = new ReadOnlySpan<double>(z, hit * r, r);
                    double t = -Vec.Dot(p, zk) / Vec.Dot(g, zk);
                    for (int j = 0; j < r; j++) p[j] += t * g[j];
                    if (Vec.Normalize(p) == 0) { ok = false; break; }
                    var q = zk.ToArray();
                    for (int pass = 0; pass < 2; pass++)
                        foreach (var e in onb)
                        {
                            double c = Vec.Dot(q, e);
                            for (int j = 0; j < r; j++) q[j] -= c * e[j];
                        }
                    if (Vec.Normalize(q) <= 1e-10 * verifier.RowNorms[hit]) { ok = false; break; }
                    onb.Add(q);
                    onPlanes.Add(hit);
                }
            }
            if (!ok) { unresolved++; continue; }
            VisitVertex(onPlanes, p, 0);
        }

        double coverage = double.NaN;
        if (opt.CoverageSample > 0)
        {
            var crng = new Rng(opt.Seed, 7);
            var u = new double[d];
            int inside = 0;
            for (int i = 0; i < opt.CoverageSample; i++)
            {
                crng.NextUnitVector(u);
                if (cells.Contains(VertexFaces.CellHash(data, verifier.RowNorms, keys, u))) inside++;
            }
            coverage = (double)inside / opt.CoverageSample;
        }
        return new ExtremalSet(ExtremalSet.Order(results.Values), "face-search", faces.Candidates, unresolved)
        {
            Complete = false, Coverage = coverage, VerticesVisited = vertices.Count,
        };
    }

    /// <summary>Orthonormalizes the vectors in place (twice, for accuracy), dropping dependent ones.</summary>
    private static void GramSchmidt(List<double[]> vs, int r)
    {
        var outList = new List<double[]>(vs.Count);
        foreach (var v in vs)
        {
            for (int pass = 0; pass < 2; pass++)
                foreach (var q in outList)
                {
                    double c = Vec.Dot(v, q);
                    for (int j = 0; j < r; j++) v[j] -= c * q[j];
                }
            if (Vec.Normalize(v) > 0) outList.Add(v);
        }
        vs.Clear();
        vs.AddRange(outList);
    }
}
