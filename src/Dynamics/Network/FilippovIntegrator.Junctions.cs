using System.Runtime.InteropServices;

namespace SimplicityBias.Dynamics.Network;

/// <summary>
/// Junctions of hyperplanes within one step's motion. A neuron sliding on d - 1 hyperplanes (a line) often has
/// another hyperplane within ~1e-4 of that line. Taken one step at a time, the selection there chattered: it released
/// pairs, the neuron left the line and crossed the nearby hyperplane, whose jump turned the released pairs back; they
/// were captured again and the projection onto the line carried the neuron back across it (R1, t = 400-900: 18
/// collinear neurons every other step, with a rejected step per cycle; at n = 5,000 such cycles made most of the late
/// phase's work). On the scale of a step these hyperplanes meet, and the selection is made as at their junction:
/// - the hyperplanes the field reaches within the step join the candidates of the selection (their eta decides
///   whether they slide, with a capture's projection, or keep their side);
/// - a release is undone when the field after the sliding update sends the released pairs back, counting the jumps
///   of the crossings the next step will make and of the released pairs crossing together, and their own terms would
///   send them back again from the other side: the flow slides there.
/// Both need the pairs within one step's reach of many neurons; <see cref="ReachScan"/> finds them for all of them in
/// one tiled pass over the inputs (a scan per neuron made the change lose wall time at large n).
/// </summary>
internal sealed partial class FilippovIntegrator
{
    readonly List<int> _back = new(), _releasedSorted = new(), _scanned = new();
    double[] _backC = new double[8], _backSide = new double[8], _backDz = new double[8], _backPx = new double[64];
    int[] _scanSlot = Array.Empty<int>(); // neuron -> its index in the last scan, or -1
    ReachScan? _reach;
    readonly List<(double Tau, int K)> _reachFirst = new();

    /// <summary>
    /// Scans, in one pass over the inputs, the neurons the selection will visit (those sliding or with a crossing
    /// pair whose term can push them back, c_k &gt; 0) for the pairs the field (_k1 at _y) carries onto their
    /// hyperplanes within the step h just taken. Call before <see cref="UpdateSliding"/> changes anything.
    /// </summary>
    void ScanSelectedNeurons(double h)
    {
        var r = _field.Residuals;
        _scanned.Clear();
        int f = 0;
        for (int j = 0; j < _m; j++)
        {
            bool selected = _field.Sliding[j].Count > 0;
            double aj = _y[j * (_d + 1)];
            for (; f < _flips.Count && _flips[f] / _n == j; f++)
                if (aj * r[_flips[f] % _n] > 0) selected = true;
            if (selected) _scanned.Add(j);
        }
        ScanReach(_scanned, h);
    }

    /// <summary>
    /// Scans the given neurons for the pairs within reach of a step h: from their near lists where they are close
    /// enough to their references (<see cref="MarginSigns"/>), the others in one tiled pass (<see cref="ReachScan"/>).
    /// Both find the same pairs, in increasing k.
    /// </summary>
    void ScanReach(List<int> neurons, double h)
    {
        if (_scanSlot.Length != _m) { _scanSlot = new int[_m]; _reach = new ReachScan(_data); }
        Array.Fill(_scanSlot, -1);
        while (_reachFound.Count < neurons.Count) _reachFound.Add(new List<int>());
        _unscanned.Clear();
        for (int s = 0; s < neurons.Count; s++)
        {
            int j = neurons[s], o = j * (_d + 1) + 1;
            _scanSlot[j] = s;
            if (!_field.GroupedStepEnds || !_margins.FindWithinReach(j, _y.AsSpan(o, _d), _k1.AsSpan(o, _d), h, _reachFound[s])) _unscanned.Add(j);
        }
        if (_unscanned.Count == 0) return;
        _reach!.Scan(CollectionsMarshal.AsSpan(_unscanned), _y, _k1, h);
        for (int u = 0; u < _unscanned.Count; u++)
        {
            var found = _reachFound[_scanSlot[_unscanned[u]]];
            found.Clear();
            found.AddRange(_reach.Found(u));
        }
    }

    readonly List<List<int>> _reachFound = new();
    readonly List<int> _unscanned = new();

    /// <summary>
    /// Adds to the candidates of neuron j's selection its pairs with c_k &gt; 0 found by the last scan: the d it reaches
    /// first (smallest |z| / |dz/dt|). A neuron slides on at most d - 1 hyperplanes, so the junction it meets is
    /// among the first it reaches; the others lie beyond it. Early in a run a long step reaches hundreds of pairs
    /// (534 for one neuron at d = 10, n = 25,000), and the box QP is cubic in its candidates.
    /// </summary>
    void AddPairsWithinReach(int j, double aj, ResidualTable r)
    {
        int existing = _candidates.Count, s = _scanSlot[j], o = j * (_d + 1);
        if (s < 0) return;
        var set = _field.Sliding[j];
        var w = W(_y, j);
        var f = _k1.AsSpan(o + 1, _d);
        _reachFirst.Clear();
        foreach (int k in _reachFound[s])
        {
            if (!(aj * r[k] > 0)) continue;
            bool already = set.Points.Contains(k);
            for (int a = 0; a < existing && !already; a++) already = _candidates[a] == k;
            if (already) continue;
            var x = _data.Row(k);
            double tau = Math.Abs(SignPattern.PreActivation(w, x) / SignPattern.PreActivation(f, x));
            _reachFirst.Add((tau, k));
        }
        if (_reachFirst.Count > _d) _reachFirst.Sort(); // by time to reach, then by k: deterministic
        for (int a = 0; a < Math.Min(_d, _reachFirst.Count); a++) _candidates.Add(_reachFirst[a].K);
    }

    /// <summary>
    /// After the sliding update's evaluation: undoes the releases the flow contradicts. For each neuron, its released
    /// pairs still on their hyperplanes (to rounding) with c &gt; 0 whose dz/dt, with the jumps of the crossings ahead
    /// (<see cref="CrossingsAhead"/>), points back to the hyperplane are taken together; a pair whose dz/dt, after all of
    /// them have crossed (switched off adds +c P x, on adds -c P x; P the projector of the neuron's sliding set), points
    /// back again slides and is put back into its set. With one pair and no crossings ahead this is the pair's own
    /// test 0 &lt; dz/dt &lt; c &lt;x_k, P x_k&gt; (released off; the mirror released on). Returns whether any was put back
    /// (the neurons are in _projected, put back on their hyperplanes).
    /// </summary>
    bool RetainContradictedReleases(double h)
    {
        if (_released.Count == 0) return false;
        _projected.Clear();
        _releasedSorted.Clear();
        _releasedSorted.AddRange(_released);
        _releasedSorted.Sort();
        _scanned.Clear();
        foreach (int idx in _releasedSorted)
            if (_scanned.Count == 0 || _scanned[^1] != idx / _n) _scanned.Add(idx / _n);
        ScanReach(_scanned, h);
        Span<double> lambda = stackalloc double[Math.Max(1, _d - 1)];
        Span<double> ahead = stackalloc double[_d];
        for (int f = 0; f < _releasedSorted.Count;)
        {
            int j = _releasedSorted[f] / _n, g = f;
            while (g < _releasedSorted.Count && _releasedSorted[g] / _n == j) g++;
            RetainForNeuron(j, f, g, lambda, ahead);
            f = g;
        }
        if (_projected.Count == 0) return false;
        foreach (int j in _projected) ProjectOntoHyperplanes(_y, j);
        _field.RecountSliding();
        return true;
    }

    /// <summary>The test of <see cref="RetainContradictedReleases"/> for neuron j's released pairs _releasedSorted[from..to).</summary>
    void RetainForNeuron(int j, int from, int to, Span<double> lambda, Span<double> ahead)
    {
        int o = j * (_d + 1), count = to - from;
        var r = _field.Residuals;
        var w = W(_y, j);
        var set = _field.Sliding[j];
        if (_backC.Length < count) { _backC = new double[2 * count]; _backSide = new double[2 * count]; _backDz = new double[2 * count]; }
        if (_backPx.Length < count * _d) _backPx = new double[2 * count * _d];
        CrossingsAhead(j, ahead);
        _back.Clear();
        for (int a = from; a < to; a++)
        {
            int idx = _releasedSorted[a], k = idx % _n;
            var x = _data.Row(k);
            if (Math.Abs(SignPattern.PreActivation(w, x)) > RoundingBand(j, k)) continue;
            double c = _y[o] * r[k] / _n;
            if (!(c > 0)) continue;
            int b = _back.Count;
            var px = _backPx.AsSpan(b * _d, _d);
            x.CopyTo(px);
            set.Project(px, lambda[..set.BasisCount]);
            double dz = 0;
            for (int i = 0; i < _d; i++) dz += _k1[o + 1 + i] * x[i];
            for (int i = 0; i < _d; i++) dz += px[i] * ahead[i];
            bool on = _field.Mask[idx] != 0;
            if (on ? !(dz < 0) : !(dz > 0)) continue; // leaves its hyperplane: a true release
            _back.Add(k);
            _backC[b] = c; _backSide[b] = on ? 1.0 : -1.0; _backDz[b] = dz;
        }
        for (int b = 0; b < _back.Count; b++)
        {
            var px = _backPx.AsSpan(b * _d, _d);
            double dz = _backDz[b];
            for (int e = 0; e < _back.Count; e++)
            {
                var xe = _data.Row(_back[e]);
                double dot = 0;
                for (int i = 0; i < _d; i++) dot += px[i] * xe[i];
                dz += _backSide[e] * _backC[e] * dot;
            }
            if (!(_backSide[b] * dz > 0)) continue;
            int k = _back[b], idx = j * _n + k;
            if (!set.TryAdd(k)) continue;
            _field.Mask[idx] = 0;
            _released.Remove(idx);
            _stats.Releases--;
            _stats.RetainedReleases++;
            if (!_projected.Contains(j)) _projected.Add(j);
        }
    }

    /// <summary>
    /// The change of dw_j/dt the next step's crossings will make: the velocity jumps (switched on -c x_k, off +c x_k)
    /// of neuron j's pairs, not sliding and not just released, that the field carries across within the step (found
    /// by the last scan).
    /// </summary>
    void CrossingsAhead(int j, Span<double> ahead)
    {
        ahead.Clear();
        var r = _field.Residuals;
        double aj = _y[j * (_d + 1)];
        var set = _field.Sliding[j];
        foreach (int k in _reachFound[_scanSlot[j]])
        {
            int idx = j * _n + k;
            if (_released.Contains(idx) || set.Points.Contains(k)) continue;
            double c = aj * r[k] / _n, sign = _field.Mask[idx] != 0 ? 1.0 : -1.0;
            var x = _data.Row(k);
            for (int i = 0; i < _d; i++) ahead[i] += sign * c * x[i];
        }
    }
}
