using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using SimplicityBias.Theory.Endpoint;
using SimplicityBias.Verify.Checks;
using SimplicityBias.Verify.Cli;
using SimplicityBias.Verify.Running;
using SimplicityBias.Verify.Specs;

namespace SimplicityBias.Verify.Sweeps;

/// <summary>One curve of a threshold sweep and what its refinement asks for.</summary>
/// <param name="Family">The fields that set the curve apart (d, and m, lambda, sigma... when they differ from the base), as a row of the sweep file.</param>
/// <param name="Label">The family in words, for messages.</param>
/// <param name="Step">The refinement step of its median train-loss curve.</param>
public sealed record RefinementCurve(JsonObject Family, string Label, RefinementStep Step);

/// <summary>The next pass of a threshold sweep.</summary>
/// <param name="SweepJson">The sweep file of the next pass: the same file with one row added per curve that asks for a new n.</param>
/// <param name="Curves">Every curve with its step.</param>
/// <param name="Added">Rows added (0: nothing left to run).</param>
public sealed record RefinementPlan(string SweepJson, IReadOnlyList<RefinementCurve> Curves, int Added);

/// <summary>
/// The adaptive driver of the dimension study: from a threshold sweep and its finished runs, writes the
/// sweep of the next pass. Each curve (the runs that differ only in n and in the grid's axes, e.g. the
/// seed) gets the median over its runs of the converged train loss at each n, and
/// <see cref="ThresholdRefinement"/> says which n to run next: the log-midpoint of the bracket around the
/// first crossing of sigma^2/4, or a larger (smaller) n when the crossing lies beyond the grid. The new n
/// goes in as a row appended to "runs", so the runs already done keep their index and their hash, and the
/// next pass is an ordinary sweep: `reproduce` runs the passes in a loop, a cluster runs each pass as a job
/// array (`simbias refine`, src/Verify/SLURM.md).
/// </summary>
public static class ThresholdRefiner
{
    /// <summary>The plan of the next pass.</summary>
    /// <param name="sweepJson">Text of the current pass's sweep file.</param>
    /// <param name="sweepName">Its name (the file name when the JSON has none).</param>
    /// <param name="records">Finished runs (others are ignored); every run of the sweep must be among them.</param>
    /// <param name="ratio">Target width of the brackets, as a factor (&gt; 1).</param>
    /// <param name="maxN">Largest n the refinement may ask for.</param>
    public static RefinementPlan Plan(string sweepJson, string sweepName, IReadOnlyList<RunRecord> records, double ratio = 1.3, int maxN = 1_000_000)
    {
        if (!(ratio > 1) || !double.IsFinite(ratio)) throw new BadInputException($"--ratio must be > 1, got {ratio.ToString(CultureInfo.InvariantCulture)}");
        if (maxN < 2) throw new BadInputException($"--max-n must be >= 2, got {maxN}");
        var sweep = SweepReader.Parse(sweepJson, sweepName);
        var root = JsonNode.Parse(sweepJson, documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true })!.AsObject();
        var gridAxes = root["grid"] is JsonObject g ? g.Select(p => p.Key).ToHashSet(StringComparer.Ordinal) : [];
        // The seeds are the replicates of a curve: as a grid axis they apply to the rows the refinement appends.
        if (!gridAxes.Contains("seed")) throw new BadInputException($"sweep '{sweep.Name}': the threshold refinement needs the seeds as an axis of \"grid\" (so that a new row of n runs every seed)");
        var byHash = records.Where(r => r.Status == "ok").GroupBy(r => r.Hash).ToDictionary(x => x.Key, x => x.First(), StringComparer.Ordinal);
        var recorded = records.Select(r => r.Hash).ToHashSet(StringComparer.Ordinal);
        var missing = sweep.Runs.Count(s => !recorded.Contains(CanonicalSpec.Hash(s)));
        if (missing > 0) throw new BadInputException($"{missing} of the {sweep.Runs.Count} runs of sweep '{sweep.Name}' have no record yet: finish the pass first (sweep --resume, then merge)");

        // What the base and the first grid combination alone give: a row holds the fields a curve differs in.
        var gridSeeds = SweepReader.Parse(new JsonObject { ["grid"] = new JsonObject { ["seed"] = root["grid"]!["seed"]!.DeepClone() } }.ToJsonString(), sweepName)
            .Runs.Select(s => s.Seed).Distinct().Order().ToList();
        var bare = new JsonObject(root.Where(p => p.Key != "runs").Select(p => KeyValuePair.Create(p.Key, p.Value?.DeepClone())));
        var reference = Canonical(SweepReader.Parse(bare.ToJsonString(), sweepName).Runs[0]);

        var curves = new List<RefinementCurve>();
        var rows = root["runs"] as JsonArray;
        int added = 0;
        foreach (var fam in sweep.Runs.GroupBy(s => FamilyRow(Canonical(s), reference, gridAxes).ToJsonString()).OrderBy(f => f.Key, StringComparer.Ordinal))
        {
            var first = fam.First();
            if (!(first.Sigma > 0)) throw new BadInputException($"sweep '{sweep.Name}': the threshold refinement needs sigma > 0 (the level is sigma^2/4), got sigma = {first.Sigma.ToString(CultureInfo.InvariantCulture)} in {fam.Key}");
            var curve = fam.Select(s => byHash.TryGetValue(CanonicalSpec.Hash(s), out var r) ? r : null)
                .Where(r => r is not null && double.IsFinite(r.Metric(Metrics.TrainLoss)))
                .GroupBy(r => r!.SpecDouble("n"))
                .Select(x => (N: x.Key, Loss: SweepAnalysis.Median(x.Select(r => r!.Metric(Metrics.TrainLoss)).ToList())))
                .ToList();
            var row = JsonNode.Parse(fam.Key)!.AsObject();
            string label = string.Join(", ", row.Select(p => $"{p.Key} = {p.Value?.ToJsonString()}"));
            if (curve.Count == 0) throw new BadInputException($"sweep '{sweep.Name}': no finished run with a train loss for {label}");
            var step = ThresholdRefinement.Next(curve, OptimizationThreshold.Level(first.Sigma), ratio, maxN: maxN);
            curves.Add(new RefinementCurve(row, label, step));
            if (step.Kind is RefinementKind.Bisect or RefinementKind.ExtendUp or RefinementKind.ExtendDown)
            {
                var newRow = (JsonObject)row.DeepClone();
                newRow["n"] = step.NextN;
                // A curve whose rows name their own seeds keeps them: the grid's seeds would change its replicates.
                var seeds = fam.Select(s => s.Seed).Distinct().Order().ToList();
                if (!seeds.SequenceEqual(gridSeeds)) newRow["seed"] = new JsonArray(seeds.Select(x => (JsonNode?)JsonValue.Create(x)).ToArray());
                if (rows is null) root["runs"] = rows = [];
                rows.Add(newRow);
                added++;
            }
        }
        return new RefinementPlan(root.ToJsonString(new JsonSerializerOptions { WriteIndented = true }), curves, added);
    }

    private static JsonObject Canonical(ExperimentSpec s) => JsonNode.Parse(CanonicalSpec.ToJson(s))!.AsObject();

    // The row that makes a run's curve: d, the grid's axes other than the seed (a row overrides them, so the new
    // run gets this curve's values), and every field in which the run differs from the base; never n or the seed.
    private static JsonObject FamilyRow(JsonObject spec, JsonObject reference, HashSet<string> gridAxes)
    {
        var row = new JsonObject();
        foreach (var (key, value) in spec)
        {
            if (key is "n" or "seed") continue;
            if (key == "d" || gridAxes.Contains(key) || !JsonNode.DeepEquals(value, reference[key])) row[key] = value?.DeepClone();
        }
        return row;
    }
}
