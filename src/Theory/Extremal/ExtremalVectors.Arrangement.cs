using SimplicityBias.Dynamics.Network;
using SimplicityBias.Theory.Numerics;
using SimplicityBias.Dynamics.Numerics;

namespace SimplicityBias.Theory.Extremal;

public static partial class ExtremalVectors
{
    /// <summary>Default cap on candidate faces for <see cref="EnumerateArrangement"/>.</summary>
    public const long DefaultMaxCandidates = 20_000_000;

    /// <summary>
    /// Exact enumeration for small n and d: every face of the arrangement of the hyperplanes
    /// {w : &lt;w, x_k&gt; = 0} (cells and lower-dimensional faces) is checked. In the row space of X
    /// (dimension r) every face has a vertex ray in its closure, and a vertex ray is cut out by
    /// r-1 hyperplanes; so the candidates are, for each (r-1)-subset S of points and each sign of
    /// its ray v, every pattern in {+, 0, -} on the points vanishing at v, with the signs of v
    /// elsewhere. Patterns that are not faces fail the exact check, so over-generating is safe.
    /// Cost: C(n, r-1) null vectors (O(r^3) each) and one O(n d) pass per vertex ray, then
    /// 2 3^(r-1) candidates per ray, each O(r d) plus the sign check, which stops at the first
    /// violation (usually within a few points) and is O(n d) only for true extremal vectors.
    /// For data in general position every (r-1)-subset is a vertex ray, so the work is within a
    /// constant factor of the size of the arrangement (output-sensitive up to 3^(r-1)).
    /// Measured (bench `extremal-enum`): d = 3, n = 200 and d = 5, n = 30 take seconds on one core.
    /// <see cref="ExtremalSet.Complete"/> is true unless a degenerate vertex was skipped.
    /// </summary>
    /// <param name="data">The dataset.</param>
    /// <param name="maxCandidates">Refuse (ArgumentException) when the candidate count would exceed this.</param>
    /// <param name="maxLocal">A vertex ray on more than this many hyperplanes is skipped and counted in Unresolved.</param>
    public static ExtremalSet EnumerateArrangement(Dataset data, long maxCandidates = DefaultMaxCandidates, int maxLocal = 10)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (maxLocal < 1) throw new ArgumentException($"maxLocal must be >= 1, got {maxLocal}", nameof(maxLocal));
        int n = data.N, d = data.D;
        var verifier = new FaceVerifier(data);
        var nz = Enumerable.Range(0, n).Where(k => verifier.RowNorms[k] > 0).ToArray();
        var results = new Dictionary<FaceKey, ExtremalVector>();
        if (nz.Length == 0) return new ExtremalSet([], "arrangement", 0, 0) { Complete = true, Coverage = 1.0 };

        var basis = DenseLinAlg.RowSpaceBasis(data.X, n, d, out int r);
        double est = Binomial(nz.Length, r - 1) * 4.0 * Math.Pow(3, r - 1);
        if (est > maxCandidates)
            throw new ArgumentException($"arrangement enumeration with n = {n}, rank r = {r} needs about {est:G3} candidate faces (> maxCandidates = {maxCandidates}); use Search", nameof(data));

        var z = DenseLinAlg.Coordinates(data.X, n, d, basis, r); // z_k = Q^T x_k

        long skipped = 0;
        var faces = new VertexFaces(verifier, VertexFaces.Keys(n, 0));
        var subset = new int[r - 1];
        for (int i = 0; i < subset.Length; i++) subset[i] = i;
        var rows = new double[Math.Max(1, (r - 1) * r)];
        while (true)
        {
            for (int p = 0; p < r - 1; p++)
                Array.Copy(z, nz[subset[p]] * r, rows, p * r, r);
            var vr = DenseLinAlg.NullVector(rows, r - 1, r);
            if (vr is not null)
            {
                var v = FromRowSpace(basis, vr, d, r);
                for (int sgnRay = 1; sgnRay >= -1; sgnRay -= 2)
                {
                    if (sgnRay < 0) for (int i = 0; i < d; i++) v[i] = -v[i];
                    if (!faces.Visit(v, maxLocal, d - 1, results, null)) skipped++;
                }
            }
            if (!NextSubset(subset, nz.Length)) break;
        }
        return new ExtremalSet(ExtremalSet.Order(results.Values), "arrangement", faces.Candidates, skipped) { Complete = skipped == 0, Coverage = skipped == 0 ? 1.0 : double.NaN };
    }

    /// <summary>
    /// About how many candidate faces <see cref="EnumerateArrangement"/> checks: C(n', r-1) 2 3^(r-1) 2 with n'
    /// the nonzero points and r the rank of X (for data in general position every (r-1)-subset is a vertex).
    /// </summary>
    public static double ArrangementCost(Dataset data)
    {
        ArgumentNullException.ThrowIfNull(data);
        int nz = 0;
        for (int k = 0; k < data.N; k++) if (Vec.Norm(data.Row(k)) > 0) nz++;
        int r = Math.Min(nz, data.D);
        return Binomial(nz, r - 1) * 4.0 * Math.Pow(3, Math.Max(0, r - 1));
    }

    /// <summary>v = Q vr: a row-space coordinate vector back in R^d.</summary>
    private static double[] FromRowSpace(double[] basis, double[] vr, int d, int r)
    {
        var v = new double[d];
        for (int i = 0; i < d; i++)
        {
            double s = 0;
            for (int j = 0; j < r; j++) s += basis[i * r + j] * vr[j];
            v[i] = s;
        }
        return v;
    }

    private static bool NextSubset(int[] s, int n)
    {
        int k = s.Length;
        int i = k - 1;
        while (i >= 0 && s[i] == n - k + i) i--;
        if (i < 0) return false;
        s[i]++;
        for (int j = i + 1; j < k; j++) s[j] = s[j - 1] + 1;
        return true;
    }

    private static double Binomial(int n, int k)
    {
        if (k < 0 || k > n) return 0;
        double r = 1;
        for (int i = 1; i <= k; i++) r = r * (n - k + i) / i;
        return r;
    }
}
