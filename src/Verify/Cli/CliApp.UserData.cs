using System.CommandLine;
using System.Security.Cryptography;
using Spectre.Console;
using SimplicityBias.Dynamics.Network;
using SimplicityBias.Theory.Experiments;
using SimplicityBias.Verify.Reports;
using SimplicityBias.Verify.Running;
using SimplicityBias.Verify.Specs;

namespace SimplicityBias.Verify.Cli;

/// <summary>`simbias extremal` and `simbias check`: the theory on the user's data.</summary>
public sealed partial class CliApp
{
    // ---------------------------------------------------------------- user data

    private Command ExtremalCommand()
    {
        var data = new Argument<FileInfo>("data") { Description = "CSV file: columns x1..xd then y (a header line is allowed)" };
        var maxEnum = new Option<long>("--max-enumeration")
        {
            Description = "Largest exact enumeration attempted, in candidate faces (about C(n, d-1) 4 3^(d-1)); above it the face search runs",
            DefaultValueFactory = _ => Theory.Extremal.ExtremalVectors.DefaultMaxCandidates,
            Validators = { r => { if (r.GetValueOrDefault<long>() < 0) r.AddError($"--max-enumeration must be >= 0, got {r.GetValueOrDefault<long>()}"); } },
        };
        var walks = new Option<int?>("--walks")
        {
            Description = "Walks of the face search when the enumeration does not fit (default: 4000, fewer for large n)",
            Validators = { r => { if (r.GetValueOrDefault<int?>() is < 1 and var w) r.AddError($"--walks must be >= 1, got {w}"); } },
        };
        var starts = new Option<int>("--starts")
        {
            Description = "Random starts of the flow search that runs alongside (it finds the attractors)", DefaultValueFactory = _ => 64,
            Validators = { r => AtLeastOne(r, "--starts") },
        };
        var seed = new Option<int>("--seed") { Description = "Seed of the searches", DefaultValueFactory = _ => 1 };
        var json = JsonOption();
        var cmd = new Command("extremal", """
            The extremal vectors of your data: unit directions u with D_n(u) = +-c u, c > 0, where
            D_n(u) = 1/n sum_{<u,x_k> > 0} y_k x_k (on a data hyperplane <u,x_k> = 0 the point counts with a weight eta_k in [0, 1]).
            All of them by exact enumeration when it fits (d = 2 always; d = 3 up to n of a few hundred, d = 5 up to about 30):
            then `complete: true`. Otherwise a face search (walks to vertices of the hyperplane arrangement, every face around
            each vertex checked exactly) plus a flow search: `complete: false`, with `coverage`, the fraction of a fresh sample of
            directions whose arrangement cell was examined.
            Columns: sign (+: where positive neurons go, -: negative); c = |D_n(u)| = |G_n(u)|; kind: local max or min of
            G_n(u) = <u, D_n(u)> on the sphere, or saddle (max/min/saddle say where the early phase can settle: positive neurons at
            + local maxima, negative at - local minima); |A|: size of the activation set {k : <u,x_k> > 0}; B: the boundary set
            {k : <u,x_k> = 0} (0-based rows, empty inside a cell) with the eta chosen for each; u: the direction.
            """) { data, maxEnum, walks, starts, seed, json };
        cmd.SetAction(pr => Guard("extremal", pr.GetValue(json), () =>
        {
            var ds = LoadData(pr.GetValue(data)!, "data");
            var search = Predictions.BudgetedFaceSearch(ds, pr.GetValue(seed));
            if (pr.GetValue(walks) is int w) search = search with { Walks = w };
            var ex = Predictions.Extremal(ds, [], pr.GetValue(seed), pr.GetValue(starts), parallel: true, pr.GetValue(maxEnum), search);
            var list = ex.Vectors;
            static string Kind(ExtremalDirection v) => v.Kind switch
            {
                Theory.Extremal.CriticalPointKind.LocalMaximum => "local max",
                Theory.Extremal.CriticalPointKind.LocalMinimum => "local min",
                Theory.Extremal.CriticalPointKind.Saddle => "saddle",
                _ => "unclassified",
            };
            if (pr.GetValue(json))
                io.WriteJson(new
                {
                    command = "extremal", exitCode = 0, n = ds.N, d = ds.D, count = list.Count, complete = ex.Complete,
                    coverage = ex.Coverage, method = ex.Method, flowSearchCount = ex.FlowSearchCount,
                    vectors = list.Select(v => new
                    {
                        sign = v.Sign, c = v.C, kind = Kind(v), direction = v.Direction, vector = v.Vector,
                        activationSetSize = v.ActiveCount, activationSet = v.ActivationSet, boundarySet = v.BoundarySet, eta = v.Eta, stable = v.Stable,
                    }),
                });
            else
            {
                io.Console.MarkupLine(Markup.Escape($"{list.Count} extremal direction(s) of {ds.N} points in d = {ds.D}; complete: {(ex.Complete ? "true" : "false")} " +
                    (ex.Complete ? $"(exact enumeration, {ex.Method})" : $"(face search and flow search; coverage {ex.Coverage:F4}: the fraction of a fresh sample of directions whose cell was examined)")));
                var t = new Table().AddColumns("#", "sign", "c", "kind", "|A|", "B (eta)", "direction u");
                int i = 0;
                var inv = System.Globalization.CultureInfo.InvariantCulture;
                foreach (var v in list)
                    t.AddRow((i++).ToString(inv), v.Sign > 0 ? "+" : "-", ReportWriter.F(v.C), Kind(v), v.ActiveCount.ToString(inv),
                        Markup.Escape(v.BoundarySet.Length == 0 ? "-" : string.Join(" ", v.BoundarySet.Take(6).Select((k, p) => $"{k} ({v.Eta[p].ToString("F3", inv)})")) + (v.BoundarySet.Length > 6 ? " ..." : "")),
                        Markup.Escape("(" + string.Join(", ", v.Direction.Take(8).Select(x => x.ToString("F4", inv))) + (v.Direction.Length > 8 ? ", ..." : "") + ")"));
                io.Console.Write(t);
            }
            return ExitCodes.Ok;
        }));
        return cmd;
    }

    private Command CheckCommand(string[] args)
    {
        var data = new Argument<FileInfo>("data") { Description = "Training data, CSV: columns x1..xd then y (a header line is allowed)" };
        var test = new Option<FileInfo?>("--test") { Description = "Test data, same format (enables the test-loss checks)" };
        var spec = new Option<FileInfo?>("--spec") { Description = "Spec for everything but the data (width, init, solver, tolerances, expect...)" };
        var m = new Option<int?>("--m") { Description = "Width m (overrides the spec)" };
        var lambda = new Option<double?>("--lambda") { Description = "Initialization scale (overrides the spec)" };
        var seed = new Option<int?>("--seed") { Description = "Seed of the initialization (overrides the spec)" };
        var solver = new Option<string?>("--solver") { Description = "flow, flow-plain, gd or adam (overrides the spec)" };
        solver.AcceptOnlyFromAmong([.. ExperimentChoices.Solvers.Names]);
        var horizon = new Option<double?>("--horizon") { Description = "Final time (overrides the spec)" };
        var expect = new Option<string?>("--expect") { Description = "Regime to check: auto, ols, interpolation or none (overrides the spec)" };
        expect.AcceptOnlyFromAmong(SpecFields.Expects);
        var output = new Option<string?>("--out") { Description = $"Output directory (default: {OutputRoot}/checks/<data file name>)" };
        var init = InitOption("d must be the data's; m is taken from the file");
        var force = ForceOption();
        var outputs = new OutputOptions();
        var cmd = new Command("check", "The whole verification on your data: train from the paper's small initialization (balanced, scale lambda), then hold the endpoint against the theory.")
        { data, test, spec, m, lambda, seed, solver, horizon, expect, init, output, force };
        foreach (var o in outputs.All) cmd.Options.Add(o);
        cmd.SetAction(pr => Guard("check", pr.GetValue(outputs.Json), () =>
        {
            var mode = outputs.Read(pr);
            var file = pr.GetValue(data)!;
            var train = LoadData(file, "data");
            var testFile = pr.GetValue(test);
            var testSet = testFile is null ? null : LoadData(testFile, "--test");
            if (testSet is not null && testSet.D != train.D) throw new BadInputException($"--test: {testFile!.Name} has d = {testSet.D}, the data have d = {train.D}");
            var s = pr.GetValue(spec) is { } sf ? SpecReader.Load(sf.FullName) : new ExperimentSpec();
            s = s with { N = train.N, D = train.D, Beta = null, TestN = testSet?.N ?? 0, DataModel = InputLawKind.Gaussian };
            if (pr.GetValue(m) is int mm) s = s with { M = mm };
            if (pr.GetValue(lambda) is double l) s = s with { Lambda = FiniteOverride(pr, lambda, l) };
            if (pr.GetValue(seed) is int sd) s = s with { Seed = sd };
            if (pr.GetValue(solver) is { } so && ExperimentChoices.Solvers.TryParse(so, out var method)) s = s with { Solver = method };
            if (pr.GetValue(horizon) is double h) s = s with { Horizon = FiniteOverride(pr, horizon, h) };
            if (pr.GetValue(expect) is { } ex) s = s with { Expect = ex };
            var start = LoadInit(pr.GetValue(init), train.D, "the data have");
            if (start is not null)
            {
                if (pr.GetValue(m) is int given && given != start.Parameters.M)
                    throw new BadInputException($"--init: {start.Name} has m = {start.Parameters.M} rows (neurons) but --m is {given}");
                s = s with { M = start.Parameters.M };
            }
            Revalidate(s);
            // The key covers the data: the same spec on other data is another run.
            using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            sha.AppendData(CanonicalSpec.ToUtf8(s));
            sha.AppendData(File.ReadAllBytes(file.FullName));
            if (testFile is not null) sha.AppendData(File.ReadAllBytes(testFile.FullName));
            var key = start is null ? Convert.ToHexStringLower(sha.GetHashAndReset()) : InitKey(sha.GetHashAndReset(), start);
            var dir = pr.GetValue(output) ?? Path.Combine(OutputRoot, "checks", Path.GetFileNameWithoutExtension(file.Name));
            var desc = file.Name + (testFile is null ? "" : $" (test: {testFile.Name})");
            return SingleRun("check", s, _ => new RunInputs(train, testSet, false, desc) { Init = start }, key, dir, pr.GetValue(force), mode, "simbias " + string.Join(' ', args),
                r => Checks.RegimeExplanation.For(s, r, synthetic: false, hasTest: testSet is not null, train.Y));
        }));
        return cmd;
    }
}
