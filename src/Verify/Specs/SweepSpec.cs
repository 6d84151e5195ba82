using System.Text.Json;

namespace SimplicityBias.Verify.Specs;

/// <summary>A sweep: a name and the list of distinct runs it expands to, in a fixed order.</summary>
/// <param name="Name">Name of the sweep (used in reports).</param>
/// <param name="Runs">Expanded, validated, deduplicated runs (index = position in this list).</param>
public sealed record SweepSpec(string Name, IReadOnlyList<ExperimentSpec> Runs);

/// <summary>
/// Reads sweep files:
/// <code>
/// { "name": "...", "base": { spec fields }, "grid": { "n": [100, 200], "seed": [1, 2, 3] },
///   "runs": [ { "n": [8, 16], "expect": "interpolation" }, { "dataModel": "orthogonal", "n": 8, "d": 10 } ] }
/// </code>
/// Every run is defaults, then base, then one combination of the grid axes, then one row of runs
/// (an array value of a scalar field in a row is an axis of that row). Without runs there is one
/// empty row. Rows vary slowest, grid axes fastest (last axis fastest). Duplicates (same hash) are dropped.
/// </summary>
public static class SweepReader
{
    private static readonly string[] TopLevel = ["name", "description", "base", "grid", "runs"];
    /// <summary>Upper bound on the number of expanded runs.</summary>
    public const int MaxRuns = 1_000_000;

    /// <summary>Parses and validates a sweep; throws <see cref="SpecException"/> with every error.</summary>
    public static SweepSpec Parse(string json, string defaultName = "sweep") => Parse(json, defaultName, SpecOverrides.None);

    /// <summary>Parses a sweep whose base is overridden by command-line <c>--set</c> values (grid axes and runs rows still apply after it).</summary>
    internal static SweepSpec Parse(string json, string defaultName, SpecOverrides overrides)
    {
        JsonDocument doc;
        try { doc = JsonDocument.Parse(json, SpecReader.DocumentOptions); }
        catch (JsonException e) { throw new SpecException([new SpecError(SpecReader.JsonErrorPath(e), "", "not valid JSON: " + SpecReader.FirstLine(e.Message))]); }
        using (doc) return FromElement(doc.RootElement, defaultName, overrides);
    }

    /// <summary>Reads a sweep file; its name defaults to the file name.</summary>
    public static SweepSpec Load(string path) => Parse(SpecReader.ReadFile(path), Path.GetFileNameWithoutExtension(path));

    /// <summary>Reads a sweep file and overrides its base.</summary>
    internal static SweepSpec Load(string path, SpecOverrides overrides)
        => Parse(SpecReader.ReadFile(path), Path.GetFileNameWithoutExtension(path), overrides);

    private sealed record Axis(string Field, string Path, List<(JsonElement Value, string Path)> Values);

    private static SweepSpec FromElement(JsonElement root, string defaultName, SpecOverrides overrides)
    {
        var errors = new List<SpecError>();
        if (root.ValueKind != JsonValueKind.Object)
            throw new SpecException([new SpecError("$", SpecError.Raw(root), "a sweep must be a JSON object with base, grid and/or runs")]);

        string name = defaultName;
        JsonElement? baseEl = null, gridEl = null, runsEl = null;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var p in root.EnumerateObject())
        {
            var path = "$." + p.Name;
            if (!seen.Add(p.Name)) { errors.Add(new SpecError(path, SpecError.Raw(p.Value), "duplicate field")); continue; }
            switch (p.Name)
            {
                case "name":
                    if (p.Value.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(p.Value.GetString()))
                        errors.Add(new SpecError(path, SpecError.Raw(p.Value), "expected a non-empty string"));
                    else name = p.Value.GetString()!;
                    break;
                case "description":
                    if (p.Value.ValueKind != JsonValueKind.String) errors.Add(new SpecError(path, SpecError.Raw(p.Value), "expected a string"));
                    break;
                case "base": baseEl = p.Value; break;
                case "grid": gridEl = p.Value; break;
                case "runs": runsEl = p.Value; break;
                case SpecReader.SchemaKeyName: SpecReader.SchemaKey(root, "$", errors); break;
                default:
                    errors.Add(new SpecError(path, SpecError.Raw(p.Value),
                        SpecFields.Find(p.Name) is not null
                            ? "unknown sweep field: spec fields go inside \"base\", \"grid\" or \"runs\""
                            : $"unknown sweep field (known: {string.Join(", ", TopLevel)})"));
                    break;
            }
        }

        var baseProv = new Dictionary<string, string>(StringComparer.Ordinal);
        var baseSpec = baseEl is JsonElement b ? SpecReader.ApplyObject(new ExperimentSpec(), b, "$.base", errors, baseProv) : new ExperimentSpec();
        baseSpec = overrides.Apply(baseSpec, errors, baseProv);

        var gridAxes = gridEl is JsonElement g ? ReadAxes(g, "$.grid", errors, forGrid: true) : [];
        // An override of a grid axis would be replaced in every run: refuse it rather than let it do nothing.
        foreach (var f in overrides.Fields.Distinct())
            if (gridAxes.FirstOrDefault(a => a.Field == f) is { } axis)
                errors.Add(new SpecError("--set " + f, "", $"{f} is an axis of the sweep's grid ({axis.Path}), which takes precedence over the base: the override would change no run"));
        var rows = new List<(JsonElement Row, string Path, List<Axis> Axes)>();
        if (runsEl is JsonElement r)
        {
            if (r.ValueKind != JsonValueKind.Array) errors.Add(new SpecError("$.runs", SpecError.Raw(r), "expected an array of objects"));
            else
            {
                int i = 0;
                foreach (var row in r.EnumerateArray())
                {
                    var rp = $"$.runs[{i++}]";
                    if (row.ValueKind != JsonValueKind.Object) { errors.Add(new SpecError(rp, SpecError.Raw(row), "expected an object")); continue; }
                    var axes = ReadAxes(row, rp, errors, forGrid: false);
                    // The row's plain values, validated once here (expansion applies them many times).
                    SpecReader.ApplyObject(new ExperimentSpec(), row, rp, errors, null, skip: axes.Select(a => a.Field).ToHashSet(StringComparer.Ordinal));
                    rows.Add((row, rp, axes));
                }
                if (i == 0) errors.Add(new SpecError("$.runs", "[]", "runs is empty"));
            }
        }
        else rows.Add((default, "$", []));
        if (errors.Count > 0) throw new SpecException(errors);

        long total = 0;
        foreach (var row in rows) total += Count(row.Axes) * Count(gridAxes);
        if (total > MaxRuns) throw new SpecException([new SpecError("$", "", $"the sweep expands to {total} runs, more than {MaxRuns}")]);

        var runs = new List<ExperimentSpec>();
        var hashes = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (row, rowPath, rowAxes) in rows)
        {
            foreach (var rowCombo in Combinations(rowAxes))
                foreach (var gridCombo in Combinations(gridAxes))
                {
                    var prov = new Dictionary<string, string>(baseProv, StringComparer.Ordinal);
                    var s = baseSpec;
                    foreach (var (ax, v, p) in gridCombo) { s = SpecFields.Find(ax.Field)!.Apply(s, v, p, errors); prov[ax.Field] = p; }
                    if (row.ValueKind == JsonValueKind.Object)
                    {
                        var axisNames = rowAxes.Select(a => a.Field).ToHashSet(StringComparer.Ordinal);
                        s = SpecReader.ApplyObject(s, row, rowPath, errors, prov, skip: axisNames);
                    }
                    foreach (var (ax, v, p) in rowCombo) { s = SpecFields.Find(ax.Field)!.Apply(s, v, p, errors); prov[ax.Field] = p; }
                    int before = errors.Count;
                    SpecReader.CheckConsistency(s, f => prov.TryGetValue(f, out var p) ? p : $"$.base.{f}", errors);
                    if (errors.Count > before)
                    {
                        // Say which combination it was: the paths alone may be shared by many runs.
                        for (int k = before; k < errors.Count; k++)
                            errors[k] = errors[k] with { Message = errors[k].Message + $" (in run #{runs.Count + (k - before)} with n = {s.N}, d = {s.D}, seed = {s.Seed})" };
                        if (errors.Count > 50) throw new SpecException(errors);
                        continue;
                    }
                    if (hashes.Add(CanonicalSpec.Hash(s))) runs.Add(s);
                }
        }
        if (errors.Count > 0) throw new SpecException(errors);
        return new SweepSpec(name, runs);
    }

    private static long Count(List<Axis> axes)
    {
        long c = 1;
        foreach (var a in axes) c = Math.Min(c * a.Values.Count, long.MaxValue / 1024);
        return c;
    }

    /// <summary>Axes of a grid object (every field is an axis; a non-array scalar is a one-value axis) or of a runs row (array-valued scalar fields only).</summary>
    private static List<Axis> ReadAxes(JsonElement obj, string path, List<SpecError> errors, bool forGrid)
    {
        var axes = new List<Axis>();
        if (obj.ValueKind != JsonValueKind.Object) { errors.Add(new SpecError(path, SpecError.Raw(obj), "expected an object")); return axes; }
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var p in obj.EnumerateObject())
        {
            var fp = $"{path}.{p.Name}";
            if (!seen.Add(p.Name)) { errors.Add(new SpecError(fp, SpecError.Raw(p.Value), "duplicate field")); continue; }
            var f = SpecFields.Find(p.Name);
            if (f is null) { errors.Add(new SpecError(fp, SpecError.Raw(p.Value), SpecReader.UnknownFieldMessage(p.Name))); continue; }
            bool isArray = p.Value.ValueKind == JsonValueKind.Array;
            if (!forGrid && !(f.IsScalar && isArray)) continue; // a plain value of a row, applied as is
            var values = new List<(JsonElement, string)>();
            if (isArray && (f.IsScalar || forGrid))
            {
                int i = 0;
                foreach (var v in p.Value.EnumerateArray()) values.Add((v, $"{fp}[{i++}]"));
                if (i == 0) { errors.Add(new SpecError(fp, "[]", "an axis needs at least one value")); continue; }
            }
            else values.Add((p.Value, fp));
            // Validate each value once, here, so an invalid value is reported once with its own path.
            foreach (var (v, vp) in values) f.Apply(new ExperimentSpec(), v, vp, errors);
            axes.Add(new Axis(p.Name, fp, values));
        }
        return axes;
    }

    private static IEnumerable<List<(Axis Axis, JsonElement Value, string Path)>> Combinations(List<Axis> axes)
    {
        var idx = new int[axes.Count];
        while (true)
        {
            var combo = new List<(Axis, JsonElement, string)>(axes.Count);
            for (int a = 0; a < axes.Count; a++) combo.Add((axes[a], axes[a].Values[idx[a]].Value, axes[a].Values[idx[a]].Path));
            yield return combo;
            int k = axes.Count - 1;
            while (k >= 0 && ++idx[k] == axes[k].Values.Count) { idx[k] = 0; k--; }
            if (k < 0) yield break;
        }
    }
}
