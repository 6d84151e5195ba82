namespace SimplicityBias.Dynamics.Network;

/// <summary>
/// What an observer sees of a training run: the state at the start, after each accepted step and at the end.
/// A view on the trainer's own arrays, valid only during the call (copy what you keep). Loss and gradient norm may
/// cost an evaluation where the trainer does not have them (the plain flow), so read them only when needed.
/// </summary>
public abstract class TrainingView
{
    /// <summary>A view of a network with m neurons in dimension d.</summary>
    protected TrainingView(int m, int d, Activation activation) { M = m; D = d; Activation = activation; }

    /// <summary>Neurons.</summary>
    public int M { get; }
    /// <summary>Input dimension.</summary>
    public int D { get; }
    /// <summary>Nonlinearity of the network.</summary>
    public Activation Activation { get; }
    /// <summary>Flow time t (for discrete methods: steps times learning rate).</summary>
    public abstract double Time { get; }
    /// <summary>The parameters, laid out as <see cref="NetworkParameters.Theta"/>.</summary>
    public abstract ReadOnlySpan<double> Theta { get; }
    /// <summary>Training loss, 1/(2n) convention.</summary>
    public abstract double Loss { get; }
    /// <summary>Norm of the (minimum-norm Clarke) gradient.</summary>
    public abstract double GradNorm { get; }
    /// <summary>Neuron/point pairs sliding on their hyperplanes (Filippov flow; 0 otherwise).</summary>
    public virtual int SlidingPairs => 0;
    /// <summary>Hyperplane crossings so far.</summary>
    public abstract long Crossings { get; }
    /// <summary>max_j |w_j|.</summary>
    public double MaxNeuronNorm => NetworkDiagnostics.MaxNeuronNorm(Theta, M, D);
    /// <summary>A copy of the parameters.</summary>
    public NetworkParameters CopyParameters() => new(M, D, Theta.ToArray());
}

/// <summary>
/// Watches a training run (<see cref="Training.Solve"/>): called at the start, after every accepted step, and once at
/// the end with the final (or last good) state. The run's bookkeeping (trajectory, test loss, the first time a
/// condition holds, checkpoints) is written once as observers instead of once per trainer.
/// </summary>
public abstract class TrainingObserver
{
    /// <summary>The initial state, before any step.</summary>
    public virtual void OnStart(TrainingView run) { }
    /// <summary>The state after an accepted step.</summary>
    public virtual void OnStep(TrainingView run) { }
    /// <summary>The final (or last good) state.</summary>
    public virtual void OnEnd(TrainingView run) { }

    // A checkpointed run (FlowCheckpoints) keeps its observers' state in its checkpoints and puts it back on resume;
    // an observer that cannot say its state refuses checkpoints.
    internal virtual bool Checkpointable => false;
    internal virtual string CheckpointConfig => GetType().Name; // enters the checkpoint's fingerprint
    internal virtual void WriteState(BinaryWriter w) { }
    internal virtual void ReadState(BinaryReader r) { }
}

/// <summary>
/// The first time a condition on the state holds (at the start or after a step): its time and a copy of the
/// parameters then. The end of the early phase (SimplicityBias.Theory's EarlyPhase) is one.
/// </summary>
public sealed class FirstTimeObserver(Func<TrainingView, bool> condition) : TrainingObserver
{
    /// <summary>The first time the condition held, NaN if never.</summary>
    public double Time { get; private set; } = double.NaN;
    /// <summary>The parameters then, null if never.</summary>
    public NetworkParameters? Parameters { get; private set; }

    /// <summary>The first time max_j |w_j| exceeds <paramref name="threshold"/>.</summary>
    public static FirstTimeObserver MaxNeuronNormAbove(double threshold) => new(run => run.MaxNeuronNorm > threshold);

    /// <inheritdoc/>
    public override void OnStart(TrainingView run) => Check(run);
    /// <inheritdoc/>
    public override void OnStep(TrainingView run) => Check(run);

    internal override bool Checkpointable => true;

    internal override void WriteState(BinaryWriter w)
    {
        w.Write(Time);
        w.Write(Parameters is not null);
        if (Parameters is { } p) { w.Write(p.M); w.Write(p.D); CheckpointFormat.WriteDoubles(w, p.Theta); }
    }

    internal override void ReadState(BinaryReader r)
    {
        Time = r.ReadDouble();
        Parameters = r.ReadBoolean() ? new NetworkParameters(r.ReadInt32(), r.ReadInt32(), CheckpointFormat.ReadDoubles(r)) : null;
    }

    void Check(TrainingView run)
    {
        if (Parameters is not null || !condition(run)) return;
        Parameters = run.CopyParameters();
        Time = run.Time;
    }
}

/// <summary>Calls a list of observers in order (indexed loops over an array: nothing allocated per step).</summary>
internal sealed class ObserverList(IEnumerable<TrainingObserver> observers)
{
    readonly TrainingObserver[] _observers = observers.ToArray();

    public IReadOnlyList<TrainingObserver> Items => _observers;

    public void Start(TrainingView run) { for (int i = 0; i < _observers.Length; i++) _observers[i].OnStart(run); }
    public void Step(TrainingView run) { for (int i = 0; i < _observers.Length; i++) _observers[i].OnStep(run); }
    public void End(TrainingView run) { for (int i = 0; i < _observers.Length; i++) _observers[i].OnEnd(run); }
}
