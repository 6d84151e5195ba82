using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace SimplicityBias.Dynamics.Network;

/// <summary>
/// The frozen-pattern loss and gradient through groups of neurons that share an activation pattern up to a few
/// samples (docs/THEORY.md section 12). After the early phase the neurons align with a few directions and their
/// patterns differ on few samples, so each neuron j is given a group g(j) with a representative pattern R_g, and
/// its own pattern is M_j = R_g(j) + delta_j with delta_j sparse (+1 where M_jk = 1 and R_gk = 0, -1 the other way).
/// With U_g = sum_{j in g} a_j w_j, H_gh = sum_k R_gk R_hk x_k x_k', b_g = sum_k R_gk y_k x_k and
/// e_k = sum_j delta_jk a_j &lt;w_j, x_k&gt; (nonzero only on the samples some delta touches):
///   r_k = sum_g R_gk &lt;U_g, x_k&gt; + e_k - y_k,
///   v_j = sum_k M_jk r_k x_k = (sum_h H_gh U_h - b_g + sum_k R_gk e_k x_k) + sum_k delta_jk r_k x_k   (g = g(j)),
///   grad_{w_j} L = (a_j / n) v_j,  grad_{a_j} L = (1/n) &lt;w_j, v_j&gt;.
/// An evaluation costs about K^2 d^2 + 3 d nnz(delta) + m n / 32 word operations instead of 4 n m d. Group 0 is
/// the empty pattern: a neuron whose pattern is near no other one keeps its whole pattern as its delta.
/// The blocks depend on the representatives only and are summed afresh at every regrouping, so no rounding
/// accumulates over crossings; a crossing only changes a delta, which is read from the mask at each evaluation.
/// The loss is a difference of large terms where L is much smaller than sum y^2 / 2n; callers that need it there
/// use the direct kernel. Single-threaded, sums in a fixed order: the same bits on every machine.
/// </summary>
internal sealed class GroupedField
{
    /// <summary>At most this many groups (a sample's memberships fit in one 64-bit word).</summary>
    public const int MaxGroups = 64;
    readonly Dataset _data;
    readonly int _m, _d, _n, _chunks;
    readonly int[] _group;         // g(j)
    uint[] _reps = Array.Empty<uint>(); // K x chunks, the representatives (group 0 all zero)
    ulong[] _member = Array.Empty<ulong>(); // per sample: bit g set when R_gk = 1
    double[] _h = Array.Empty<double>(), _b = Array.Empty<double>(); // K x K blocks d x d (full), K x d
    readonly double _c;
    int _k;                        // groups, including group 0
    readonly double[] _e, _r;      // per sample: e_k, then r_k (only at touched samples)
    readonly bool[] _touched;
    readonly List<int> _touchedList = new();
    double[] _u = Array.Empty<double>(), _v = Array.Empty<double>();
    readonly double[] _vj;
    readonly int[] _entryStart;     // neuron j's differing pairs are _entries[_entryStart[j] .. _entryStart[j + 1])
    int[] _entries = new int[1024]; // the sample k of a pair, or ~k where the neuron is off and its group on
    long _nnzAtGrouping, _regroupLimit;
    bool _regroupDue = true;

    /// <summary>Regroupings so far (the first counts).</summary>
    public long Regroupings { get; private set; }
    /// <summary>Evaluations so far.</summary>
    public long Evaluations { get; private set; }
    /// <summary>Groups of the current grouping, group 0 (the empty pattern) included.</summary>
    public int Groups => _k;
    /// <summary>Pairs where a neuron's pattern differs from its group's at the last evaluation.</summary>
    public long DifferingPairs { get; private set; }

    public GroupedField(Dataset data, int m)
    {
        _data = data; _m = m; _d = data.D; _n = data.N; _chunks = (_n + 31) / 32;
        _group = new int[m];
        _e = new double[_n]; _r = new double[_n]; _touched = new bool[_n];
        _vj = new double[_d];
        _entryStart = new int[m + 1];
        double c = 0;
        for (int k = 0; k < _n; k++) c += data.Y[k] * data.Y[k];
        _c = c;
    }

    /// <summary>Operations of one evaluation at the current grouping and deltas, for the backend's cost model.</summary>
    public double OperationsPerEvaluation() => 2.0 * _k * _k * _d * _d + 6.0 * _d * DifferingPairs + 2.0 * _d * _k * Math.Min(DifferingPairs, _n) / 2 + (double)_m * _chunks;

    /// <summary>
    /// Groups the neurons of <paramref name="mask"/> greedily in neuron order: each joins the nearest existing
    /// representative (Hamming distance, group 0 the empty pattern) unless founding a group of its own costs less
    /// per evaluation: about 2 (2K + 1) d^2 operations for its blocks and 2 d for each of its samples that a delta
    /// touches (taken as n / 16), against 6 d per differing pair. The blocks are summed at
    /// the next evaluation, so a probe of what the grouping would cost (<see cref="OperationsPerEvaluation"/>)
    /// costs only the m K n / 64 word comparisons.
    /// </summary>
    public void Regroup(ActivationMask mask)
    {
        var bits = mask.Bits;
        var reps = new List<int>(); // neuron whose pattern is group g's (g = index + 1)
        _nnzAtGrouping = 0;
        for (int j = 0; j < _m; j++)
        {
            int best = 0;
            long bestH = Hamming(bits, j, -1);
            for (int g = 0; g < reps.Count && bestH > 0; g++)
            {
                long h = Hamming(bits, j, reps[g]);
                if (h < bestH) { bestH = h; best = g + 1; }
            }
            int k = reps.Count + 1;
            double found = 2.0 * (2 * k + 1) * _d * _d + _d * _n / 8.0, join = 6.0 * _d * bestH;
            if (found < join && k < MaxGroups) { reps.Add(j); _group[j] = k; }
            else { _group[j] = best; _nnzAtGrouping += bestH; }
        }
        _k = reps.Count + 1;
        DifferingPairs = _nnzAtGrouping;
        _reps = new uint[_k * _chunks];
        for (int g = 1; g < _k; g++) bits.Slice(reps[g - 1] * _chunks, _chunks).CopyTo(_reps.AsSpan(g * _chunks, _chunks));
        _blocksDue = true;
        _regroupDue = false;
        Regroupings++;
    }

    bool _blocksDue;

    long Hamming(ReadOnlySpan<uint> bits, int j, int repNeuron)
    {
        var own = bits.Slice(j * _chunks, _chunks);
        long h = 0;
        if (repNeuron < 0)
        {
            foreach (uint w in own) h += BitOperations.PopCount(w);
            return h;
        }
        var rep = bits.Slice(repNeuron * _chunks, _chunks);
        for (int c = 0; c < own.Length; c++) h += BitOperations.PopCount(own[c] ^ rep[c]);
        return h;
    }

    /// <summary>
    /// H_gh and b_g: samples with the same memberships form a cell, x x' is summed once per cell, and each cell's
    /// sum is added to the blocks of every pair of its groups (cells in order of their first sample).
    /// </summary>
    void SumBlocks()
    {
        int k = _k, d = _d, dd = d * d;
        if (_member.Length != _n) _member = new ulong[_n];
        var cellOf = new Dictionary<ulong, int>();
        var cellSums = new List<double[]>();
        var cellMembers = new List<ulong>();
        _b = new double[k * d];
        var x = _data.X;
        for (int s = 0; s < _n; s++)
        {
            ulong mem = 0;
            for (int g = 1; g < k; g++)
                if ((_reps[g * _chunks + s / 32] >> (s % 32) & 1u) != 0) mem |= 1ul << g;
            _member[s] = mem;
            if (mem == 0) continue;
            if (!cellOf.TryGetValue(mem, out int cell))
            {
                cell = cellSums.Count;
                cellOf.Add(mem, cell);
                cellSums.Add(new double[dd]);
                cellMembers.Add(mem);
            }
            var sum = cellSums[cell];
            int o = s * d;
            for (int p = 0; p < d; p++)
                for (int q = p; q < d; q++) sum[p * d + q] += x[o + p] * x[o + q];
            double y = _data.Y[s];
            for (ulong rest = mem; rest != 0; rest &= rest - 1)
            {
                int g = BitOperations.TrailingZeroCount(rest);
                for (int p = 0; p < d; p++) _b[g * d + p] += y * x[o + p];
            }
        }
        _h = new double[k * k * dd];
        double work = _n * (dd / 2.0 + k);
        for (int cell = 0; cell < cellSums.Count; cell++)
        {
            var sum = cellSums[cell];
            ulong mem = cellMembers[cell];
            int groups = BitOperations.PopCount(mem);
            work += groups * (groups + 1) / 2 * dd / 2.0;
            for (ulong gs = mem; gs != 0; gs &= gs - 1)
            {
                int g = BitOperations.TrailingZeroCount(gs);
                for (ulong hs = gs; hs != 0; hs &= hs - 1)
                {
                    int h = BitOperations.TrailingZeroCount(hs);
                    int o = (g * k + h) * dd;
                    for (int p = 0; p < d; p++)
                        for (int q = p; q < d; q++) _h[o + p * d + q] += sum[p * d + q];
                }
            }
        }
        // Fill the lower triangles and the blocks (h, g) from (g, h).
        for (int g = 0; g < k; g++)
            for (int h = g; h < k; h++)
            {
                int o = (g * k + h) * dd, t = (h * k + g) * dd;
                for (int p = 0; p < d; p++)
                    for (int q = p; q < d; q++)
                    {
                        double v = _h[o + p * d + q];
                        _h[o + q * d + p] = v; _h[t + p * d + q] = v; _h[t + q * d + p] = v;
                    }
            }
        _u = new double[k * d]; _v = new double[k * d];
        // Regroup once the deltas that grew since cost as much again as these sums did.
        _regroupLimit = _nnzAtGrouping + Math.Max(_m, (long)(work / (6.0 * d) / RegroupAmortization));
        _blocksDue = false;
    }

    // Evaluations over which a regrouping's cost is spread before the grown deltas may pay for another.
    const double RegroupAmortization = 16;

    /// <summary>Loss (1/(2n)) and gradient (layout of theta) of the loss with the pattern of <paramref name="mask"/>.</summary>
    public double Evaluate(ReadOnlySpan<double> theta, Span<double> grad, ActivationMask mask)
    {
        if (_regroupDue) Regroup(mask);
        if (_blocksDue) SumBlocks();
        Evaluations++;
        int d = _d, stride = d + 1, k = _k, dd = d * d;
        var x = _data.X;
        Array.Clear(_u);
        for (int j = 0; j < _m; j++)
        {
            int g = _group[j];
            if (g == 0) continue;
            double a = theta[j * stride];
            for (int p = 0; p < d; p++) _u[g * d + p] += a * theta[j * stride + 1 + p];
        }
        // v_g = H_g. U - b_g, and the quadratic-form part of the loss.
        double quad = 0;
        for (int g = 1; g < k; g++)
            for (int p = 0; p < d; p++)
            {
                double s = 0;
                for (int h = 1; h < k; h++)
                {
                    int o = (g * k + h) * dd + p * d;
                    for (int q = 0; q < d; q++) s += _h[o + q] * _u[h * d + q];
                }
                quad += _u[g * d + p] * (s - 2 * _b[g * d + p]);
                _v[g * d + p] = s - _b[g * d + p];
            }
        // e_k over the deltas; the differing pairs are listed per neuron for the second pass.
        foreach (int s in _touchedList) { _touched[s] = false; _e[s] = 0; }
        _touchedList.Clear();
        var bits = mask.Bits;
        int nnz = 0;
        ref double x0 = ref MemoryMarshal.GetArrayDataReference(x);
        ref double t0 = ref MemoryMarshal.GetReference(theta);
        ref double e0 = ref MemoryMarshal.GetArrayDataReference(_e);
        for (int j = 0; j < _m; j++)
        {
            int g = _group[j];
            double a = theta[j * stride];
            ref double w = ref Unsafe.Add(ref t0, j * stride + 1);
            _entryStart[j] = nnz;
            var own = bits.Slice(j * _chunks, _chunks);
            var rep = _reps.AsSpan(g * _chunks, _chunks);
            if (_entries.Length - nnz < 32 * _chunks) Array.Resize(ref _entries, Math.Max(2 * _entries.Length, nnz + 32 * _chunks));
            for (int c = 0; c < own.Length; c++)
            {
                uint word = own[c], diff = word ^ rep[c];
                for (; diff != 0; diff &= diff - 1)
                {
                    int bit = BitOperations.TrailingZeroCount(diff), smp = c * 32 + bit;
                    ref double xs = ref Unsafe.Add(ref x0, smp * d);
                    double z = 0;
                    for (int p = 0; p < d; p++) z += Unsafe.Add(ref w, p) * Unsafe.Add(ref xs, p);
                    if (!_touched[smp]) { _touched[smp] = true; _touchedList.Add(smp); }
                    bool on = (word >> bit & 1u) != 0;
                    Unsafe.Add(ref e0, smp) += on ? a * z : -(a * z);
                    _entries[nnz++] = on ? smp : ~smp;
                }
            }
        }
        _entryStart[_m] = nnz;
        DifferingPairs = nnz;
        // r_k at the touched samples, the loss correction there, and sum_k R_gk e_k x_k into v_g.
        double correction = 0;
        foreach (int s in _touchedList)
        {
            int o = s * d;
            double baseline = -_data.Y[s];
            ulong mem = _member[s];
            for (ulong gs = mem; gs != 0; gs &= gs - 1)
            {
                int g = BitOperations.TrailingZeroCount(gs);
                for (int p = 0; p < d; p++) baseline += _u[g * d + p] * x[o + p];
            }
            double e = _e[s];
            _r[s] = baseline + e;
            correction += e * (2 * baseline + e);
            for (ulong gs = mem; gs != 0; gs &= gs - 1)
            {
                int g = BitOperations.TrailingZeroCount(gs);
                for (int p = 0; p < d; p++) _v[g * d + p] += e * x[o + p];
            }
        }
        // v_j = v_g(j) + sum over delta_j of +-r_k x_k; then the gradient.
        double invN = 1.0 / _n;
        for (int j = 0; j < _m; j++)
        {
            int g = _group[j], wo = j * stride + 1;
            for (int p = 0; p < d; p++) _vj[p] = g == 0 ? 0 : _v[g * d + p];
            ref double r0 = ref MemoryMarshal.GetArrayDataReference(_r);
            ref double xv = ref MemoryMarshal.GetArrayDataReference(x);
            for (int q = _entryStart[j]; q < _entryStart[j + 1]; q++)
            {
                int entry = _entries[q], smp = entry >= 0 ? entry : ~entry;
                double rs = entry >= 0 ? Unsafe.Add(ref r0, smp) : -Unsafe.Add(ref r0, smp);
                ref double xs = ref Unsafe.Add(ref xv, smp * d);
                for (int p = 0; p < d; p++) _vj[p] += rs * Unsafe.Add(ref xs, p);
            }
            if (grad.IsEmpty) continue;
            double a = theta[j * stride], dot = 0;
            for (int p = 0; p < d; p++)
            {
                dot += theta[wo + p] * _vj[p];
                grad[wo + p] = a * invN * _vj[p];
            }
            grad[j * stride] = invN * dot;
        }
        if (nnz > _regroupLimit) _regroupDue = true;
        return 0.5 * invN * (quad + _c + correction);
    }
}
