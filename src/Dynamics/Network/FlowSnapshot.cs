namespace SimplicityBias.Dynamics.Network;

/// <summary>
/// The Filippov integrator's state at the start of the step being accepted, so that the step can be undone when its
/// sliding update raises the loss: time, step count, loss, parameters, field, pattern, counters, and the sliding sets
/// of the neurons the update touches (saved lazily, at their first change: most neurons are never touched).
/// </summary>
internal sealed class FlowSnapshot
{
    readonly double[] _y, _k1;
    readonly uint[] _mask;
    readonly Dictionary<int, (int[] Points, int[] Basis, double[] Chol)> _sliding = new();

    public FlowSnapshot(int parameters, int maskWords)
    {
        _y = new double[parameters];
        _k1 = new double[parameters];
        _mask = new uint[maskWords];
    }

    /// <summary>Time of the state.</summary>
    public double T { get; private set; }
    /// <summary>Training loss at the state.</summary>
    public double Loss { get; private set; }
    /// <summary>Accepted steps before it.</summary>
    public long Steps { get; private set; }
    /// <summary>The counters at the state.</summary>
    public FlowStatistics Statistics { get; private set; } = new();

    /// <summary>
    /// Takes the state: <paramref name="y"/> with its field <paramref name="k1"/>, and the pattern, which already has
    /// the step's flips applied (they are undone on <see cref="Restore"/>).
    /// </summary>
    public void Take(double t, long steps, double loss, double[] y, double[] k1, ActivationMask mask, FlowStatistics stats)
    {
        T = t; Steps = steps; Loss = loss;
        Array.Copy(y, _y, _y.Length);
        Array.Copy(k1, _k1, _k1.Length);
        mask.CopyTo(_mask);
        Statistics = stats.Clone();
        _sliding.Clear();
    }

    /// <summary>Keeps neuron j's sliding set as it is, unless it was kept since <see cref="Take"/>.</summary>
    public void KeepSliding(int j, SlidingSet set)
    {
        if (!_sliding.ContainsKey(j)) _sliding[j] = set.Save();
    }

    /// <summary>
    /// Puts the state back into <paramref name="y"/>, <paramref name="k1"/> and the field (pattern with
    /// <paramref name="flips"/> undone, sliding sets recounted); returns the counters to continue with.
    /// </summary>
    public FlowStatistics Restore(double[] y, double[] k1, FilippovField field, IReadOnlyList<int> flips)
    {
        Array.Copy(_y, y, y.Length);
        Array.Copy(_k1, k1, k1.Length);
        field.Mask.CopyFrom(_mask);
        foreach (int i in flips) field.Mask.Flip(i); // flips are involutions: back to the pattern before the step
        foreach (var (j, state) in _sliding) field.Sliding[j].Restore(state);
        field.RecountSliding();
        return Statistics;
    }
}
