using System.Text.Json;

namespace SimplicityBias.Verify.Specs;

/// <summary>
/// Reads experiment specs from JSON, validating by walking the <see cref="JsonElement"/> tree so
/// every error names its JSON path and the offending value. All errors are collected before failing.
/// </summary>
public static class SpecReader
{
    internal static readonly JsonDocumentOptions DocumentOptions = new()
    {
        CommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        MaxDepth = 32,
    };

    /// <summary>Parses and validates a spec; throws <see cref="SpecException"/> listing every error.</summary>
    public static ExperimentSpec Parse(string json) => Parse(json, SpecOverrides.None);

    /// <summary>Parses a spec, then applies command-line overrides (<c>--set</c>) before the checks between fields.</summary>
    internal static ExperimentSpec Parse(string json, SpecOverrides overrides)
    {
        var errors = new List<SpecError>();
        JsonDocument doc;
        try { doc = JsonDocument.Parse(json, DocumentOptions); }
        catch (JsonException e) { throw new SpecException([new SpecError(JsonErrorPath(e), "", "not valid JSON: " + FirstLine(e.Message))]); }
        using (doc)
        {
            var spec = FromElement(doc.RootElement, "$", errors, overrides);
            if (errors.Count > 0) throw new SpecException(errors);
            return spec;
        }
    }

    /// <summary>Reads and validates a spec file.</summary>
    public static ExperimentSpec Load(string path) => Parse(ReadFile(path));

    /// <summary>Reads a spec file and applies command-line overrides.</summary>
    internal static ExperimentSpec Load(string path, SpecOverrides overrides) => Parse(ReadFile(path), overrides);

    internal static string ReadFile(string path)
    {
        try { return File.ReadAllText(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        { throw new SpecException([new SpecError("$", "", $"cannot read '{path}': {e.Message}")]); }
    }

    /// <summary>Builds a full spec (defaults, then the object's fields) and checks consistency.</summary>
    internal static ExperimentSpec FromElement(JsonElement root, string path, List<SpecError> errors, SpecOverrides? overrides = null)
    {
        var prov = new Dictionary<string, string>(StringComparer.Ordinal);
        int before = errors.Count;
        var spec = ApplyObject(new ExperimentSpec(), root, path, errors, prov, SchemaKey(root, path, errors));
        if (overrides is not null) spec = overrides.Apply(spec, errors, prov);
        if (errors.Count == before) CheckConsistency(spec, f => prov.TryGetValue(f, out var p) ? p : $"{path}.{f}", errors);
        return spec;
    }

    /// <summary>Applies the fields of a JSON object on top of <paramref name="spec"/>, recording where each came from.</summary>
    internal static ExperimentSpec ApplyObject(ExperimentSpec spec, JsonElement obj, string path, List<SpecError> errors,
        Dictionary<string, string>? provenance, ISet<string>? skip = null)
    {
        if (obj.ValueKind != JsonValueKind.Object)
        {
            errors.Add(new SpecError(path, SpecError.Raw(obj), $"expected an object, got {obj.ValueKind.ToString().ToLowerInvariant()}"));
            return spec;
        }
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var p in obj.EnumerateObject())
        {
            var sub = $"{path}.{p.Name}";
            if (skip is not null && skip.Contains(p.Name)) continue;
            if (!seen.Add(p.Name)) { errors.Add(new SpecError(sub, SpecError.Raw(p.Value), "duplicate field")); continue; }
            var f = SpecFields.Find(p.Name);
            if (f is null) { errors.Add(new SpecError(sub, SpecError.Raw(p.Value), UnknownFieldMessage(p.Name))); continue; }
            spec = f.Apply(spec, p.Value, sub, errors);
            if (provenance is not null) provenance[p.Name] = sub;
        }
        return spec;
    }

    /// <summary>The key by which a document names its JSON Schema (for editors): allowed at the root, a string, ignored.</summary>
    internal const string SchemaKeyName = "$schema";

    internal static ISet<string> SchemaKey(JsonElement root, string path, List<SpecError> errors)
    {
        if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty(SchemaKeyName, out var v) && v.ValueKind != JsonValueKind.String)
            errors.Add(new SpecError($"{path}.{SchemaKeyName}", SpecError.Raw(v), "expected a string (the schema's path or address)"));
        return new HashSet<string>(StringComparer.Ordinal) { SchemaKeyName };
    }

    internal static string UnknownFieldMessage(string name)
        => NearestName.Find(name, SpecFields.All.Select(f => f.Name)) is { } near ? $"unknown field (did you mean \"{near}\"?)" : "unknown field";

    /// <summary>Constraints between fields; each error points at the path that set the field (or where it would go).</summary>
    internal static void CheckConsistency(ExperimentSpec s, Func<string, string> pathOf, List<SpecError> errors)
    {
        foreach (var (field, value, message) in s.Inconsistencies()) errors.Add(new SpecError(pathOf(field), value, message));
    }

    internal static string JsonErrorPath(JsonException e)
        => e.LineNumber is long l ? $"$ (line {l + 1}, byte {e.BytePositionInLine + 1})" : "$";

    internal static string FirstLine(string s) { int i = s.IndexOf('\n'); return i < 0 ? s : s[..i].TrimEnd(); }
}
