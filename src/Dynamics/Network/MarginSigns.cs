using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using SimplicityBias.Dynamics.Numerics;

namespace SimplicityBias.Dynamics.Network;

/// <summary>
/// Which pairs can have changed sign since a neuron's last full pass, without a pass over all n samples
/// (docs/THEORY.md section 12). For a neuron j with reference weights w_ref, the margin of sample k is
/// mu_k = |z_k(w_ref)| / |x_k|, its distance to the hyperplane of x_k. At any w,
/// |z_k(w) - z_k(w_ref)| &lt;= |w - w_ref| |x_k|, so only samples with mu_k &lt;= |w - w_ref| (plus the rounding of both
/// dot products) can have another sign. Each neuron keeps the samples of smallest margin (its near list, up to a
/// radius R_j); while |w - w_ref| stays below R_j, recomputing the signs of the near samples within that distance gives
/// exactly the signs a full pass gives, and the same bound finds every pair a step of the field can carry onto its
/// hyperplane (<see cref="FindWithinReach"/>). A neuron that moved beyond R_j gets a full pass, which resets w_ref.
/// Every z is the fused chain of <see cref="SignPattern.PreActivation"/>, so the bits are those of a full pass.
/// </summary>
internal sealed class MarginSigns
{
    const double MachineEpsilon = 2.220446049250313e-16;
    readonly Dataset _data;
    readonly int _m, _n, _d;
    readonly double[] _xInverse;  // 1 / |x_k| (a margin's rounding is covered by the bound's relative guard)
    readonly double[] _wRef;      // m x d
    readonly double[] _wRefNorm;  // |w_ref|
    readonly double[] _radius;    // R_j; -1 while neuron j has no reference
    // The largest distance from the reference at which neuron j's signs were last written: near samples within it
    // may hold the sign of that state rather than the reference's.
    readonly double[] _touched;
    readonly int[][] _near;       // near samples of neuron j, by increasing margin
    readonly double[][] _nearMargin;
    readonly int[] _nearCount, _served, _sinceBuild;
    readonly int _target;         // samples in a near list: n / 32 (at least 64), a step's worth in the late phase
    readonly double[] _z, _select; // scratch of a full pass

    /// <summary>Full passes so far (a neuron each).</summary>
    public long FullPasses { get; private set; }
    /// <summary>Updates served from a near list.</summary>
    public long NearUpdates { get; private set; }
    /// <summary>Near lists built.</summary>
    public long Builds { get; private set; }

    public MarginSigns(Dataset data, int m)
    {
        _data = data; _m = m; _n = data.N; _d = data.D;
        _xInverse = new double[_n];
        for (int k = 0; k < _n; k++)
        {
            _xInverse[k] = 1 / Vec.Norm(data.Row(k));
        }
        _wRef = new double[m * _d];
        _wRefNorm = new double[m];
        _radius = new double[m];
        _touched = new double[m];
        Array.Fill(_radius, -1.0);
        _near = new int[m][];
        _nearMargin = new double[m][];
        _nearCount = new int[m];
        _served = new int[m];
        _sinceBuild = new int[m];
        Array.Fill(_sinceBuild, RetryPasses);
        _target = Math.Min(_n, Math.Max(64, _n / 32));
        _z = new double[_n];
        _select = new double[Math.Min(_n, 2 * QuantileSample)]; // the sampled margins: ceil(n / stride) of them
    }

    /// <summary>
    /// Sets the signs of the given neurons (theta laid out a_j, w_j) to those of theta: from the near lists where the
    /// neurons are within their radius, the others in one tiled pass (<see cref="SignPattern.SetNeurons"/>), after
    /// which those worth it get a new reference and near list.
    /// </summary>
    public void Update(List<int> neurons, ReadOnlySpan<double> theta, SignPattern signs)
    {
        _pass.Clear();
        foreach (int j in neurons)
        {
            var w = theta.Slice(j * (_d + 1) + 1, _d);
            double bound = Reach(j, w, 0);
            // Samples written at other states since the reference may have another sign there: recompute them too.
            int count = NearWithin(j, Math.Max(bound, _touched[j]));
            if (count < 0) { _pass.Add(j); continue; }
            _touched[j] = bound;
            NearUpdates++;
            _served[j]++;
            var near = _near[j];
            for (int a = 0; a < count; a++)
            {
                int k = near[a];
                signs.Set(j, k, SignPattern.PreActivation(w, _data.Row(k)) > 0);
            }
        }
        if (_pass.Count == 0) return;
        signs.SetNeurons(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_pass), theta, _data);
        FullPasses += _pass.Count;
        foreach (int j in _pass)
        {
            // A list a neuron outran within a few updates is not rebuilt at once: the neuron is moving too fast
            // for one to pay (every step of the early phase); it is tried again after a while.
            _radius[j] = -1;
            bool worth = _served[j] >= MinServed || ++_sinceBuild[j] >= RetryPasses;
            if (worth) Build(j, theta.Slice(j * (_d + 1) + 1, _d));
        }
    }

    /// <summary>The signs of these neurons were written by another pass, at states their lists may not cover.</summary>
    public void Forget(List<int> neurons)
    {
        foreach (int j in neurons) _radius[j] = -1;
    }

    const int MinServed = 8, RetryPasses = 64, QuantileSample = 1024;

    /// <summary>
    /// After the signs of all neurons were written at theta by another pass (the kernel's): a neuron beyond its
    /// radius has signs that its reference no longer tells, and loses its list. Within it, they are the same.
    /// </summary>
    public void Written(ReadOnlySpan<double> theta)
    {
        for (int j = 0; j < _m; j++)
        {
            if (_radius[j] < 0) continue;
            double bound = Reach(j, theta.Slice(j * (_d + 1) + 1, _d), 0);
            if (bound <= _radius[j]) _touched[j] = bound;
            else _radius[j] = -1;
        }
    }
    readonly List<int> _pass = new();

    /// <summary>How many of neuron j's near samples lie within the bound (a prefix of its list), or -1 when the bound
    /// exceeds the list's radius.</summary>
    int NearWithin(int j, double bound)
    {
        if (!(bound <= _radius[j])) return -1;
        var margin = _nearMargin[j].AsSpan(0, _nearCount[j]);
        int lo = 0, hi = margin.Length; // first index with margin > bound
        while (lo < hi)
        {
            int mid = (lo + hi) >> 1;
            if (margin[mid] <= bound) lo = mid + 1; else hi = mid;
        }
        return lo;
    }

    /// <summary>
    /// The samples k with z dz &lt; 0 and |z| &lt;= h |dz| (z = &lt;w, x_k&gt;, dz = &lt;v, x_k&gt;): the pairs a step h of the
    /// velocity v carries onto their hyperplanes, in increasing k, with the arithmetic of <see cref="ReachScan"/>.
    /// Returns false (and finds nothing) when w is too far from neuron j's reference for its near list to hold them all.
    /// </summary>
    public bool FindWithinReach(int j, ReadOnlySpan<double> w, ReadOnlySpan<double> v, double h, List<int> found)
    {
        found.Clear();
        double vNorm = Vec.Norm(v);
        // |dz| <= |v| |x| (1 + gamma): a sample farther than this from its hyperplane is not reached.
        int count = NearWithin(j, Reach(j, w, h * vNorm * (1 + 2 * Gamma)));
        if (count < 0) return false;
        var near = _near[j];
        for (int a = 0; a < count; a++)
        {
            int k = near[a];
            var x = _data.Row(k);
            double z = 0, dz = 0;
            for (int i = 0; i < _d; i++)
            {
                z = Math.FusedMultiplyAdd(w[i], x[i], z);
                dz = Math.FusedMultiplyAdd(v[i], x[i], dz);
            }
            if (z * dz < 0 && Math.Abs(z) <= h * Math.Abs(dz)) found.Add(k);
        }
        found.Sort();
        return true;
    }

    // Rounding of one fused chain of d products, relative to |w| |x| (a factor 2 above the worst case).
    double Gamma => 2 * (_d + 2) * MachineEpsilon;

    /// <summary>
    /// The margin below which a sample may have changed sign (or be reached, with <paramref name="extra"/>): the
    /// distance from the reference, the rounding of z at both states, and a relative guard for the bound's own rounding.
    /// </summary>
    double Reach(int j, ReadOnlySpan<double> w, double extra)
    {
        if (_radius[j] < 0) return double.PositiveInfinity;
        double bound = Vec.Distance(w, _wRef.AsSpan(j * _d, _d)) + Gamma * (Vec.Norm(w) + _wRefNorm[j]) + extra;
        return bound * (1 + 1e-10) + double.Epsilon;
    }

    /// <summary>w becomes neuron j's reference, and its samples of smallest margin its near list, by increasing margin.</summary>
    void Build(int j, ReadOnlySpan<double> w)
    {
        Builds++;
        _served[j] = 0;
        _sinceBuild[j] = 0;
        _touched[j] = 0;
        PreActivations(w, _z);
        w.CopyTo(_wRef.AsSpan(j * _d, _d));
        _wRefNorm[j] = Vec.Norm(w);
        for (int k = 0; k < _n; k++) _z[k] = Math.Abs(_z[k]) * _xInverse[k];
        // The radius is the target's quantile of the margins, estimated on an evenly spaced sample of them: the
        // list's length need not be exact, and a selection over all n cost more than the pass.
        int stride = Math.Max(1, _n / QuantileSample), sampled = 0;
        for (int k = 0; k < _n; k += stride) _select[sampled++] = _z[k];
        int rank = (int)Math.Min(sampled, Math.Max(1L, (long)sampled * _target / _n));
        double radius = _target >= _n ? double.PositiveInfinity : Select.NthSmallest(_select.AsSpan(0, sampled), rank);
        int count = 0;
        for (int k = 0; k < _n; k++) if (_z[k] <= radius) count++;
        if (_near[j] is null || _near[j].Length < count) { _near[j] = new int[count]; _nearMargin[j] = new double[count]; }
        var near = _near[j];
        var margin = _nearMargin[j];
        int c = 0;
        for (int k = 0; k < _n; k++)
            if (_z[k] <= radius) { near[c] = k; margin[c] = _z[k]; c++; }
        Array.Sort(margin, near, 0, c);
        _nearCount[j] = c;
        // A NaN weight leaves no usable reference: the next update passes again.
        _radius[j] = double.IsNaN(radius) || double.IsNaN(_wRefNorm[j]) || c == 0 ? -1.0 : Math.Min(radius, margin[c - 1]);
    }

    /// <summary>z_k = &lt;w, x_k&gt; for all k, each the fused chain of <see cref="SignPattern.PreActivation"/>.</summary>
    void PreActivations(ReadOnlySpan<double> w, double[] z)
    {
        var xt = _data.XT;
        int k = 0;
        if (Vector256.IsHardwareAccelerated && Fma.IsSupported)
            for (; k + 4 <= _n; k += 4)
            {
                var s = Vector256<double>.Zero;
                for (int i = 0; i < _d; i++)
                    s = Fma.MultiplyAdd(Vector256.Create(w[i]), Vector256.Create(xt.AsSpan(i * _n + k, 4)), s);
                s.CopyTo(z.AsSpan(k, 4));
            }
        for (; k < _n; k++)
        {
            double s = 0;
            for (int i = 0; i < _d; i++) s = Math.FusedMultiplyAdd(w[i], xt[i * _n + k], s);
            z[k] = s;
        }
    }
}
