using System.Runtime.InteropServices;

namespace SimplicityBias.Dynamics.Network;

/// <summary>
/// The sliding update after an accepted step (docs/THEORY.md section 10): the minimum-norm Clarke selection neuron by
/// neuron, captures projected onto their hyperplanes (or refused when that would jump), releases to the side their eta
/// says, and the field re-evaluated on the pattern synced to the signs.
/// </summary>
internal sealed partial class FilippovIntegrator
{
    /// <summary>
    /// The Filippov selection, neuron by neuron (docs/THEORY.md section 10): for each neuron that slides or had a
    /// crossing in this step, the candidate pairs C (its sliding pairs, the pairs that just crossed and those the
    /// field reaches within the step (FilippovIntegrator.Junctions.cs), with c_k = a_j r_k / n &gt; 0, the only ones
    /// whose term can push w_j back) get the eta in [0, 1]^C that
    /// minimises |g_j + sum_k eta_k c_k x_k| (the minimum-norm element of the Clarke subdifferential, g_j the
    /// w_j-gradient without the candidates). Complementarity then decides: eta strictly inside (0, 1) slides
    /// (zero normal speed), eta = 0 leaves to the inactive side, eta = 1 to the active side.
    /// h is the step just accepted: the reach of a junction. Returns whether the state or the pattern changed (the
    /// caller then re-evaluates the field).
    /// </summary>
    bool UpdateSliding(double h)
    {
        int stride = _d + 1;
        var r = _field.Residuals;
        var raw = _field.RawGradient;
        bool changed = false;
        _flips.Sort(); // flips are grouped by neuron (index = j*n + k)
        ScanSelectedNeurons(h);
        _projected.Clear();
        _released.Clear();
        int f = 0;
        for (int j = 0; j < _m; j++)
        {
            _candidates.Clear();
            var set = _field.Sliding[j];
            for (int a = 0; a < set.Count; a++) _candidates.Add(set.Points[a]);
            double aj = _y[j * stride];
            for (; f < _flips.Count && _flips[f] / _n == j; f++)
            {
                int k = _flips[f] % _n;
                // A pair its own correction carried back across its hyperplane was flipped twice and enters twice:
                // the field points to its hyperplane from both sides, and its doubled column lets the selection use up to
                // twice its term, which captures such a pair instead of letting it chatter step after step.
                if (aj * r[k] > 0) _candidates.Add(k);
            }
            if (_candidates.Count == 0) continue;
            AddPairsWithinReach(j, aj, r);
            int q = _candidates.Count;
            // g_j without the candidates' terms (sliding pairs are masked already; active crossers are not).
            var g = _gBuf.AsSpan(0, _d);
            for (int i = 0; i < _d; i++) g[i] = raw[j * stride + 1 + i];
            for (int a = 0; a < q; a++)
            {
                int k = _candidates[a];
                double c = aj * r[k] / _n;
                if (_field.Mask[j * _n + k] != 0)
                {
                    var x = _data.Row(k);
                    for (int i = 0; i < _d; i++) g[i] -= c * x[i];
                }
            }
            MinimumNormSelection(j, aj, g, r);
            // Rebuild the sliding set from the interior etas; the others take the side their eta says.
            int before = set.Count;
            _oldPoints.Clear();
            for (int a = 0; a < set.Count; a++) _oldPoints.Add(set.Points[a]);
            SaveSliding(j);
            set.Clear();
            bool projectNeeded = false;
            for (int a = 0; a < q; a++)
            {
                int k = _candidates[a], idx = j * _n + k;
                double eta = _eta[a];
                bool interior = eta > EtaMargin && eta < 1 - EtaMargin;
                if (set.Points.Contains(k)) continue; // the second copy of a pair captured just above
                if (interior && set.TryAdd(k))
                {
                    if (_field.Mask[idx] != 0) changed = true;
                    _field.Mask[idx] = 0;
                    if (!_oldPoints.Contains(k))
                    {
                        _stats.Captures++;
                        projectNeeded = true;
                        if (_releasedLastStep.Contains(idx)) _stats.Recaptures++;
                    }
                    continue;
                }
                if (interior) _stats.RefusedCaptures++;
                // A pair that leaves (or was refused) keeps the side it is on: a sliding pair sits at z = 0 and
                // leaves to the side its eta says; a crossing pair stays where the step put it.
                bool onPlane = _oldPoints.Contains(k);
                double side = onPlane && !interior ? (eta >= 0.5 ? 1.0 : 0.0) : (_signs.IsPositive(j, k) ? 1.0 : 0.0);
                if (_field.Mask[idx] != side) { _field.Mask[idx] = side; changed = true; }
                if (_oldPoints.Contains(k)) { _stats.Releases++; _released.Add(idx); }
            }
            if (projectNeeded && !ProjectCaptures(j)) projectNeeded = false;
            if (projectNeeded) _projected.Add(j);
            if (set.Count != before || projectNeeded) changed = true;
        }
        if (changed) _field.RecountSliding();
        if (_field.SlidingPairs > _stats.MaxSlidingPairs) _stats.MaxSlidingPairs = _field.SlidingPairs;
        return changed;
    }

    /// <summary>
    /// After the sliding update moved neurons (_projected, _snapped): balancedness restored, then the field evaluated
    /// once with the pattern synced to the signs. Projections move w_j, and a pair that left a hyperplane may sit a
    /// rounding error on the other side of it: the pattern must match the signs of the state kept, or the loss and
    /// field reported would be those of another pattern. Only the neurons that moved get their signs recomputed.
    /// Returns the loss.
    /// </summary>
    double EvaluateAfterSlidingUpdate()
    {
        RestoreBalancedness(_y, record: false);
        _resync.Clear();
        _resync.AddRange(_projected);
        _resync.AddRange(_snapped);
        UpdateSigns(_resync, _y);
        SyncPatternToSigns();
        return EvaluateWithSigns(_y, _k1);
    }

    const double EtaMargin = 1e-9;
    const double MachineEpsilon = 2.220446049250313e-16; // 2^-52

    /// <summary>
    /// How far a capture may move w_j, in units of the new pairs' distances |z_k| / |x_k| to their own
    /// hyperplanes. Where the hyperplanes meet at small angles their intersection can lie far from w_j
    /// although w_j is close to each; projecting there would be a jump of the state, not a sliding motion.
    /// </summary>
    const double MaxCaptureAmplification = 10;

    /// <summary>
    /// Projects w_j onto its sliding hyperplanes after new captures. When the move exceeds
    /// <see cref="MaxCaptureAmplification"/> times the new pairs' own distances, the new captures are refused
    /// instead (w_j is put back; they keep the side their z is on). Returns whether the captures were kept.
    /// </summary>
    bool ProjectCaptures(int j)
    {
        var set = _field.Sliding[j];
        var w = _y.AsSpan(j * (_d + 1) + 1, _d);
        Span<double> w0 = stackalloc double[_d];
        w.CopyTo(w0);
        double allowed = 0;
        for (int a = 0; a < set.Count; a++)
        {
            int k = set.Points[a];
            if (_oldPoints.Contains(k)) continue;
            var x = _data.Row(k);
            double xx = 0;
            for (int i = 0; i < _d; i++) xx += x[i] * x[i];
            allowed += Math.Abs(SignPattern.PreActivation(w, x)) / Math.Sqrt(xx);
        }
        ProjectOntoHyperplanes(_y, j);
        double move = 0, norm = 0;
        for (int i = 0; i < _d; i++) { move += (w[i] - w0[i]) * (w[i] - w0[i]); norm += w0[i] * w0[i]; }
        if (Math.Sqrt(move) <= MaxCaptureAmplification * allowed + 1e-12 * Math.Sqrt(norm)) return true;
        w0.CopyTo(w);
        for (int a = set.Count - 1; a >= 0; a--)
        {
            int k = set.Points[a];
            if (_oldPoints.Contains(k)) continue;
            set.RemoveAt(a);
            _field.Mask.Set(j, k, _signs.IsPositive(j, k));
            _stats.Captures--;
            _stats.RefusedCaptures++;
        }
        return false;
    }

    /// <summary>
    /// eta in [0, 1]^C minimising |g + sum_a eta_a c_a x_a|: the tiny box-constrained quadratic, solved by
    /// <see cref="BoxQuadratic"/> from eta = 1/2; result in _eta.
    /// </summary>
    void MinimumNormSelection(int j, double aj, ReadOnlySpan<double> g, ResidualTable r)
    {
        int q = _candidates.Count;
        if (_eta.Length < q) { _eta = new double[2 * q]; _qmat = new double[4 * q * q]; _bvec = new double[2 * q]; }
        for (int a = 0; a < q; a++)
        {
            var xa = _data.Row(_candidates[a]);
            double ca = aj * r[_candidates[a]] / _n;
            double b = 0;
            for (int i = 0; i < _d; i++) b += xa[i] * g[i];
            _bvec[a] = ca * b;
            for (int c2 = 0; c2 <= a; c2++)
            {
                var xc = _data.Row(_candidates[c2]);
                double cc = aj * r[_candidates[c2]] / _n, s = 0;
                for (int i = 0; i < _d; i++) s += xa[i] * xc[i];
                _qmat[a * q + c2] = _qmat[c2 * q + a] = ca * cc * s;
            }
            _eta[a] = 0.5;
        }
        BoxQuadratic.Solve(_qmat, _bvec, _eta, q);
    }

    /// <summary>The input weights w_j within a state laid out like theta.</summary>
    ReadOnlySpan<double> W(double[] theta, int j) => theta.AsSpan(j * (_d + 1) + 1, _d);

    /// <summary>Puts every sliding neuron of theta exactly on its hyperplanes.</summary>
    void ProjectAllSliding(double[] theta)
    {
        for (int j = 0; j < _m; j++) ProjectOntoHyperplanes(theta, j);
    }

    /// <summary>Puts w_j of theta exactly on its sliding hyperplanes (orthogonal projection).</summary>
    void ProjectOntoHyperplanes(double[] theta, int j)
    {
        var set = _field.Sliding[j];
        if (set.Count == 0) return;
        Span<double> lambda = stackalloc double[Math.Max(1, _d - 1)];
        set.Project(theta.AsSpan(j * (_d + 1) + 1, _d), lambda[..set.BasisCount]);
    }
}
