using System.Globalization;

namespace SimplicityBias.Dynamics.Network;

/// <summary>
/// What a run's steps were like over the second half of its horizon (t from T/2 to T), so that a run ending at the
/// horizon can say what bounded them and what reaching stationarity would cost at that pace. Late in a run at large n
/// the step is bounded by how often the pattern changes, not by how fast the loss moves: the pace names the step size,
/// what set it, how many neurons slide and how many make half of the error estimate, and the crossings and sliding
/// changes per unit of time. Counted only on accepted steps, from counters that are carried across restarts, so a run resumed
/// from a checkpoint reports the same pace.
/// </summary>
internal sealed class StepPace
{
    /// <summary>Whether the window is open (an accepted step ended at t &gt;= T/2).</summary>
    public bool IsOpen { get; private set; }
    /// <summary>Start of the window: the time of the first accepted step in it.</summary>
    public double From { get; private set; }
    // The run's counters when the window opened.
    long _rhs0, _steps0, _rejected0, _crossingRejected0, _crossings0, _captures0, _releases0, _stiff0;
    // Accepted steps in the window whose next step the crossings' error capped; sums of what each step reported.
    long _capped;
    double _topShare, _halfNeurons, _stabilitySum;
    long _errorCount, _stabilityCount, _slidingNeurons;

    /// <summary>Opens the window at time <paramref name="t"/> with the run's counters there.</summary>
    public void Open(double t, long rhs, FlowStatistics s)
    {
        IsOpen = true;
        From = t;
        (_rhs0, _steps0, _rejected0, _crossingRejected0) = (rhs, s.AcceptedSteps, s.RejectedSteps, s.CrossingRejections);
        (_crossings0, _captures0, _releases0, _stiff0) = (s.Crossings, s.Captures, s.Releases, s.StiffSteps);
    }

    /// <summary>
    /// One accepted step in the window: whether the crossings' error capped the next step; how many neurons slide;
    /// the share of the error estimate's squares from the neuron with the largest, and how many neurons make half of
    /// it (NaN when the method gave no estimate per component); the explicit method's h |lambda| estimate (NaN when none).
    /// </summary>
    public void Step(bool capped, int slidingNeurons, double topShare, double halfNeurons, double hLambda)
    {
        if (capped) _capped++;
        _slidingNeurons += slidingNeurons;
        if (double.IsFinite(topShare) && double.IsFinite(halfNeurons))
        {
            _topShare += topShare;
            _halfNeurons += halfNeurons;
            _errorCount++;
        }
        if (double.IsFinite(hLambda)) { _stabilitySum += hLambda; _stabilityCount++; }
    }

    /// <summary>
    /// The pace in words, from the window's start to time <paramref name="t"/> with the run's counters there;
    /// <paramref name="moreTime"/> (when finite) is the flow time still needed, priced in right-hand sides at this pace.
    /// Empty when the window never opened or holds no step. <paramref name="stiffMethod"/> names the stiff steps.
    /// </summary>
    public string Describe(double t, long rhs, FlowStatistics s, double moreTime, string stiffMethod = "RKC")
    {
        long steps = s.AcceptedSteps - _steps0;
        double span = t - From;
        if (!IsOpen || steps <= 0 || !(span > 0)) return "";
        var c = CultureInfo.InvariantCulture;
        double rhsPerTime = (rhs - _rhs0) / span;
        var text = new System.Text.StringBuilder();
        text.Append(string.Format(c, "; from t = {0:G3} its {1} steps had mean h = {2:G3} and took {3:G3} right-hand sides each",
            From, steps, span / steps, (double)(rhs - _rhs0) / steps));
        text.Append(string.Format(c, "; the crossings' error set the next step after {0:0%} of them", (double)_capped / steps));
        text.Append(string.Format(c, "; {0:G3} neurons slid on average", (double)_slidingNeurons / steps));
        if (_errorCount > 0)
            text.Append(string.Format(c, ", {0:G2} neurons made half of the error estimate (the largest {1:0%})",
                _halfNeurons / _errorCount, _topShare / _errorCount));
        if (_stabilityCount > 0)
            text.Append(string.Format(c, ", mean h|lambda| {0:G2} on its Dormand-Prince steps (stable to 3.3)", _stabilitySum / _stabilityCount));
        long stiff = s.StiffSteps - _stiff0;
        if (stiff > 0) text.Append(string.Format(c, ", {0:0%} of the steps {1}", (double)stiff / steps, stiffMethod));
        text.Append(string.Format(c, "; {0} rejected ({1} at crossings); per unit time {2:G3} crossings, {3:G3} captures and {4:G3} releases",
            s.RejectedSteps - _rejected0, s.CrossingRejections - _crossingRejected0,
            (s.Crossings - _crossings0) / span, (s.Captures - _captures0) / span, (s.Releases - _releases0) / span));
        if (double.IsFinite(moreTime) && moreTime > 0)
            text.Append(string.Format(c, ": at that pace the time still needed is about {0:G2} more right-hand sides", moreTime * rhsPerTime));
        return text.ToString();
    }

    /// <summary>Writes the window (checkpoints).</summary>
    public void Write(BinaryWriter w)
    {
        w.Write(IsOpen); w.Write(From);
        foreach (long x in (long[])[_rhs0, _steps0, _rejected0, _crossingRejected0, _crossings0, _captures0, _releases0, _stiff0, _capped, _errorCount, _stabilityCount, _slidingNeurons])
            w.Write(x);
        w.Write(_topShare); w.Write(_halfNeurons); w.Write(_stabilitySum);
    }

    /// <summary>Reads a window written by <see cref="Write"/>.</summary>
    public static StepPace Read(BinaryReader r)
    {
        var p = new StepPace { IsOpen = r.ReadBoolean(), From = r.ReadDouble() };
        (p._rhs0, p._steps0, p._rejected0, p._crossingRejected0) = (r.ReadInt64(), r.ReadInt64(), r.ReadInt64(), r.ReadInt64());
        (p._crossings0, p._captures0, p._releases0, p._stiff0) = (r.ReadInt64(), r.ReadInt64(), r.ReadInt64(), r.ReadInt64());
        (p._capped, p._errorCount, p._stabilityCount, p._slidingNeurons) = (r.ReadInt64(), r.ReadInt64(), r.ReadInt64(), r.ReadInt64());
        (p._topShare, p._halfNeurons, p._stabilitySum) = (r.ReadDouble(), r.ReadDouble(), r.ReadDouble());
        return p;
    }

    /// <summary>An independent copy (a state captured at a restart must not change with the run that goes on).</summary>
    public StepPace Clone()
    {
        using var ms = new MemoryStream();
        using (var w = new BinaryWriter(ms, System.Text.Encoding.UTF8, leaveOpen: true)) Write(w);
        ms.Position = 0;
        using var r = new BinaryReader(ms);
        return Read(r);
    }
}
