using System.Text.Json;
using SimplicityBias.Verify.Cli;

namespace SimplicityBias.Verify.Tests;

/// <summary>
/// The committed quick reproduction (reports/reproduce-quick/runs.jsonl) is the reference for the whole
/// experiment path: `simbias reproduce` rerun into a temporary directory must give the same records,
/// field by field and bit by bit, apart from what measures the machine rather than the mathematics.
/// A change that moves any number here changes the results the repository reports, so it must come with
/// regenerated reports and a reason.
/// </summary>
public class ReproduceQuickPinTests : IDisposable
{
    private readonly TempDir tmp = new();
    public void Dispose() => tmp.Dispose();

    // Wall and CPU times, the code version and the host's vector width describe the run, not its result
    // (the kernels give the same bits on every vector path).
    private static readonly HashSet<string> Unpinned = new(StringComparer.Ordinal)
    {
        "$.wallSeconds", "$.work.trainingSeconds", "$.codeVersion", "$.kernelPath",
    };

    [Fact]
    public void Quick_reproduction_gives_the_committed_records()
    {
        var o = new StringWriter();
        var e = new StringWriter();
        int code = new CliApp(o, e, progress: false).Run(["reproduce", "--out", tmp["quick"], "--no-progress"]);
        Assert.True(code == ExitCodes.Ok, $"exit {code}: {e}");

        var committed = Records(Path.Combine(Repository.Root(), "reports", "reproduce-quick", "runs.jsonl"));
        var fresh = Records(Path.Combine(tmp["quick"], "runs.jsonl"));
        Assert.Equal(committed.Keys.Order(StringComparer.Ordinal), fresh.Keys.Order(StringComparer.Ordinal));
        var differences = new List<string>();
        foreach (var (hash, expected) in committed)
            Compare(expected.RootElement, fresh[hash].RootElement, "$", differences);
        Assert.True(differences.Count == 0,
            $"{differences.Count} field(s) differ from the committed quick reproduction:\n" + string.Join("\n", differences.Take(20)));
    }

    private static Dictionary<string, JsonDocument> Records(string file)
        => File.ReadLines(file).Where(l => l.Length > 0).Select(l => JsonDocument.Parse(l))
            .ToDictionary(d => d.RootElement.GetProperty("hash").GetString()!, StringComparer.Ordinal);

    // Numbers compare by their JSON text: the store writes the shortest round-trip form, so equal text is equal bits.
    private static void Compare(JsonElement expected, JsonElement actual, string path, List<string> differences)
    {
        if (Unpinned.Contains(path)) return;
        if (expected.ValueKind != actual.ValueKind) { differences.Add($"{path}: {expected.GetRawText()} -> {actual.GetRawText()}"); return; }
        switch (expected.ValueKind)
        {
            case JsonValueKind.Object:
                var names = expected.EnumerateObject().Select(p => p.Name).Union(actual.EnumerateObject().Select(p => p.Name));
                foreach (var name in names)
                {
                    bool inE = expected.TryGetProperty(name, out var e), inA = actual.TryGetProperty(name, out var a);
                    if (inE && inA) Compare(e, a, $"{path}.{name}", differences);
                    else if (!Unpinned.Contains($"{path}.{name}")) differences.Add($"{path}.{name}: {(inE ? "missing now" : "new field")}");
                }
                break;
            case JsonValueKind.Array:
                if (expected.GetArrayLength() != actual.GetArrayLength())
                { differences.Add($"{path}: length {expected.GetArrayLength()} -> {actual.GetArrayLength()}"); return; }
                int i = 0;
                foreach (var (e, a) in expected.EnumerateArray().Zip(actual.EnumerateArray())) Compare(e, a, $"{path}[{i++}]", differences);
                break;
            default:
                if (expected.GetRawText() != actual.GetRawText()) differences.Add($"{path}: {expected.GetRawText()} -> {actual.GetRawText()}");
                break;
        }
    }
}
