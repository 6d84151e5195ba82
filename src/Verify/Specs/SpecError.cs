using System.Text.Json;

namespace SimplicityBias.Verify.Specs;

/// <summary>One problem of a spec: where (JSON path), the offending value (raw JSON) and why.</summary>
/// <param name="Path">JSONPath-like location, e.g. <c>$.tolerances.ols</c> or <c>$.grid.n[2]</c>.</param>
/// <param name="Value">The offending value as JSON text (empty when the field is missing).</param>
/// <param name="Message">What is wrong.</param>
public sealed record SpecError(string Path, string Value, string Message)
{
    /// <summary>One line: path = value: message.</summary>
    public override string ToString() => Path.Length == 0 ? Message : Value.Length == 0 ? $"{Path}: {Message}" : $"{Path} = {Value}: {Message}";

    /// <summary>The raw JSON text of an element, shortened for messages.</summary>
    internal static string Raw(JsonElement e)
    {
        var s = e.GetRawText();
        return s.Length <= 80 ? s : s[..77] + "...";
    }
}

/// <summary>Thrown when a spec (or sweep spec) is invalid; carries every error found.</summary>
public sealed class SpecException : Exception
{
    /// <summary>All errors, in document order.</summary>
    public IReadOnlyList<SpecError> Errors { get; }

    /// <summary>Wraps a non-empty list of errors.</summary>
    public SpecException(IReadOnlyList<SpecError> errors)
        : base(errors.Count == 0 ? "invalid spec" : string.Join(Environment.NewLine, errors))
        => Errors = errors;
}
