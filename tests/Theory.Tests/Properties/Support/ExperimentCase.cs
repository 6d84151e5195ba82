using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using SimplicityBias.Dynamics.Network;
using SimplicityBias.Theory.Experiments;

namespace SimplicityBias.Theory.Tests.Properties;

/// <summary>
/// One generated case: a typed <see cref="Experiment"/> (the same data, initialization and options the command
/// line builds from a spec) with sizes small enough for a property test, so a shrunk counterexample printed by
/// <see cref="ToJson"/> can be replayed with `simbias run case.json`.
/// </summary>
public sealed record ExperimentCase : Experiment
{
    /// <summary>Smaller than the command line's defaults: a case must run in well under a second.</summary>
    public ExperimentCase()
    {
        N = 50;
        D = 2;
        M = 10;
        Horizon = 1e4;
        TestN = 0;
    }

    /// <summary>Whether the case uses a network at all (false: data-only properties print no m, lambda, init, horizon).</summary>
    public bool HasNetwork { get; init; } = true;

    /// <summary>The flow's options for this case (no test set), in the given mode.</summary>
    public FlowOptions FlowOptions(FlowMode mode = FlowMode.Filippov) => FlowOptions(test: null) with { Mode = mode };

    /// <summary>A case from its JSON (as <see cref="ToJson"/> prints it); choices by their spec names.</summary>
    public static ExperimentCase FromJson(string json) => JsonSerializer.Deserialize<ExperimentCase>(json, JsonOptions)!;

    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNameCaseInsensitive = true,
        Converters =
        {
            new ChoiceConverter<InputLawKind>(ExperimentChoices.InputLaws), new ChoiceConverter<TeacherKind>(ExperimentChoices.Teachers),
            new ChoiceConverter<InitKind>(ExperimentChoices.Inits), new ChoiceConverter<Activation>(ExperimentChoices.Activations),
            new ChoiceConverter<Solver>(ExperimentChoices.Solvers),
        },
    };

    private sealed class ChoiceConverter<T>(ChoiceNames<T> names) : JsonConverter<T> where T : struct, Enum
    {
        public override T Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
            => names.TryParse(reader.GetString() ?? "", out var v) ? v : throw new JsonException($"unknown {typeof(T).Name} '{reader.GetString()}'");

        public override void Write(Utf8JsonWriter writer, T value, JsonSerializerOptions options) => writer.WriteStringValue(names.Name(value));
    }

    /// <summary>The case as an experiment JSON object with the command line's field names.</summary>
    public string ToJson()
    {
        var sb = new StringBuilder("{");
        void Str(string k, string v) => sb.Append(sb.Length > 1 ? ", " : "").Append('"').Append(k).Append("\": \"").Append(v).Append('"');
        void Num(string k, double v) => sb.Append(sb.Length > 1 ? ", " : "").Append('"').Append(k).Append("\": ").Append(F(v));
        Str("dataModel", ExperimentChoices.InputLaws.Name(DataModel));
        if (DataModel == InputLawKind.ShiftedGaussian) Num("shift", Shift);
        Str("teacher", ExperimentChoices.Teachers.Name(Teacher));
        if (Teacher == TeacherKind.Linear && Beta is not null)
            sb.Append(", \"beta\": [").Append(string.Join(", ", Beta.Select(F))).Append(']');
        if (Teacher == TeacherKind.Relu) Num("teacherUnits", TeacherUnits);
        Num("sigma", Sigma);
        Num("n", N);
        Num("d", D);
        if (HasNetwork)
        {
            Num("m", M);
            Num("lambda", Lambda);
            Str("init", ExperimentChoices.Inits.Name(Init));
            Str("solver", ExperimentChoices.Solvers.Name(Solver));
            if (Solver == Solver.Gd) Num("learningRate", LearningRate);
            else { Num("rtol", Rtol); Num("atol", Atol); Num("stationarityTol", StationarityTol); }
            Num("horizon", Horizon);
        }
        Num("seed", Seed);
        Num("testN", 0);
        return sb.Append('}').ToString();
    }

    private static string F(double v) => v.ToString("R", CultureInfo.InvariantCulture);

    public override string ToString() => ToJson();
}
