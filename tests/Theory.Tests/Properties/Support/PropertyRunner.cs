using System.Globalization;
using FsCheck;
using FsCheck.Fluent;
using Microsoft.FSharp.Core;
using Xunit.Abstractions;

namespace SimplicityBias.Theory.Tests.Properties;

/// <summary>
/// Runs one property over generated cases with FsCheck (generation, shrinking to a minimal counterexample
/// printed as an experiment JSON), counts the cases that pass, fail and miss the premise, writes the counts
/// to the test output, and enforces a minimum fraction of cases that reach the premise (a property whose
/// premise is never met would pass vacuously).
///
/// Case counts are base counts times SBT_PROPERTY_SCALE (a positive number, default 1) for long local runs.
/// The FsCheck seed is fixed per property (so the suite is deterministic); SBT_PROPERTY_SEED overrides it
/// to explore other cases, and SBT_PROPERTY_SEEDS=K (opt-in, for long local runs) repeats every property
/// over K seeds starting at its own. Plain FsCheck properties take <see cref="Config"/> for the same seeding.
/// </summary>
public static class PropertyRunner
{
    /// <summary>The multiplier of the case counts (SBT_PROPERTY_SCALE, default 1).</summary>
    public static double Scale
    {
        get
        {
            var s = Environment.GetEnvironmentVariable("SBT_PROPERTY_SCALE");
            return s is not null && double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && v > 0 ? v : 1.0;
        }
    }

    /// <summary>The case count for a base count.</summary>
    public static int Count(int baseCount) => Math.Max(1, (int)Math.Round(baseCount * Scale));

    /// <summary>Summary of a run.</summary>
    public sealed record Summary(int Cases, int Passed, int Skipped, double MaxMeasure, IReadOnlyDictionary<string, int> SkipReasons);

    /// <summary>
    /// Checks <paramref name="check"/> on <see cref="Count"/>(<paramref name="baseCount"/>) cases drawn from
    /// <paramref name="cases"/>; fails with the shrunk counterexample, or if fewer than
    /// <paramref name="minReached"/> of the cases reached the premise.
    /// </summary>
    public static Summary Run<T>(ITestOutputHelper output, string name, Arbitrary<T> cases, int baseCount,
        Func<T, Verdict> check, double minReached = 1.0)
    {
        Summary? last = null;
        foreach (ulong seed in Seeds(name)) last = RunSeed(output, name, cases, baseCount, check, minReached, seed);
        return last!;
    }

    /// <summary>
    /// The seeds a property runs with: its fixed one (<see cref="SeedFor"/>), then as many more as
    /// SBT_PROPERTY_SEEDS asks (consecutive).
    /// </summary>
    public static IEnumerable<ulong> Seeds(string name)
    {
        ulong first = SeedFor(name);
        var s = Environment.GetEnvironmentVariable("SBT_PROPERTY_SEEDS");
        int k = s is not null && int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out int v) && v > 1 ? v : 1;
        for (int i = 0; i < k; i++) yield return first + (ulong)i;
    }

    /// <summary>An FsCheck configuration that throws on failure, replays from <paramref name="seed"/>, and runs <paramref name="maxTest"/> cases.</summary>
    public static Config Config(ulong seed, int maxTest) =>
        FsCheck.Config.QuickThrowOnFailure.WithMaxTest(maxTest).WithQuietOnSuccess(true)
            .WithReplay(FSharpOption<Replay>.Some(new Replay(new Rnd(seed, 0x9E3779B97F4A7C15UL), FSharpOption<int>.None)));

    /// <summary>Checks a plain FsCheck property with the seeds of <paramref name="name"/> (see <see cref="Seeds"/>).</summary>
    public static void Check(string name, Property property, int maxTest = 100)
    {
        foreach (ulong seed in Seeds(name)) FsCheck.Check.One(Config(seed, Count(maxTest)), property);
    }

    private static Summary RunSeed<T>(ITestOutputHelper output, string name, Arbitrary<T> cases, int baseCount,
        Func<T, Verdict> check, double minReached, ulong seed)
    {
        int count = Count(baseCount);
        int evaluations = 0, passed = 0, skipped = 0;
        double maxMeasure = double.NaN;
        var reasons = new SortedDictionary<string, int>();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        double slowest = 0;
        string maxCase = "";
        string slowestCase = "";
        var property = Prop.ForAll(cases, c =>
        {
            double t0 = clock.Elapsed.TotalSeconds;
            var v = check(c);
            double dt = clock.Elapsed.TotalSeconds - t0;
            if (dt > slowest) { slowest = dt; slowestCase = c?.ToString() ?? ""; }
            // Only the first `count` evaluations are the generated cases; later ones are shrink attempts.
            if (++evaluations <= count)
            {
                if (v.Outcome == Outcome.Pass) passed++;
                if (v.Outcome == Outcome.Skipped)
                {
                    skipped++;
                    string key = SkipKey(v.Message);
                    reasons[key] = reasons.GetValueOrDefault(key) + 1;
                }
                if (!double.IsNaN(v.Measure) && (double.IsNaN(maxMeasure) || v.Measure > maxMeasure)) { maxMeasure = v.Measure; maxCase = $"{v.Message}\n    {c}"; }
            }
            return (v.Outcome != Outcome.Fail).Label($"{name}: {v.Message}\n  case: {c}");
        });
        try
        {
            FsCheck.Check.One(Config(seed, count), property);
        }
        catch (Exception e)
        {
            output.WriteLine($"{name}: FAILED after {evaluations} evaluations (seed {seed}); shrunk counterexample in the message");
            throw new Xunit.Sdk.XunitException($"{name} failed (FsCheck seed {seed}, {count} cases, {evaluations} evaluations with shrinking):\n{e.Message}");
        }
        var summary = new Summary(count, passed, skipped, maxMeasure, reasons);
        output.WriteLine($"{name}: {count} generated cases (scale {Scale}, seed {seed}) in {clock.Elapsed.TotalSeconds:F1} s: " +
                         $"{passed} reached the premise and passed, {skipped} skipped (premise not reached), 0 failed; largest measure {maxMeasure:G3}");
        foreach (var (k, v) in reasons) output.WriteLine($"  skipped {v}: {k}");
        output.WriteLine($"  slowest case {slowest:F2} s: {slowestCase}");
        output.WriteLine($"  largest measure {maxMeasure:G3}: {maxCase}");
        double reached = (double)passed / count;
        Assert.True(reached >= minReached,
            $"{name}: only {passed} of {count} cases ({reached:P0}) reached the premise, below the required {minReached:P0}: the property would pass vacuously. Skips: {string.Join("; ", reasons.Select(kv => $"{kv.Value} x {kv.Key}"))}");
        return summary;
    }

    /// <summary>The FsCheck seed of a property: SBT_PROPERTY_SEED if set, else a fixed hash of its name.</summary>
    public static ulong SeedFor(string name)
    {
        var s = Environment.GetEnvironmentVariable("SBT_PROPERTY_SEED");
        if (s is not null && ulong.TryParse(s, out ulong v)) return v;
        ulong h = 14695981039346656037UL;
        foreach (char ch in name) h = (h ^ ch) * 1099511628211UL;
        return h;
    }

    private static string SkipKey(string message)
    {
        // Group skip reasons by their wording, without the numbers.
        var chars = message.TakeWhile(c => c != ':' && c != '(').Where(c => !char.IsDigit(c)).ToArray();
        return new string(chars).Trim();
    }
}
