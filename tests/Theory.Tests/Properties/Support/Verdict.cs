namespace SimplicityBias.Theory.Tests.Properties;

/// <summary>What a checker says about one case.</summary>
public enum Outcome
{
    /// <summary>The premise held and the claim held.</summary>
    Pass,
    /// <summary>The premise did not hold: the case says nothing about the claim (counted, never a pass).</summary>
    Skipped,
    /// <summary>The premise held and the claim failed.</summary>
    Fail,
}

/// <summary>A checker's verdict with a readable message (numbers included).</summary>
/// <param name="Outcome">Pass, skipped or fail.</param>
/// <param name="Message">Why, with the numbers that decided.</param>
/// <param name="Measure">A number worth collecting over cases (e.g. a ratio to its tolerance), NaN when none.</param>
public sealed record Verdict(Outcome Outcome, string Message, double Measure = double.NaN)
{
    public static Verdict Pass(string message, double measure = double.NaN) => new(Outcome.Pass, message, measure);
    public static Verdict Skip(string message) => new(Outcome.Skipped, message);
    public static Verdict Fail(string message, double measure = double.NaN) => new(Outcome.Fail, message, measure);

    public bool Failed => Outcome == Outcome.Fail;

    /// <summary>The first failure of several verdicts, else the first skip, else a pass with the joined messages.</summary>
    public static Verdict All(params Verdict[] verdicts)
    {
        foreach (var v in verdicts) if (v.Outcome == Outcome.Fail) return v;
        foreach (var v in verdicts) if (v.Outcome == Outcome.Skipped) return v;
        return Pass(string.Join("; ", verdicts.Select(v => v.Message)), verdicts.Length > 0 ? verdicts[^1].Measure : double.NaN);
    }
}
