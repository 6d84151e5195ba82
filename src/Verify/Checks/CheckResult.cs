using System.Text.Json.Serialization;

namespace SimplicityBias.Verify.Checks;

/// <summary>Outcome of a check.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<Verdict>))]
public enum Verdict
{
    /// <summary>The measured value is within tolerance of the prediction.</summary>
    Pass,
    /// <summary>It is not, and the run is trustworthy (converged where that matters).</summary>
    Fail,
    /// <summary>Cannot decide (not converged, prerequisite missing, run failed); the reason says why.</summary>
    Inconclusive,
}

/// <summary>One claim held against one run (or a whole sweep).</summary>
public sealed record CheckResult
{
    /// <summary>Short identifier of the claim, e.g. ols-beta-plus.</summary>
    public required string Name { get; init; }
    /// <summary>The claim in one sentence.</summary>
    public required string Claim { get; init; }
    /// <summary>The measured value (NaN when not measurable).</summary>
    public required double Measured { get; init; }
    /// <summary>The predicted value.</summary>
    public required double Predicted { get; init; }
    /// <summary>The tolerance, interpreted by <see cref="Rule"/>.</summary>
    public required double Tolerance { get; init; }
    /// <summary>How measured, predicted and tolerance are compared, e.g. "|m - p| &lt;= tol * p".</summary>
    public required string Rule { get; init; }
    /// <summary>The verdict.</summary>
    public required Verdict Verdict { get; init; }
    /// <summary>Why (always set for inconclusive; may add context otherwise).</summary>
    public string? Reason { get; init; }
}

/// <summary>Verdict arithmetic shared by commands and reports.</summary>
public static class Verdicts
{
    /// <summary>Fail if any failed; else pass if any passed; else inconclusive (also for none).</summary>
    public static Verdict Combine(IEnumerable<Verdict> verdicts)
    {
        bool pass = false;
        foreach (var v in verdicts)
        {
            if (v == Verdict.Fail) return Verdict.Fail;
            if (v == Verdict.Pass) pass = true;
        }
        return pass ? Verdict.Pass : Verdict.Inconclusive;
    }

    /// <summary>Lower-case word for tables.</summary>
    public static string Word(Verdict v) => v switch { Verdict.Pass => "pass", Verdict.Fail => "fail", _ => "inconclusive" };
}
