using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;

namespace SimplicityBias.Dynamics.Network;

/// <summary>
/// The bytes of a Filippov flow checkpoint (<see cref="FlowCheckpoints"/>): a header that says whose it is, the
/// integrator's state at a restart (<see cref="FilippovState"/>), the observers' state, and a SHA-256 of all that.
/// Header: a magic word, the format version, the module id of this build of SimplicityBias.Dynamics (a deterministic
/// build gives another id whenever its code changes: a state is only meaningful to the code that wrote it), the run
/// key, and a fingerprint of the problem (data, initial parameters, options, restart grid, observers). Every double is
/// kept bit for bit. Reading checks all of it before anything is restored.
/// </summary>
internal static class CheckpointFormat
{
    static readonly byte[] Magic = "SBFLOWCK"u8.ToArray();
    const int Version = 2;
    const int HashBytes = 32;

    /// <summary>The module id of this build of the integrator.</summary>
    public static Guid CodeId { get; } = typeof(FilippovIntegrator).Assembly.ManifestModule.ModuleVersionId;

    /// <summary>SHA-256 of what the run is: data, initial parameters, integration options, restart grid and observers.</summary>
    public static byte[] Fingerprint(Dataset data, NetworkParameters initial, FlowOptions options, int perDecade, IEnumerable<TrainingObserver> observers)
    {
        using var ms = new MemoryStream();
        using (var w = new BinaryWriter(ms, Encoding.UTF8, leaveOpen: true))
        {
            w.Write(data.N); w.Write(data.D); w.Write(initial.M);
            WriteDoubles(w, data.X); WriteDoubles(w, data.Y); WriteDoubles(w, initial.Theta);
            w.Write(options.Horizon); w.Write(options.StationarityTolerance); w.Write(options.RelativeTolerance);
            w.Write(options.AbsoluteTolerance); w.Write(options.MaxSteps); w.Write(options.MaxStepSize);
            w.Write(options.StiffSwitching); w.Write((int)options.FieldBackend); w.Write(options.DenseOutputCrossings); w.Write(perDecade);
            foreach (var o in observers) w.Write(o.CheckpointConfig);
        }
        return SHA256.HashData(ms.ToArray());
    }

    /// <summary>The checkpoint of a run at a restart: <paramref name="next"/> is the index of the next restart time.</summary>
    public static byte[] Write(string runKey, byte[] fingerprint, int next, FilippovState s, IReadOnlyList<TrainingObserver> observers)
    {
        using var ms = new MemoryStream();
        using (var w = new BinaryWriter(ms, Encoding.UTF8, leaveOpen: true))
        {
            w.Write(Magic); w.Write(Version); w.Write(CodeId.ToByteArray()); w.Write(runKey); w.Write(fingerprint);
            w.Write(next);
            w.Write(s.T); w.Write(s.Steps); w.Write(s.H);
            w.Write(s.Control.Previous); w.Write(s.Control.BeforePrevious); w.Write(s.Control.LastRejected);
            WriteDoubles(w, s.Theta);
            w.Write(s.Mask.Length); w.Write(MemoryMarshal.AsBytes(s.Mask.AsSpan()));
            w.Write(s.Sliding.Length);
            foreach (var (points, basis, chol) in s.Sliding) { WriteInts(w, points); WriteInts(w, basis); WriteDoubles(w, chol); }
            WriteInts(w, s.ReleasedLastStep);
            w.Write(s.Switch.Stiff); w.Write(s.Switch.StiffCount); w.Write(s.Switch.NonStiffCount); w.Write(s.Switch.Switches);
            WriteStatistics(w, s.Statistics);
            s.Pace.Write(w);
            w.Write(observers.Count);
            foreach (var o in observers) o.WriteState(w);
        }
        ms.Write(SHA256.HashData(ms.GetBuffer().AsSpan(0, (int)ms.Length)));
        return ms.ToArray();
    }

    /// <summary>
    /// Checks that <paramref name="bytes"/> are an intact checkpoint of this build, this run and this problem (a
    /// <see cref="FlowCheckpointException"/> saying why not), then reads the state; the observers are restored only
    /// after every check passed.
    /// </summary>
    public static (FilippovState State, int Next) Read(byte[] bytes, string runKey, byte[] fingerprint, IReadOnlyList<TrainingObserver> observers)
    {
        if (bytes.Length < Magic.Length + HashBytes || !bytes.AsSpan(0, Magic.Length).SequenceEqual(Magic))
            throw new FlowCheckpointException("not a flow checkpoint (it does not start with the checkpoint's magic word)");
        var body = bytes.AsSpan(0, bytes.Length - HashBytes);
        if (!SHA256.HashData(body).AsSpan().SequenceEqual(bytes.AsSpan(bytes.Length - HashBytes)))
            throw new FlowCheckpointException("damaged: its SHA-256 does not match its content (truncated or altered)");
        using var r = new BinaryReader(new MemoryStream(bytes, 0, body.Length), Encoding.UTF8);
        try
        {
            r.ReadBytes(Magic.Length);
            int version = r.ReadInt32();
            if (version != Version) throw new FlowCheckpointException($"format version {version}, this build reads version {Version}");
            var code = new Guid(r.ReadBytes(16));
            if (code != CodeId) throw new FlowCheckpointException($"written by another build of SimplicityBias.Dynamics (module id {code}, this one is {CodeId}); a state is only continued by the code that wrote it");
            string key = r.ReadString();
            if (key != runKey) throw new FlowCheckpointException($"of another run (key '{key}', this run's is '{runKey}')");
            if (!r.ReadBytes(HashBytes).AsSpan().SequenceEqual(fingerprint))
                throw new FlowCheckpointException("of another problem: its data, initial parameters, options, restart grid or observers differ from this run's");
            int next = r.ReadInt32();
            var state = new FilippovState
            {
                T = r.ReadDouble(), Steps = r.ReadInt64(), H = r.ReadDouble(),
                Control = (r.ReadDouble(), r.ReadDouble(), r.ReadBoolean()),
                Theta = ReadDoubles(r),
                Mask = MemoryMarshal.Cast<byte, uint>(r.ReadBytes(r.ReadInt32() * sizeof(uint))).ToArray(),
                Sliding = Enumerable.Range(0, r.ReadInt32()).Select(_ => (ReadInts(r), ReadInts(r), ReadDoubles(r))).ToArray(),
                ReleasedLastStep = ReadInts(r),
                Switch = (r.ReadBoolean(), r.ReadInt32(), r.ReadInt32(), r.ReadInt64()),
                Statistics = ReadStatistics(r),
                Pace = StepPace.Read(r),
            };
            int count = r.ReadInt32();
            if (count != observers.Count) throw new FlowCheckpointException($"has the state of {count} observers, this run has {observers.Count}");
            foreach (var o in observers) o.ReadState(r);
            if (r.BaseStream.Position != body.Length) throw new FlowCheckpointException("damaged: bytes left after its content");
            return (state, next);
        }
        catch (EndOfStreamException) { throw new FlowCheckpointException("damaged: it ends inside its content"); }
    }

    public static void WriteDoubles(BinaryWriter w, double[] v) { w.Write(v.Length); w.Write(MemoryMarshal.AsBytes(v.AsSpan())); }
    public static double[] ReadDoubles(BinaryReader r) => MemoryMarshal.Cast<byte, double>(ReadExactly(r, r.ReadInt32(), sizeof(double))).ToArray();
    static void WriteInts(BinaryWriter w, int[] v) { w.Write(v.Length); w.Write(MemoryMarshal.AsBytes(v.AsSpan())); }
    static int[] ReadInts(BinaryReader r) => MemoryMarshal.Cast<byte, int>(ReadExactly(r, r.ReadInt32(), sizeof(int))).ToArray();

    static byte[] ReadExactly(BinaryReader r, int count, int size)
    {
        if (count < 0) throw new FlowCheckpointException($"damaged: an array of length {count}");
        var b = r.ReadBytes(count * size);
        if (b.Length != count * size) throw new EndOfStreamException();
        return b;
    }

    // Every counter, by name in ordinal order, so a counter added to FlowStatistics is carried without a change here.
    static readonly System.Reflection.PropertyInfo[] Counters = typeof(FlowStatistics).GetProperties()
        .Where(p => p.CanRead && p.CanWrite).OrderBy(p => p.Name, StringComparer.Ordinal).ToArray();

    static void WriteStatistics(BinaryWriter w, FlowStatistics s)
    {
        foreach (var p in Counters)
        {
            switch (p.GetValue(s))
            {
                case long x: w.Write(x); break;
                case int x: w.Write(x); break;
                case double x: w.Write(x); break;
                case FieldBackend x: w.Write((int)x); break;
                default: throw new InvalidOperationException($"FlowStatistics.{p.Name}: no checkpoint form for {p.PropertyType}");
            }
        }
    }

    static FlowStatistics ReadStatistics(BinaryReader r)
    {
        var s = new FlowStatistics();
        foreach (var p in Counters)
        {
            object v = p.PropertyType == typeof(long) ? r.ReadInt64()
                : p.PropertyType == typeof(int) ? r.ReadInt32()
                : p.PropertyType == typeof(double) ? r.ReadDouble()
                : p.PropertyType == typeof(FieldBackend) ? (FieldBackend)r.ReadInt32()
                : throw new InvalidOperationException($"FlowStatistics.{p.Name}: no checkpoint form for {p.PropertyType}");
            p.SetValue(s, v);
        }
        return s;
    }
}
