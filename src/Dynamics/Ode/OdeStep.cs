using System.Collections;

namespace SimplicityBias.Dynamics.Ode;

/// <summary>
/// One accepted step seen through <see cref="OdeSolver.Enumerate"/>: a light view on the running integrator.
/// <see cref="Y"/> and <see cref="Interpolate"/> are valid until the enumeration moves on; copy what you keep.
/// </summary>
public readonly struct OdeStep
{
    private readonly OdeIntegrator _integrator;

    internal OdeStep(OdeIntegrator integrator)
    {
        _integrator = integrator;
        T = integrator.T;
        TPrevious = integrator.TPrevious;
        Index = integrator.StepCount;
        EventIndex = integrator.LastEventIndex;
    }

    /// <summary>End time of the step (an event time if an event cut it).</summary>
    public double T { get; }
    /// <summary>Start time of the step.</summary>
    public double TPrevious { get; }
    /// <summary>1-based count of accepted steps.</summary>
    public long Index { get; }
    /// <summary>Index of the event (terminal or with an affect) that ended this step, or -1.</summary>
    public int EventIndex { get; }
    /// <summary>State at <see cref="T"/> after any affect or callback (valid until the next step).</summary>
    public ReadOnlySpan<double> Y => _integrator.Y;
    /// <summary>The integrator (statistics, return code, saved points so far).</summary>
    public OdeIntegrator Integrator => _integrator;
    /// <summary>Dense output at t in [TPrevious, T] (valid until the next step).</summary>
    public void Interpolate(double t, Span<double> y) => _integrator.Interpolate(t, y);
    /// <summary>A copy of <see cref="Y"/>.</summary>
    public double[] CopyState() => _integrator.Y.ToArray();
}

/// <summary>
/// A lazy stream of accepted steps (as in OSLO). Each enumeration runs a fresh integration; the stream keeps the
/// integrator of the latest one, so the return code and statistics can be read after (or during) it. Stopping the
/// enumeration early is fine. Failures end the stream with a return code, never with an exception.
/// </summary>
public sealed class OdeStream : IEnumerable<OdeStep>
{
    private readonly OdeProblem _problem;
    private readonly OdeAlgorithm _algorithm;
    private readonly OdeOptions _options;

    internal OdeStream(OdeProblem problem, OdeAlgorithm algorithm, OdeOptions options)
    {
        _problem = problem;
        _algorithm = algorithm;
        _options = options;
        // Validate now so that bad input throws here, not at the first MoveNext.
        _ = new OdeIntegrator(problem, algorithm, options);
    }

    /// <summary>The integrator of the latest enumeration (null before the first).</summary>
    public OdeIntegrator? Integrator { get; private set; }
    /// <summary>Return code of the latest enumeration (meaningful once it finished).</summary>
    public OdeReturnCode? ReturnCode => Integrator?.IsFinished == true ? Integrator.ReturnCode : null;
    /// <summary>Statistics of the latest enumeration.</summary>
    public OdeStatistics? Statistics => Integrator?.Statistics;

    /// <inheritdoc/>
    public IEnumerator<OdeStep> GetEnumerator()
    {
        var integrator = new OdeIntegrator(_problem, _algorithm, _options);
        Integrator = integrator;
        return Iterate(integrator);
    }

    private static IEnumerator<OdeStep> Iterate(OdeIntegrator integrator)
    {
        while (integrator.Step()) yield return new OdeStep(integrator);
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
