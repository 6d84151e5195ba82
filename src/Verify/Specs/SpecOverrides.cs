using System.Text.Json;

namespace SimplicityBias.Verify.Specs;

/// <summary>
/// The <c>--set key=value</c> overrides of <c>run</c> and <c>sweep</c>. The key is a spec field (or
/// <c>tolerances.member</c>); the value is read as JSON (<c>n=200</c>, <c>beta=[1,0]</c>, <c>threshold=null</c>), and
/// when it is not JSON as a string (<c>dataModel=sphere</c>). Each value goes through the field's own validation, so a
/// bad one gets the message the same value would get in a spec file, with <c>--set key</c> as its path.
/// </summary>
internal sealed class SpecOverrides
{
    /// <summary>No overrides.</summary>
    public static readonly SpecOverrides None = new([]);

    private readonly IReadOnlyList<(string Key, string Text)> items;

    private SpecOverrides(IReadOnlyList<(string Key, string Text)> items) => this.items = items;

    /// <summary>Whether there are any.</summary>
    public bool IsEmpty => items.Count == 0;

    /// <summary>The keys given, in order (the top-level field of a dotted key).</summary>
    public IEnumerable<string> Fields => items.Select(i => TopLevel(i.Key));

    /// <summary>Splits the <c>key=value</c> texts; a text without '=' or with an empty key, or a key given twice, is bad input.</summary>
    public static SpecOverrides Parse(IEnumerable<string> texts)
    {
        var errors = new List<SpecError>();
        var list = new List<(string, string)>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var t in texts)
        {
            int eq = t.IndexOf('=');
            if (eq <= 0) { errors.Add(new SpecError("--set", "", $"expected key=value, got '{t}' (e.g. --set n=200 or --set dataModel=sphere)")); continue; }
            var key = t[..eq];
            // Twice the same key would leave one of them silently unused; a spec file refuses duplicates too.
            if (!seen.Add(key)) { errors.Add(new SpecError("--set " + key, t[(eq + 1)..], "given twice")); continue; }
            list.Add((key, t[(eq + 1)..]));
        }
        if (errors.Count > 0) throw new SpecException(errors);
        return new SpecOverrides(list);
    }

    /// <summary>Applies every override on top of <paramref name="spec"/>; errors are added, provenance records "--set key".</summary>
    public ExperimentSpec Apply(ExperimentSpec spec, List<SpecError> errors, Dictionary<string, string> provenance)
    {
        foreach (var (key, text) in items)
        {
            var path = "--set " + key;
            using var doc = ValueDocument(text);
            var value = doc.RootElement;
            var top = TopLevel(key);
            var field = SpecFields.Find(top);
            if (field is null) { errors.Add(new SpecError(path, text, SpecReader.UnknownFieldMessage(top))); continue; }
            if (top.Length < key.Length)
            {
                // A dotted key names a member of an object field: the same as that field holding a one-member object.
                if (field is not TolerancesField) { errors.Add(new SpecError(path, text, $"{top} has no members ({field.Accepts})")); continue; }
                var member = key[(top.Length + 1)..];
                using var wrapped = JsonDocument.Parse(JsonSerializer.Serialize(new Dictionary<string, JsonElement> { [member] = value }));
                int before = errors.Count;
                spec = field.Apply(spec, wrapped.RootElement, top, errors);
                for (int k = before; k < errors.Count; k++) errors[k] = errors[k] with { Path = "--set " + errors[k].Path };
            }
            else spec = field.Apply(spec, value, path, errors);
            provenance[top] = path;
        }
        return spec;
    }

    private static string TopLevel(string key) { int dot = key.IndexOf('.'); return dot < 0 ? key : key[..dot]; }

    // JSON when it parses as JSON, else the text itself as a string: dataModel=sphere needs no quotes.
    private static JsonDocument ValueDocument(string text)
    {
        try { return JsonDocument.Parse(text, SpecReader.DocumentOptions); }
        catch (JsonException) { return JsonDocument.Parse(JsonSerializer.Serialize(text)); }
    }
}
