namespace SimplicityBias.Dynamics.Network;

/// <summary>
/// Records the trajectory of a run at log-spaced times (<see cref="TrajectoryRecorder"/>): the loss, gradient norm,
/// test loss (when a test set is given), largest neuron, sliding pairs, crossings and balancedness drift, at t = 0, the
/// first time t passes each grid point, and at the end.
/// </summary>
public sealed class TrajectoryObserver : TrainingObserver
{
    readonly TrajectoryRecorder _recorder;
    readonly Dataset? _test;
    readonly Action<TrajectoryPoint>? _progress;
    GradientKernel? _testKernel;
    double[] _c0 = [];
    double _scale0;

    /// <param name="pointsPerDecade">Grid points per decade of t (&gt;= 1).</param>
    /// <param name="test">Optional test set: its loss is recorded (NaN otherwise).</param>
    /// <param name="progress">Called with each recorded point (may be null).</param>
    public TrajectoryObserver(int pointsPerDecade = 8, Dataset? test = null, Action<TrajectoryPoint>? progress = null)
    {
        _recorder = new TrajectoryRecorder(pointsPerDecade);
        _test = test;
        _progress = progress;
    }

    /// <summary>The recorded points.</summary>
    public IReadOnlyList<TrajectoryPoint> Points => _recorder.Points;

    /// <summary>Whether a point at time t would be recorded (a trainer that measures extra at recorded points asks first).</summary>
    public bool IsDue(double t) => _recorder.IsDue(t);

    /// <summary>How much the loss fell over the last decade of t, in words (see <see cref="TrajectoryRecorder.LastDecade"/>).</summary>
    public string LastDecade(double t, double loss) => _recorder.LastDecade(t, loss);

    /// <inheritdoc/>
    public override void OnStart(TrainingView run)
    {
        if (_test is { } test)
        {
            if (test.D != run.D) throw new ArgumentException($"the test set has d = {test.D}, the network d = {run.D}", nameof(test));
            _testKernel = new GradientKernel(test, run.M, run.Activation);
        }
        _c0 = NetworkDiagnostics.Balancedness(run.Theta, run.M, run.D);
        _scale0 = NetworkDiagnostics.SquaredScale(run.Theta, run.M, run.D);
        Add(run);
    }

    /// <inheritdoc/>
    public override void OnStep(TrainingView run)
    {
        if (_recorder.IsDue(run.Time)) Add(run);
    }

    /// <inheritdoc/>
    public override void OnEnd(TrainingView run)
    {
        int before = _recorder.Points.Count;
        var p = Point(run);
        _recorder.AddFinal(p);
        if (_recorder.Points.Count > before) _progress?.Invoke(p); // a point at the same time was reported already
    }

    internal override bool Checkpointable => true;
    internal override string CheckpointConfig => $"trajectory {_recorder.PointsPerDecade} per decade, test set n = {_test?.N ?? 0}";

    internal override void WriteState(BinaryWriter w)
    {
        _recorder.WriteState(w);
        CheckpointFormat.WriteDoubles(w, _c0);
        w.Write(_scale0);
        w.Write(_testKernel is not null);
        if (_testKernel is not null) { w.Write(_testKernel.M); w.Write((int)_testKernel.Activation); }
    }

    internal override void ReadState(BinaryReader r)
    {
        _recorder.ReadState(r);
        _c0 = CheckpointFormat.ReadDoubles(r);
        _scale0 = r.ReadDouble();
        bool withTest = r.ReadBoolean();
        if (withTest != (_test is not null))
            throw new FlowCheckpointException(withTest ? "the checkpoint's trajectory has a test set, this run's has none" : "this run's trajectory has a test set, the checkpoint's has none");
        _testKernel = withTest ? new GradientKernel(_test!, r.ReadInt32(), (Activation)r.ReadInt32()) : null;
    }

    void Add(TrainingView run)
    {
        var p = Point(run);
        _recorder.Add(p);
        _progress?.Invoke(p);
    }

    TrajectoryPoint Point(TrainingView run)
    {
        var theta = run.Theta;
        double test = _testKernel is null ? double.NaN : _testKernel.Evaluate(theta, default);
        return new TrajectoryPoint(run.Time, run.Loss, run.GradNorm, test, NetworkDiagnostics.MaxNeuronNorm(theta, run.M, run.D),
            run.SlidingPairs, run.Crossings, NetworkDiagnostics.BalancednessDrift(theta, run.M, run.D, _c0, _scale0));
    }
}
