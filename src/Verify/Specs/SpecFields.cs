using System.Globalization;
using System.Text.Json;
using SimplicityBias.Dynamics.Network;
using SimplicityBias.Theory.Experiments;

namespace SimplicityBias.Verify.Specs;

/// <summary>
/// The table of spec fields: JSON name, type, range, how to apply a value to a spec and how to
/// write it canonically. One table drives validation, sweeps (grid axes) and the spec hash.
/// </summary>
internal abstract class SpecField
{
    public string Name { get; }
    public string Help { get; }
    /// <summary>Scalar fields may be sweep axes (an array of values in a grid or a runs row).</summary>
    public virtual bool IsScalar => true;

    protected SpecField(string name, string help) { Name = name; Help = help; }

    /// <summary>Validates <paramref name="v"/> and applies it; on error adds to <paramref name="errors"/> and leaves the spec as is.</summary>
    public abstract ExperimentSpec Apply(ExperimentSpec spec, JsonElement v, string path, List<SpecError> errors);

    public abstract void WriteCanonical(Utf8JsonWriter w, ExperimentSpec spec);

    /// <summary>A short description of the accepted values, for messages and --help.</summary>
    public abstract string Accepts { get; }

    /// <summary>Writes this field's JSON Schema (type, range or choices, default) as the value of an open property.</summary>
    public void WriteSchema(Utf8JsonWriter w, ExperimentSpec defaults)
    {
        w.WriteStartObject();
        w.WriteString("description", Help + " (" + Accepts + ")");
        WriteSchemaBody(w, defaults);
        w.WriteEndObject();
    }

    /// <summary>The keywords of <see cref="WriteSchema"/> after the description.</summary>
    protected abstract void WriteSchemaBody(Utf8JsonWriter w, ExperimentSpec defaults);

    protected static bool Fail(List<SpecError> errors, string path, JsonElement v, string message)
    {
        errors.Add(new SpecError(path, SpecError.Raw(v), message));
        return false;
    }

    protected static string Kind(JsonElement v) => v.ValueKind switch
    {
        JsonValueKind.Number => "a number",
        JsonValueKind.String => "a string",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        JsonValueKind.Array => "an array",
        JsonValueKind.Object => "an object",
        _ => v.ValueKind.ToString(),
    };

    internal static string Num(double x) => x.ToString("R", CultureInfo.InvariantCulture);
}

/// <summary>An integer field with the inclusive range of <see cref="OptionRanges"/> (integral JSON numbers such as 2e4 are accepted).</summary>
internal sealed class IntField(OptionRange range, string help,
    Func<ExperimentSpec, long> get, Func<ExperimentSpec, long, ExperimentSpec> set, bool omitZero = false) : SpecField(range.Name, help)
{
    /// <summary>Left out of the canonical form at 0: a field added later keeps the hashes of the specs that do not use it.</summary>
    public bool OmitZero => omitZero;

    private readonly long min = (long)range.Min;
    private readonly long max = range.Max >= long.MaxValue ? long.MaxValue : (long)range.Max;

    public override string Accepts => max == long.MaxValue ? $"an integer >= {min}" : $"an integer in [{min}, {max}]";

    public override ExperimentSpec Apply(ExperimentSpec spec, JsonElement v, string path, List<SpecError> errors)
    {
        if (v.ValueKind != JsonValueKind.Number) { Fail(errors, path, v, $"expected {Accepts}, got {Kind(v)}"); return spec; }
        if (!v.TryGetDouble(out var x) || x != Math.Floor(x) || Math.Abs(x) > 9e15) { Fail(errors, path, v, $"expected {Accepts}, got a non-integer"); return spec; }
        var k = (long)x;
        if (k < min || k > max) { Fail(errors, path, v, $"out of range: expected {Accepts}"); return spec; }
        return set(spec, k);
    }

    public override void WriteCanonical(Utf8JsonWriter w, ExperimentSpec spec)
    {
        if (omitZero && get(spec) == 0) return;
        w.WriteNumber(Name, get(spec));
    }

    protected override void WriteSchemaBody(Utf8JsonWriter w, ExperimentSpec defaults)
    {
        w.WriteString("type", "integer");
        w.WriteNumber("minimum", min);
        if (max != long.MaxValue) w.WriteNumber("maximum", max);
        w.WriteNumber("default", get(defaults));
    }
}

/// <summary>A finite real field with the bounds of an <see cref="OptionRange"/> (each inclusive or exclusive).</summary>
internal sealed class DoubleField(OptionRange range, string help,
    Func<ExperimentSpec, double> get, Func<ExperimentSpec, double, ExperimentSpec> set) : SpecField(range.Name, help)
{
    public override string Accepts => range.Describe();

    public override ExperimentSpec Apply(ExperimentSpec spec, JsonElement v, string path, List<SpecError> errors)
    {
        if (!TryRead(v, path, errors, out var x)) return spec;
        return set(spec, x);
    }

    public bool TryRead(JsonElement v, string path, List<SpecError> errors, out double x)
    {
        x = double.NaN;
        if (v.ValueKind != JsonValueKind.Number) return Fail(errors, path, v, $"expected {Accepts}, got {Kind(v)}");
        if (!v.TryGetDouble(out x) || !double.IsFinite(x)) return Fail(errors, path, v, "expected a finite number");
        if (!range.Contains(x)) return Fail(errors, path, v, $"out of range: expected {Accepts}");
        return true;
    }

    public override void WriteCanonical(Utf8JsonWriter w, ExperimentSpec spec) => w.WriteNumber(Name, get(spec));

    protected override void WriteSchemaBody(Utf8JsonWriter w, ExperimentSpec defaults)
    {
        w.WriteString("type", "number");
        if (!double.IsNegativeInfinity(range.Min)) w.WriteNumber(range.MinInclusive ? "minimum" : "exclusiveMinimum", range.Min);
        if (!double.IsPositiveInfinity(range.Max)) w.WriteNumber(range.MaxInclusive ? "maximum" : "exclusiveMaximum", range.Max);
        w.WriteNumber("default", get(defaults));
    }
}

/// <summary>A boolean field.</summary>
internal sealed class BoolField(string name, string help, Func<ExperimentSpec, bool> get, Func<ExperimentSpec, bool, ExperimentSpec> set)
    : SpecField(name, help)
{
    public override string Accepts => "true or false";

    public override ExperimentSpec Apply(ExperimentSpec spec, JsonElement v, string path, List<SpecError> errors)
    {
        if (v.ValueKind is not (JsonValueKind.True or JsonValueKind.False)) { Fail(errors, path, v, $"expected {Accepts}, got {Kind(v)}"); return spec; }
        return set(spec, v.GetBoolean());
    }

    public override void WriteCanonical(Utf8JsonWriter w, ExperimentSpec spec) => w.WriteBoolean(Name, get(spec));

    protected override void WriteSchemaBody(Utf8JsonWriter w, ExperimentSpec defaults)
    {
        w.WriteString("type", "boolean");
        w.WriteBoolean("default", get(defaults));
    }
}

/// <summary>A string field with a fixed set of choices.</summary>
internal class ChoiceField(string name, string help, IReadOnlyList<string> choices,
    Func<ExperimentSpec, string> get, Func<ExperimentSpec, string, ExperimentSpec> set) : SpecField(name, help)
{
    public IReadOnlyList<string> Choices => choices;
    public override string Accepts => "one of " + string.Join(", ", choices.Select(c => '"' + c + '"'));

    public override ExperimentSpec Apply(ExperimentSpec spec, JsonElement v, string path, List<SpecError> errors)
    {
        if (v.ValueKind != JsonValueKind.String) { Fail(errors, path, v, $"expected {Accepts}, got {Kind(v)}"); return spec; }
        var s = v.GetString()!;
        if (!choices.Contains(s))
        {
            var hint = NearestName.Find(s, choices) is { } near ? $" (did you mean \"{near}\"?)" : "";
            Fail(errors, path, v, $"unknown value{hint}: expected {Accepts}");
            return spec;
        }
        return set(spec, s);
    }

    public override void WriteCanonical(Utf8JsonWriter w, ExperimentSpec spec) => w.WriteString(Name, get(spec));

    protected override void WriteSchemaBody(Utf8JsonWriter w, ExperimentSpec defaults)
    {
        w.WriteString("type", "string");
        w.WriteStartArray("enum");
        foreach (var c in choices) w.WriteStringValue(c);
        w.WriteEndArray();
        w.WriteString("default", get(defaults));
    }
}

/// <summary>A choice of the typed experiment: its names come from the choice's table, and the spec holds the enum value.</summary>
internal sealed class EnumField<T>(string name, string help, ChoiceNames<T> names,
    Func<ExperimentSpec, T> get, Func<ExperimentSpec, T, ExperimentSpec> set)
    : ChoiceField(name, help, names.Names, s => names.Name(get(s)),
        (s, text) => names.TryParse(text, out var value) ? set(s, value) : throw new InvalidOperationException($"{name}: '{text}' passed the choice check but has no value"))
    where T : struct, Enum;

/// <summary>beta*: null (e_1) or an array of finite numbers, not all zero; its length is checked against d later.</summary>
internal sealed class BetaField() : SpecField("beta", "teacher vector beta* (length d); null means e_1")
{
    public override bool IsScalar => false;
    public override string Accepts => "null or an array of d finite numbers, not all zero";

    public override ExperimentSpec Apply(ExperimentSpec spec, JsonElement v, string path, List<SpecError> errors)
    {
        if (v.ValueKind == JsonValueKind.Null) return spec with { Beta = null };
        if (v.ValueKind != JsonValueKind.Array) { Fail(errors, path, v, $"expected {Accepts}, got {Kind(v)}"); return spec; }
        var b = new double[v.GetArrayLength()];
        int i = 0;
        bool ok = true;
        foreach (var e in v.EnumerateArray())
        {
            if (e.ValueKind != JsonValueKind.Number || !e.TryGetDouble(out b[i]) || !double.IsFinite(b[i]))
            { Fail(errors, $"{path}[{i}]", e, $"expected a finite number, got {Kind(e)}"); ok = false; }
            i++;
        }
        if (!ok) return spec;
        if (b.Length == 0 || b.All(x => x == 0)) { Fail(errors, path, v, "beta* must be a non-empty, non-zero vector"); return spec; }
        return spec with { Beta = b };
    }

    public override void WriteCanonical(Utf8JsonWriter w, ExperimentSpec spec)
    {
        // The resolved vector, so that an omitted beta and an explicit e_1 hash alike.
        w.WriteStartArray(Name);
        foreach (var x in spec.BetaOrDefault()) w.WriteNumberValue(x);
        w.WriteEndArray();
    }

    // "Not all zero" and "length d" depend on values and on another field: the reader checks them, the schema cannot.
    protected override void WriteSchemaBody(Utf8JsonWriter w, ExperimentSpec defaults)
    {
        w.WriteStartArray("type");
        w.WriteStringValue("array");
        w.WriteStringValue("null");
        w.WriteEndArray();
        w.WriteStartObject("items");
        w.WriteString("type", "number");
        w.WriteEndObject();
        w.WriteNumber("minItems", 1);
        w.WriteNull("default");
    }
}

/// <summary>The optional threshold n*(d): null or a number &gt;= 1.</summary>
internal sealed class ThresholdField() : SpecField("threshold", "optimization threshold n*(d) for expect = auto; null = 25000 (d/10)^3")
{
    public override string Accepts => "null or a number >= 1";

    public override ExperimentSpec Apply(ExperimentSpec spec, JsonElement v, string path, List<SpecError> errors)
    {
        if (v.ValueKind == JsonValueKind.Null) return spec with { Threshold = null };
        if (v.ValueKind != JsonValueKind.Number || !v.TryGetDouble(out var x) || !double.IsFinite(x))
        { Fail(errors, path, v, $"expected {Accepts}, got {Kind(v)}"); return spec; }
        if (x < 1) { Fail(errors, path, v, $"out of range: expected {Accepts}"); return spec; }
        return spec with { Threshold = x };
    }

    public override void WriteCanonical(Utf8JsonWriter w, ExperimentSpec spec) => w.WriteNumber(Name, spec.ThresholdOrDefault());

    protected override void WriteSchemaBody(Utf8JsonWriter w, ExperimentSpec defaults)
    {
        w.WriteStartArray("type");
        w.WriteStringValue("number");
        w.WriteStringValue("null");
        w.WriteEndArray();
        w.WriteNumber("minimum", 1);
        w.WriteNull("default");
    }
}

/// <summary>The nested object of check tolerances; every member is a positive number.</summary>
internal sealed class TolerancesField() : SpecField("tolerances", "tolerances of the checks (object)")
{
    public override bool IsScalar => false;
    public override string Accepts => "an object with fields " + string.Join(", ", Members.Select(m => m.Name));

    private static DoubleField T(string name, string help, Func<CheckTolerances, double> get, Func<CheckTolerances, double, CheckTolerances> set,
        double max = double.PositiveInfinity, bool maxInclusive = false)
        => new(new OptionRange(name, 0, false, max, maxInclusive), help, s => get(s.Tolerances), (s, x) => s with { Tolerances = set(s.Tolerances, x) });

    public static readonly DoubleField[] Members =
    [
        T("alignment", "fraction of neurons allowed unaligned after the early phase", t => t.Alignment, (t, x) => t with { Alignment = x }, 1, true),
        T("alignmentCosine", "cosine above which a neuron counts as aligned", t => t.AlignmentCosine, (t, x) => t with { AlignmentCosine = x }, 1, true),
        T("balancedness", "largest relative balancedness drift", t => t.Balancedness, (t, x) => t with { Balancedness = x }),
        T("commonSets", "fraction of a sign group allowed off the common activation set", t => t.CommonSets, (t, x) => t with { CommonSets = x }, 1, true),
        T("concentration", "C in distance <= C sqrt(d log n / n)", t => t.Concentration, (t, x) => t with { Concentration = x }),
        T("interpolation", "train loss / noise level below which the network interpolates", t => t.Interpolation, (t, x) => t with { Interpolation = x }),
        T("loss", "relative error of the train loss against the OLS-on-S+- function", t => t.Loss, (t, x) => t with { Loss = x }),
        T("monotone", "largest loss increase between trajectory points relative to max(L, 1e-6 L(0)), beyond the resolution at rtol", t => t.Monotone, (t, x) => t with { Monotone = x }),
        T("ols", "relative error of beta+- against OLS on S+-", t => t.Ols, (t, x) => t with { Ols = x }),
        T("population", "C in angle to a population extremal direction <= C sqrt(d / testN)", t => t.Population, (t, x) => t with { Population = x }),
        T("referenceLevel", "relative error of the test loss against sigma^2 d / n", t => t.ReferenceLevel, (t, x) => t with { ReferenceLevel = x }),
        T("slope", "allowed distance of the concentration exponent from -1/2", t => t.Slope, (t, x) => t with { Slope = x }),
        T("split", "C in fraction of points in both or neither side <= C sqrt(d / n)", t => t.Split, (t, x) => t with { Split = x }),
        T("testLoss", "relative error of the test loss against the OLS-on-S+- function", t => t.TestLoss, (t, x) => t with { TestLoss = x }),
    ];

    public override ExperimentSpec Apply(ExperimentSpec spec, JsonElement v, string path, List<SpecError> errors)
    {
        if (v.ValueKind != JsonValueKind.Object) { Fail(errors, path, v, $"expected {Accepts}, got {Kind(v)}"); return spec; }
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var p in v.EnumerateObject())
        {
            var sub = $"{path}.{p.Name}";
            if (!seen.Add(p.Name)) { Fail(errors, sub, p.Value, "duplicate field"); continue; }
            var f = Array.Find(Members, m => m.Name == p.Name);
            if (f is null) { Fail(errors, sub, p.Value, $"unknown field (known: {string.Join(", ", Members.Select(m => m.Name))})"); continue; }
            spec = f.Apply(spec, p.Value, sub, errors);
        }
        return spec;
    }

    public override void WriteCanonical(Utf8JsonWriter w, ExperimentSpec spec)
    {
        w.WriteStartObject(Name);
        foreach (var m in Members.OrderBy(m => m.Name, StringComparer.Ordinal)) m.WriteCanonical(w, spec);
        w.WriteEndObject();
    }

    protected override void WriteSchemaBody(Utf8JsonWriter w, ExperimentSpec defaults)
    {
        w.WriteString("type", "object");
        w.WriteStartObject("properties");
        foreach (var m in Members)
        {
            w.WritePropertyName(m.Name);
            m.WriteSchema(w, defaults);
        }
        w.WriteEndObject();
        w.WriteBoolean("additionalProperties", false);
    }
}

/// <summary>The spec format version: written into the canonical form so a change of meaning changes every hash.</summary>
internal sealed class VersionField() : SpecField("specVersion", "spec format version (1)")
{
    public const int Current = 1;
    public override string Accepts => $"the integer {Current}";

    public override ExperimentSpec Apply(ExperimentSpec spec, JsonElement v, string path, List<SpecError> errors)
    {
        if (v.ValueKind != JsonValueKind.Number || !v.TryGetInt32(out var k) || k != Current)
            Fail(errors, path, v, $"unsupported spec version: expected {Accepts}");
        return spec;
    }

    public override void WriteCanonical(Utf8JsonWriter w, ExperimentSpec spec) => w.WriteNumber(Name, Current);

    protected override void WriteSchemaBody(Utf8JsonWriter w, ExperimentSpec defaults)
    {
        w.WriteString("type", "integer");
        w.WriteNumber("const", Current);
    }
}

/// <summary>All fields of <see cref="ExperimentSpec"/>.</summary>
internal static class SpecFields
{
    public static readonly string[] Expects = ["auto", "ols", "interpolation", "none"];

    public static readonly SpecField[] All =
    [
        new EnumField<InputLawKind>("dataModel", "input distribution", ExperimentChoices.InputLaws, s => s.DataModel, (s, v) => s with { DataModel = v }),
        new DoubleField(OptionRanges.Shift, "mean shift of shifted-gaussian (mu = shift (1,...,1)/sqrt(d))", s => s.Shift, (s, v) => s with { Shift = v }),
        new EnumField<TeacherKind>("teacher", "teacher function", ExperimentChoices.Teachers, s => s.Teacher, (s, v) => s with { Teacher = v }),
        new BetaField(),
        new IntField(OptionRanges.TeacherUnits, "units k of the relu teacher", s => s.TeacherUnits, (s, v) => s with { TeacherUnits = (int)v }),
        new DoubleField(OptionRanges.Sigma, "label noise standard deviation", s => s.Sigma, (s, v) => s with { Sigma = v }),
        new IntField(OptionRanges.N, "training sample size", s => s.N, (s, v) => s with { N = (int)v }),
        new IntField(OptionRanges.D, "input dimension", s => s.D, (s, v) => s with { D = (int)v }),
        new IntField(OptionRanges.M, "width (neurons)", s => s.M, (s, v) => s with { M = (int)v }),
        new DoubleField(OptionRanges.Lambda, "initialization scale", s => s.Lambda, (s, v) => s with { Lambda = v }),
        new EnumField<InitKind>("init", "initialization", ExperimentChoices.Inits, s => s.Init, (s, v) => s with { Init = v }),
        new EnumField<Activation>("activation", "nonlinearity", ExperimentChoices.Activations, s => s.Activation, (s, v) => s with { Activation = v }),
        new EnumField<Solver>("solver", "training method", ExperimentChoices.Solvers, s => s.Solver, (s, v) => s with { Solver = v }),
        new DoubleField(OptionRanges.Rtol, "relative tolerance (from 1e-14: below that the error estimates are rounding noise and no step is accepted)", s => s.Rtol, (s, v) => s with { Rtol = v }),
        new DoubleField(OptionRanges.Atol, "absolute tolerance", s => s.Atol, (s, v) => s with { Atol = v }),
        new DoubleField(OptionRanges.StationarityTol, "stationarity tolerance on |grad|", s => s.StationarityTol, (s, v) => s with { StationarityTol = v }),
        new DoubleField(OptionRanges.Horizon, "final flow time", s => s.Horizon, (s, v) => s with { Horizon = v }),
        new IntField(OptionRanges.MaxSteps, "step budget", s => s.MaxSteps, (s, v) => s with { MaxSteps = v }),
        new DoubleField(OptionRanges.LearningRate, "learning rate of gd and adam", s => s.LearningRate, (s, v) => s with { LearningRate = v }),
        new IntField(OptionRanges.PointsPerDecade, "trajectory points per decade of t", s => s.PointsPerDecade, (s, v) => s with { PointsPerDecade = (int)v }),
        new IntField(OptionRanges.CheckpointsPerDecade, "restarts of the flow per decade of t, each kept as a checkpoint to resume from (0 = none; 4 or more for long runs)",
            s => s.CheckpointsPerDecade, (s, v) => s with { CheckpointsPerDecade = (int)v }, omitZero: true),
        new DoubleField(OptionRanges.EarlyPhaseEps, "eps of the end of the early phase", s => s.EarlyPhaseEps, (s, v) => s with { EarlyPhaseEps = v }),
        new IntField(OptionRanges.Seed, "seed of data, test set and initialization", s => s.Seed, (s, v) => s with { Seed = (int)v }),
        new IntField(OptionRanges.TestN, "test-set size (0 = none)", s => s.TestN, (s, v) => s with { TestN = (int)v }),
        new BoolField("testNoise", "whether test labels are noisy", s => s.TestNoise, (s, v) => s with { TestNoise = v }),
        new ChoiceField("expect", "expected regime", Expects, s => s.Expect, (s, v) => s with { Expect = v }),
        new ThresholdField(),
        new TolerancesField(),
        new VersionField(),
    ];

    public static SpecField? Find(string name) => Array.Find(All, f => f.Name == name);
}
