using System.Globalization;

namespace SimplicityBias.Dynamics.Network;

/// <summary>An accepted interval of one numeric option, each end inclusive or exclusive (an infinite end is open).</summary>
/// <param name="Name">The option's name as a user writes it (the spec field).</param>
/// <param name="Min">Lower end.</param>
/// <param name="MinInclusive">Whether the lower end is accepted.</param>
/// <param name="Max">Upper end.</param>
/// <param name="MaxInclusive">Whether the upper end is accepted.</param>
public sealed record OptionRange(string Name, double Min, bool MinInclusive, double Max, bool MaxInclusive)
{
    /// <summary>Whether <paramref name="x"/> is finite and inside the range.</summary>
    public bool Contains(double x)
        => double.IsFinite(x) && (MinInclusive ? x >= Min : x > Min) && (MaxInclusive ? x <= Max : x < Max);

    /// <summary>"a number &gt;= 1E-14 and &lt; 1", for messages and documentation.</summary>
    public string Describe(string what = "a number")
    {
        var lo = double.IsNegativeInfinity(Min) ? "" : (MinInclusive ? ">= " : "> ") + Num(Min);
        var hi = double.IsPositiveInfinity(Max) ? "" : (MaxInclusive ? "<= " : "< ") + Num(Max);
        return what + (lo.Length > 0 ? " " + lo : "") + (lo.Length > 0 && hi.Length > 0 ? " and" : "") + (hi.Length > 0 ? " " + hi : "");
    }

    /// <summary>Throws an <see cref="ArgumentException"/> naming the option and the value when <paramref name="x"/> is outside.</summary>
    public void Check(double x) => Check(x, Name);

    /// <summary>The same check, naming the option as <paramref name="field"/> (a property of a library's options type).</summary>
    public void Check(double x, string field)
    {
        if (!Contains(x)) throw new ArgumentException($"{field} = {Num(x)}: out of range, expected {Describe()}", field);
    }

    private static string Num(double x) => x.ToString("R", CultureInfo.InvariantCulture);
}

/// <summary>
/// The accepted range of every numeric option of an experiment: the one table that the spec reader, the
/// typed experiment and the trainers' options validate against, so a value accepted in one layer is not
/// refused in another.
/// </summary>
public static class OptionRanges
{
    static OptionRange Closed(string name, double min, double max) => new(name, min, true, max, true);

    /// <summary>Mean shift of shifted-gaussian inputs.</summary>
    public static readonly OptionRange Shift = Closed("shift", -1e3, 1e3);
    /// <summary>Number of units of the relu teacher.</summary>
    public static readonly OptionRange TeacherUnits = Closed("teacherUnits", 1, 10_000);
    /// <summary>Label noise standard deviation (0 = no noise).</summary>
    public static readonly OptionRange Sigma = Closed("sigma", 0, 1e6);
    /// <summary>Training sample size.</summary>
    public static readonly OptionRange N = Closed("n", 1, 10_000_000);
    /// <summary>Input dimension.</summary>
    public static readonly OptionRange D = Closed("d", 1, 10_000);
    /// <summary>Width (neurons).</summary>
    public static readonly OptionRange M = Closed("m", 1, 1_000_000);
    /// <summary>Initialization scale.</summary>
    public static readonly OptionRange Lambda = new("lambda", 0, false, 1e3, true);
    /// <summary>Relative tolerance: from 1e-14, below which the error estimates are rounding noise and no step is accepted.</summary>
    public static readonly OptionRange Rtol = new("rtol", 1e-14, true, 1, false);
    /// <summary>Absolute tolerance.</summary>
    public static readonly OptionRange Atol = new("atol", 0, true, 1, false);
    /// <summary>Stationarity tolerance on the minimum-norm gradient.</summary>
    public static readonly OptionRange StationarityTol = Closed("stationarityTol", 0, 1e6);
    /// <summary>Final flow time.</summary>
    public static readonly OptionRange Horizon = new("horizon", 0, false, 1e15, true);
    /// <summary>Step budget of the flow solver.</summary>
    public static readonly OptionRange MaxSteps = Closed("maxSteps", 1, long.MaxValue);
    /// <summary>Learning rate of gradient descent and Adam.</summary>
    public static readonly OptionRange LearningRate = new("learningRate", 0, false, 1e3, true);
    /// <summary>Trajectory points per decade of t.</summary>
    public static readonly OptionRange PointsPerDecade = Closed("pointsPerDecade", 1, 1000);
    /// <summary>eps of the end of the early phase.</summary>
    public static readonly OptionRange EarlyPhaseEps = new("earlyPhaseEps", 0, false, 1, false);
    /// <summary>Seed of data, test set and initialization.</summary>
    public static readonly OptionRange Seed = Closed("seed", 0, int.MaxValue);
    /// <summary>Test-set size (0 = none).</summary>
    public static readonly OptionRange TestN = Closed("testN", 0, 10_000_000);
}
