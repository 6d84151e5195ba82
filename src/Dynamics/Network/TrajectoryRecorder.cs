namespace SimplicityBias.Dynamics.Network;

/// <summary>
/// Decides when to record a trajectory point: at t = 0, then the first time t passes each point of a
/// log-spaced grid 10^(i/ppd) (from 1e-3 on), and at the end. Memory stays bounded by the number of
/// decades, whatever the number of steps.
/// </summary>
public sealed class TrajectoryRecorder
{
    readonly int _pointsPerDecade;
    int _nextIndex;
    readonly List<TrajectoryPoint> _points = new();

    /// <summary>Grid points per decade of t.</summary>
    public int PointsPerDecade => _pointsPerDecade;

    /// <summary>The recorded points.</summary>
    public IReadOnlyList<TrajectoryPoint> Points => _points;

    /// <summary>Creates a recorder with <paramref name="pointsPerDecade"/> grid points per decade of t.</summary>
    public TrajectoryRecorder(int pointsPerDecade)
    {
        if (pointsPerDecade < 1) throw new ArgumentException($"pointsPerDecade must be >= 1, got {pointsPerDecade}", nameof(pointsPerDecade));
        _pointsPerDecade = pointsPerDecade;
        _nextIndex = -3 * pointsPerDecade;
    }

    double NextTime => RoundedPow.Pow(10.0, (double)_nextIndex / _pointsPerDecade);

    /// <summary>True when a point is due at time t (the first call, at t = 0, always is).</summary>
    public bool IsDue(double t) => _points.Count == 0 || t >= NextTime;

    /// <summary>Records a point and moves the grid past its time.</summary>
    public void Add(TrajectoryPoint p)
    {
        _points.Add(p);
        while (NextTime <= p.Time) _nextIndex++;
    }

    /// <summary>Records the final point unless a point at the same time is already the last.</summary>
    public void AddFinal(TrajectoryPoint p)
    {
        if (_points.Count > 0 && _points[^1].Time == p.Time) _points[^1] = p;
        else _points.Add(p);
    }

    /// <summary>Writes the grid position and the points (a checkpoint).</summary>
    internal void WriteState(BinaryWriter w)
    {
        w.Write(_pointsPerDecade);
        w.Write(_nextIndex);
        w.Write(_points.Count);
        foreach (var p in _points)
        {
            w.Write(p.Time); w.Write(p.Loss); w.Write(p.GradNorm); w.Write(p.TestLoss); w.Write(p.MaxNeuronNorm);
            w.Write(p.SlidingPairs); w.Write(p.Crossings); w.Write(p.BalancednessDrift);
        }
    }

    /// <summary>Puts back what <see cref="WriteState"/> wrote; refuses another grid.</summary>
    internal void ReadState(BinaryReader r)
    {
        int ppd = r.ReadInt32();
        if (ppd != _pointsPerDecade)
            throw new FlowCheckpointException($"the checkpoint's trajectory has {ppd} points per decade, this run's {_pointsPerDecade}");
        _nextIndex = r.ReadInt32();
        int count = r.ReadInt32();
        _points.Clear();
        for (int i = 0; i < count; i++)
            _points.Add(new TrajectoryPoint(r.ReadDouble(), r.ReadDouble(), r.ReadDouble(), r.ReadDouble(), r.ReadDouble(),
                r.ReadInt32(), r.ReadInt64(), r.ReadDouble()));
    }

    /// <summary>
    /// Why a run that reached its horizon is not at its limit, in words: how much the loss fell over the last decade
    /// of t (from the recorded point nearest t / 10), so a reader can tell a flow still descending from a plateau.
    /// </summary>
    public string LastDecade(double t, double loss)
    {
        TrajectoryPoint? start = null;
        foreach (var p in _points) if (p.Time <= t / 10) start = p;
        if (start is not { } s0 || !(s0.Loss > 0)) return "";
        double drop = (s0.Loss - loss) / s0.Loss;
        return FormattableString.Invariant($"; the loss fell by {drop:G3} (relative) since t = {s0.Time:G3}, from {s0.Loss:G8} to {loss:G8}");
    }
}
