using SimplicityBias.Dynamics.Ode;

namespace SimplicityBias.Dynamics.Network;

/// <summary>
/// What the Filippov integrator carries across a restart (FlowSegments): time, parameters, activation pattern,
/// sliding sets, step-size control, stiffness mode and counters. Everything else starts afresh at a restart, the same
/// way in a run that goes on and in one resumed from a checkpoint: the signs, the field and the residuals are
/// re-evaluated at the state, the spectral radius is re-estimated, and the field's grouping starts over.
/// </summary>
internal sealed class FilippovState
{
    public required double T { get; init; }
    public required long Steps { get; init; }
    /// <summary>The step size to attempt next and the step-size controller's history.</summary>
    public required double H { get; init; }
    public required (double Previous, double BeforePrevious, bool LastRejected) Control { get; init; }
    public required double[] Theta { get; init; }
    public required uint[] Mask { get; init; }
    /// <summary>Each neuron's sliding set as <see cref="SlidingSet.Save"/> gives it (the factor kept bit for bit).</summary>
    public required (int[] Points, int[] Basis, double[] Chol)[] Sliding { get; init; }
    /// <summary>The pairs released by the last accepted step, ascending (recaptures are counted against them).</summary>
    public required int[] ReleasedLastStep { get; init; }
    public required (bool Stiff, int StiffCount, int NonStiffCount, long Switches) Switch { get; init; }
    /// <summary>The counters of the whole run so far, the field's included.</summary>
    public required FlowStatistics Statistics { get; init; }
    /// <summary>The steps over the second half of the run's horizon so far.</summary>
    public required StepPace Pace { get; init; }
}

internal sealed partial class FilippovIntegrator
{
    FilippovState? _startFrom; // the state to continue from instead of the initial parameters
    FlowStatistics? _earlier;  // the counters of the segments before this one
    bool _endsSegment;         // this integrator's horizon is a restart time, not the run's end

    /// <summary>
    /// Makes <see cref="Run"/> continue from <paramref name="state"/> (observers not started again);
    /// <paramref name="endsSegment"/>: reaching the horizon is a restart, so the observers are not ended there;
    /// <paramref name="runHorizon"/>: the whole run's horizon (its second half is where the pace is counted).
    /// </summary>
    public void ContinueFrom(FilippovState? state, bool endsSegment, double runHorizon)
    {
        _startFrom = state;
        _endsSegment = endsSegment;
        _runHorizon = runHorizon;
    }

    /// <summary>The state to continue from after <see cref="Run"/> reached the restart.</summary>
    public FilippovState Capture() => new()
    {
        T = _t, Steps = _steps, H = _h, Control = _control.History,
        Theta = (double[])_y.Clone(),
        Mask = _field.Mask.Bits.ToArray(),
        Sliding = _field.Sliding.Select(s => s.Save()).ToArray(),
        ReleasedLastStep = _releasedLastStep.Order().ToArray(),
        Switch = _switch.Save(),
        Statistics = _stats.Clone(),
        Pace = _pace.Clone(),
    };

    /// <summary>
    /// Sets the run up from <see cref="_startFrom"/>: the carried state, then <see cref="Start"/> at it (signs, field,
    /// residuals) with the carried pattern. False when the run starts from its initial parameters.
    /// </summary>
    bool StartFromState()
    {
        if (_startFrom is not { } s) return false;
        (_t, _steps, _h) = (s.T, s.Steps, s.H);
        _control.History = s.Control;
        Array.Copy(s.Theta, _y, _p);
        _releasedLastStep.UnionWith(s.ReleasedLastStep);
        _switch.Restore(s.Switch);
        _stats = s.Statistics.Clone();
        _earlier = s.Statistics;
        _pace = s.Pace.Clone();
        if (_pace.IsOpen) _dopri.KeepScaledError = true;
        _rejectedAtAccept = _stats.RejectedSteps;
        Start();
        return true;
    }

    /// <summary>The carried pattern and sliding sets (not the signs' pattern: sliding pairs are off whatever the rounding of their z).</summary>
    void RestoreCarriedPattern()
    {
        var s = _startFrom!;
        _field.Mask.CopyFrom(s.Mask);
        for (int j = 0; j < _m; j++) _field.Sliding[j].Restore(s.Sliding[j]);
        _field.RecountSliding();
    }

    /// <summary>
    /// Adds the counters of the earlier segments to those <see cref="Finish"/> takes from this integrator's own sources
    /// (field, clock): every counter it assigns rather than increments along the run belongs here.
    /// </summary>
    void AddEarlierSegments()
    {
        if (_earlier is not { } e) return;
        _stats.WallSeconds += e.WallSeconds;
        _stats.RhsEvaluations += e.RhsEvaluations;
        _stats.FieldBackendSwitches += e.FieldBackendSwitches;
        _stats.BlockEvaluations += e.BlockEvaluations;
        _stats.BlockPairUpdates += e.BlockPairUpdates;
        _stats.BlockRebuilds += e.BlockRebuilds;
        _stats.NearListUpdates += e.NearListUpdates;
        _stats.NearListBuilds += e.NearListBuilds;
        _stats.ResidualsOnDemand += e.ResidualsOnDemand;
    }

    /// <summary>Whether the run goes on after this integrator stopped with <paramref name="code"/> (a restart).</summary>
    bool EndsSegment(OdeReturnCode code) => _endsSegment && code == OdeReturnCode.Success;
}
