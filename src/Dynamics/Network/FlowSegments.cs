using SimplicityBias.Dynamics.Ode;

namespace SimplicityBias.Dynamics.Network;

/// <summary>
/// A Filippov flow run in segments (<see cref="FlowCheckpoints"/>): one integrator per interval between restart
/// times, each started from the state the previous one reached. The state passes from one segment to the next
/// through the bytes of a checkpoint, written and read back even when nothing stops the run, so a run resumed from
/// those bytes takes exactly the path of the run that went on: the same restarts from the same bytes.
/// </summary>
internal static class FlowSegments
{
    public static FlowResult Run(Dataset data, NetworkParameters initial, FlowOptions options, FlowCheckpoints plan,
        IReadOnlyList<TrainingObserver> observers, ObserverList list, TrajectoryObserver trajectory, CancellationToken cancel)
    {
        plan.Validate();
        for (int i = 0; i < observers.Count; i++)
            if (!observers[i].Checkpointable)
                throw new ArgumentException($"observers[{i}] ({observers[i].GetType().Name}) cannot keep its state in a checkpoint", nameof(observers));
        var fingerprint = CheckpointFormat.Fingerprint(data, initial, options, plan.PerDecade, observers);
        FilippovState? state = null;
        int next = 0; // t_0 = 1: no restarts in the first second of flow time, where runs are short anyway
        if (plan.Resume is { } resume)
        {
            (state, next) = CheckpointFormat.Read(resume, plan.RunKey, fingerprint, observers);
            plan.Resumed?.Invoke(state.T);
        }
        while (true)
        {
            double restart = FlowCheckpoints.RestartTime(next, plan.PerDecade);
            bool segment = restart < options.Horizon;
            var integrator = new FilippovIntegrator(data, initial, segment ? options with { Horizon = restart } : options, list, trajectory);
            integrator.ContinueFrom(state, segment, options.Horizon);
            var result = integrator.Run(cancel);
            if (!segment || result.Code != OdeReturnCode.Success) return result;
            var bytes = CheckpointFormat.Write(plan.RunKey, fingerprint, next + 1, integrator.Capture(), observers);
            plan.Save?.Invoke(bytes, restart);
            (state, next) = CheckpointFormat.Read(bytes, plan.RunKey, fingerprint, observers);
        }
    }
}
