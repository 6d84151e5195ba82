namespace SimplicityBias.Dynamics.Network;

/// <summary>
/// Checkpoints of a Filippov flow run (<see cref="FilippovFlowAlgorithm.Checkpoints"/>): the run restarts its integrator
/// at the fixed times t_i = 10^(i / <see cref="PerDecade"/>) (i = 0, 1, ...; t from 1 on, below the horizon) from the
/// state it reached there, and that state is what a checkpoint holds. Restarts are part of what defines the run:
/// a run that goes through them uninterrupted and one resumed from a checkpoint do the same restarts from the same
/// bytes, so they end with the same bits. A run with checkpoints differs from one without (at rounding level: the
/// restart re-evaluates the field and re-estimates the spectral radius), so a caller that keys runs by their options
/// must include <see cref="PerDecade"/> in the key.
/// </summary>
public sealed record FlowCheckpoints
{
    /// <summary>Restart times per decade of t (&gt;= 1).</summary>
    public int PerDecade { get; init; } = 4;

    /// <summary>
    /// The caller's name for the run (e.g. a hash of its spec and the code version): written into every checkpoint, and
    /// a checkpoint with another key is refused on resume.
    /// </summary>
    public string RunKey { get; init; } = "";

    /// <summary>The bytes of a checkpoint of this run to continue from (null: start at t = 0).</summary>
    public byte[]? Resume { get; init; }

    /// <summary>
    /// Called at every restart with the checkpoint's bytes and its time t (null: the restarts happen, nothing is kept).
    /// The bytes are complete: store them whole (write a temporary file and rename it) so a reader never sees a part.
    /// </summary>
    public Action<byte[], double>? Save { get; init; }

    /// <summary>Called once with the time t of <see cref="Resume"/> when the run continues from it.</summary>
    public Action<double>? Resumed { get; init; }

    /// <summary>Throws an ArgumentException naming the first invalid option.</summary>
    public void Validate()
    {
        if (PerDecade < 1 || PerDecade > 1000) throw new ArgumentException($"PerDecade must be in [1, 1000], got {PerDecade}", nameof(PerDecade));
        ArgumentNullException.ThrowIfNull(RunKey);
    }

    /// <summary>The restart time t_i = 10^(i / perDecade) (deterministic rounding).</summary>
    public static double RestartTime(int index, int perDecade) => RoundedPow.Pow(10.0, (double)index / perDecade);
}

/// <summary>
/// A checkpoint that cannot continue this run: not a checkpoint, damaged (its checksum does not match), written by
/// another build of the integrator, or for another run or problem. The message says which. Thrown before anything
/// of the run is computed or any observer is touched, so the caller can start afresh instead.
/// </summary>
public sealed class FlowCheckpointException(string message) : Exception(message);
