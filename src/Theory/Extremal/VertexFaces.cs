using SimplicityBias.Dynamics.Network;
using SimplicityBias.Theory.Numerics;
using SimplicityBias.Dynamics.Numerics;

namespace SimplicityBias.Theory.Extremal;

/// <summary>
/// Checks every face of the hyperplane arrangement that has a given vertex ray v in its closure.
/// Off the hyperplanes through v a face has the signs of v (by continuity); on each of the L
/// hyperplanes through v it is +, 0 or -; so the 3^L sign patterns are the candidates, of which
/// the real faces are a subset and the others fail the exact check. D_A is kept incrementally
/// (the part from the points off v's hyperplanes once per vertex), so a candidate costs O(L d)
/// plus the verifier's projection and, usually after a few points, its first sign violation.
/// Not thread-safe: one instance per thread.
/// </summary>
internal sealed class VertexFaces
{
    private readonly FaceVerifier _v;
    private readonly Dataset _data;
    private readonly int _n, _d;
    private readonly bool[] _mask;
    private readonly double[] _dBase, _dA;
    private readonly List<int> _local = new();
    private readonly ulong[] _zobrist;

    public VertexFaces(FaceVerifier verifier, ulong[] zobrist)
    {
        _v = verifier;
        _data = verifier.Data;
        _n = _data.N; _d = _data.D;
        _mask = new bool[_n];
        _dBase = new double[_d];
        _dA = new double[_d];
        _zobrist = zobrist;
    }

    /// <summary>Candidate faces checked so far (each sign counts once).</summary>
    public long Candidates { get; private set; }

    /// <summary>
    /// Checks the faces around the ray <paramref name="ray"/> (a d-vector on at least r-1 independent
    /// hyperplanes) with at most <paramref name="maxBoundary"/> boundary points, adding verified vectors to
    /// <paramref name="results"/>; the hash of every full-dimensional cell around it goes to
    /// <paramref name="cells"/> if given, and new vectors also to <paramref name="added"/>. Returns false (nothing checked) if more than
    /// <paramref name="maxLocal"/> hyperplanes pass through the ray.
    /// </summary>
    public bool Visit(double[] ray, int maxLocal, int maxBoundary, Dictionary<FaceKey, ExtremalVector> results, HashSet<ulong>? cells,
        List<ExtremalVector>? added = null)
    {
        var x = _data.X;
        var y = _data.Y;
        _local.Clear();
        Array.Clear(_dBase);
        ulong baseHash = 0;
        for (int k = 0; k < _n; k++)
        {
            double nk = _v.RowNorms[k];
            _mask[k] = false;
            if (nk == 0) continue;
            double t = Vec.Dot(ray, _data.Row(k));
            if (Math.Abs(t) <= 1e-10 * nk) { _local.Add(k); continue; }
            if (t > 0)
            {
                _mask[k] = true;
                baseHash ^= _zobrist[k];
                double f = y[k] / _n;
                int o = k * _d;
                for (int i = 0; i < _d; i++) _dBase[i] += f * x[o + i];
            }
        }
        int L = _local.Count;
        if (L > maxLocal) return false;
        int patterns = 1;
        for (int i = 0; i < L; i++) patterns *= 3;
        var bnd = new List<int>(L);
        for (int code = 0; code < patterns; code++)
        {
            bnd.Clear();
            Array.Copy(_dBase, _dA, _d);
            ulong hash = baseHash;
            int c = code;
            for (int i = 0; i < L; i++)
            {
                int trit = c % 3; c /= 3;
                int k = _local[i];
                _mask[k] = trit == 1;
                if (trit == 2) bnd.Add(k);
                else if (trit == 1)
                {
                    hash ^= _zobrist[k];
                    double f = y[k] / _n;
                    int o = k * _d;
                    for (int j = 0; j < _d; j++) _dA[j] += f * x[o + j];
                }
            }
            if (bnd.Count == 0) cells?.Add(hash);
            if (bnd.Count >= _d || bnd.Count > maxBoundary) continue;
            var bArr = bnd.ToArray(); // ascending: _local is in index order
            for (int s = 1; s >= -1; s -= 2)
            {
                Candidates++;
                var ev = _v.TryVerify(_dA, _mask, bArr, s);
                if (ev is not null && results.TryAdd(ev.Key, ev)) added?.Add(ev);
            }
        }
        return true;
    }

    /// <summary>The cell hash of a direction: XOR of the keys of the points strictly on its positive side.</summary>
    public static ulong CellHash(Dataset data, double[] rowNorms, ulong[] zobrist, ReadOnlySpan<double> u)
    {
        ulong h = 0;
        for (int k = 0; k < data.N; k++)
            if (rowNorms[k] > 0 && Vec.Dot(u, data.Row(k)) > 0) h ^= zobrist[k];
        return h;
    }

    /// <summary>Random 64-bit keys per point for cell hashes (collisions have probability about cells^2 / 2^64).</summary>
    public static ulong[] Keys(int n, long seed)
    {
        var rng = new Rng(seed, 11);
        var z = new ulong[n];
        for (int k = 0; k < n; k++) z[k] = rng.NextUInt64();
        return z;
    }
}
