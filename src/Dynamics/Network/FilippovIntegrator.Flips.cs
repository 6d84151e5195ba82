using System.Runtime.InteropServices;

namespace SimplicityBias.Dynamics.Network;

/// <summary>
/// The pattern's bookkeeping around a step: which pairs flipped (their sign disagrees with the frozen mask), the
/// sweeps again after a correction carried more pairs across, the net crossings of a step, and the pattern synced to
/// the signs of a kept state.
/// </summary>
internal sealed partial class FilippovIntegrator
{
    const int MaxResweeps = 2;

    /// <summary>
    /// The signs at _yNew of the neurons a correction may have moved: those it corrected (_moved) and the sliding ones
    /// (put back on their hyperplanes). The others kept their w_j since the frozen end's evaluation, and so their signs.
    /// </summary>
    void ResyncMovedSigns()
    {
        _resync.Clear();
        for (int j = 0; j < _m; j++)
            if (_moved.Contains(j) || _field.Sliding[j].Count > 0) _resync.Add(j);
        UpdateSigns(_resync, _yNew);
    }

    /// <summary>
    /// The signs of the given neurons at theta. While the grouped form ends the steps, from their near lists where they can
    /// (<see cref="MarginSigns"/>): every step then updates all neurons, and most have not moved far. Otherwise in
    /// one tiled pass: only neurons that crossed or slide are updated, they move fast (the early phase), and
    /// keeping lists for them cost more than the passes.
    /// </summary>
    void UpdateSigns(List<int> neurons, double[] theta)
    {
        if (_field.GroupedStepEnds) _margins.Update(neurons, theta, _signs);
        else
        {
            _signs.SetNeurons(CollectionsMarshal.AsSpan(neurons), theta, _data);
            _margins.Forget(neurons);
        }
    }

    /// <summary>Corrects the step for its flips (FilippovIntegrator.Crossings.cs), keeps sliding neurons on their hyperplanes and balancedness; returns the error estimate of the correction.</summary>
    double CorrectStep(double h, bool again)
    {
        CorrectForCrossings(h, again);
        // The corrections move w_j along x_k, which may leave its own sliding hyperplanes: put it back.
        if (_field.SlidingPairs > 0) ProjectAllSliding(_yNew);
        RestoreBalancedness(_yNew, record: false);
        return StepError(_yStage, _y, _yNew);
    }

    /// <summary>
    /// Whether the flips appended from <paramref name="primary"/> on hold a pair not in the list before (one to sweep
    /// again). If so, the appended pairs already in the list are removed and unflipped: pairs their own jump sent
    /// back, which the sliding update takes in twice, and which are found again after the sweep.
    /// </summary>
    bool DropRepeatedFlips(int primary)
    {
        _netScratch.Clear();
        for (int f = 0; f < primary; f++) _netScratch.Add(_flips[f]);
        _netScratch.Sort();
        bool fresh = false;
        for (int f = primary; f < _flips.Count && !fresh; f++) fresh = _netScratch.BinarySearch(_flips[f]) < 0;
        if (!fresh) return false; // keep the repeated pairs: the sliding update takes them in twice
        for (int f = _flips.Count - 1; f >= primary; f--)
        {
            int idx = _flips[f];
            if (_netScratch.BinarySearch(idx) < 0) continue;
            _field.Mask.Flip(idx);
            _flips.RemoveAt(f);
        }
        return true;
    }

    /// <summary>Pairs not sliding whose pre-activation sign disagrees with the frozen mask.</summary>
    void FindFlips(bool append = false)
    {
        int from = append ? _flips.Count : 0;
        // A flip is 1[z > 0] != mask (a masked pair at z = 0 flips off; an unmasked one stays): 32 pairs a word.
        var mask = _field.Mask;
        for (int j = 0; j < _m; j++)
            for (int k0 = 0; k0 < _n; k0 += 32)
            {
                uint diff = (_signs.PositiveWord(j, k0) ^ mask.Word(j, k0)) & TailBits(k0);
                for (; diff != 0; diff &= diff - 1) _flips.Add(j * _n + k0 + System.Numerics.BitOperations.TrailingZeroCount(diff));
            }
        if (_field.SlidingPairs == 0) return;
        // Sliding pairs are masked to 0 while their z stays 0; never count them as flips.
        for (int f = _flips.Count - 1; f >= from; f--) if (IsSliding(_flips[f])) _flips.RemoveAt(f);
    }

    /// <summary>
    /// Pairs of this step's flips whose side changed: a pair its own correction carried back across its
    /// hyperplane is in the list twice (flipped and flipped back, the way captures are found) and did not cross.
    /// </summary>
    int NetFlips()
    {
        _netScratch.Clear();
        _netScratch.AddRange(_flips);
        _netScratch.Sort();
        int net = 0;
        for (int a = 0; a < _netScratch.Count;)
        {
            int b = a;
            while (b < _netScratch.Count && _netScratch[b] == _netScratch[a]) b++;
            if (((b - a) & 1) == 1) net++;
            a = b;
        }
        return net;
    }

    /// <summary>
    /// Sets mask = 1[z &gt; 0] for every pair not sliding; returns how many changed. A pair at z = 0 exactly keeps its
    /// side, and so does a pair just released from its hyperplane while it is still on it to rounding: it sits at
    /// |z| ~ 1e-17 of either sign, and its side is the one the selection chose. Taking the rounding's sign instead
    /// overturned that choice for about half of all released pairs (on R1 to t = 1e4: 17,613 of 31,604 releases),
    /// and most of those were captured again at the next step (9,529 of the 13,829 captures within one step of a
    /// release): step-level chattering that made up most of the late phase's events.
    /// </summary>
    int SyncPatternToSigns()
    {
        var mask = _field.Mask;
        int changed = 0;
        for (int j = 0; j < _m; j++)
            for (int k0 = 0; k0 < _n; k0 += 32)
            {
                uint positive = _signs.PositiveWord(j, k0);
                uint diff = (positive ^ mask.Word(j, k0)) & TailBits(k0);
                for (; diff != 0; diff &= diff - 1)
                {
                    int k = k0 + System.Numerics.BitOperations.TrailingZeroCount(diff);
                    if (IsSliding(j * _n + k)) continue;
                    double z = SignPattern.PreActivation(W(_y, j), _data.Row(k));
                    if (mask.IsOn(j, k) && z == 0) continue;
                    if (_released.Contains(j * _n + k) && Math.Abs(z) <= RoundingBand(j, k)) continue;
                    mask.Set(j, k, (positive >> (k - k0) & 1u) != 0);
                    changed++;
                }
            }
        _stats.Crossings += changed;
        return changed;
    }

    /// <summary>
    /// The rounding of z_jk = &lt;w_j, x_k&gt; computed from a state on the hyperplane: 16 d eps |w_j| |x_k|, a few
    /// times the worst case of the d fused multiply-adds.
    /// </summary>
    double RoundingBand(int j, int k)
    {
        var w = W(_y, j);
        var x = _data.Row(k);
        double ww = 0, xx = 0;
        for (int i = 0; i < _d; i++) { ww += w[i] * w[i]; xx += x[i] * x[i]; }
        return 16 * _d * MachineEpsilon * Math.Sqrt(ww * xx);
    }

    /// <summary>The bits of the word starting at k0 that are samples (all 32 but in the last word).</summary>
    uint TailBits(int k0) => _n - k0 >= 32 ? uint.MaxValue : (1u << (_n - k0)) - 1;

    bool IsSliding(int index)
    {
        int j = index / _n, k = index % _n;
        var pts = _field.Sliding[j].Points;
        for (int a = 0; a < pts.Count; a++) if (pts[a] == k) return true;
        return false;
    }

    void ApplyFlips()
    {
        foreach (int i in _flips) _field.Mask.Flip(i);
    }
}
