using System.CommandLine;
using Spectre.Console;
using SimplicityBias.Verify.Plots;
using SimplicityBias.Verify.Sweeps;

namespace SimplicityBias.Verify.Cli;

/// <summary>`simbias plot`: one run's trajectory, drawn from a results directory alone.</summary>
public sealed partial class CliApp
{
    private Command PlotCommand()
    {
        var dir = new Argument<string>("results-dir") { Description = "A results directory (runs*.jsonl)" };
        var run = new Option<string>("--run")
        {
            Description = "The run: a prefix of its hash (the 'hash' column of the report and results.csv)",
            Required = true,
        };
        var output = new Option<string?>("--out") { Description = "Directory of the figure (default: RESULTS_DIR/figures)" };
        var json = JsonOption();
        var cmd = new Command("plot", "Draws one run's recorded trajectory against t: loss, |grad|, balancedness drift, sliding pairs and crossings (PNG and SVG).")
        { dir, run, output, json };
        cmd.SetAction(pr => Guard("plot", pr.GetValue(json), () =>
        {
            var d = pr.GetValue(dir)!;
            if (!Directory.Exists(d)) throw new BadInputException($"results-dir: no directory '{d}'");
            var records = ResultStore.Load(d).Records;
            if (records.Count == 0) throw new BadInputException($"results-dir: no results (runs*.jsonl) in '{d}'");
            var prefix = pr.GetValue(run)!.Trim();
            if (prefix.Length == 0 || !prefix.All(char.IsAsciiHexDigit))
                throw new BadInputException($"--run: expected a prefix of a run's hash (hexadecimal digits), got '{prefix}'");
            var matches = records.Where(r => r.Hash.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)).ToList();
            if (matches.Count == 0)
                throw new BadInputException($"--run: no run of '{d}' has a hash starting with '{prefix}' ({records.Count} run(s) there; their hashes are in results.csv)");
            if (matches.Count > 1)
                throw new BadInputException($"--run: '{prefix}' matches {matches.Count} runs ({string.Join(", ", matches.Take(5).Select(r => r.Hash[..12]))}{(matches.Count > 5 ? ", ..." : "")}); give more digits");
            var r = matches[0];
            if (r.Status != "ok") throw new BadInputException($"--run: run {r.Hash[..12]} could not be done ({r.Error}); it has no trajectory");
            if (r.Trajectory.T.Count(t => t > 0) < 2) throw new BadInputException($"--run: run {r.Hash[..12]} recorded fewer than two trajectory points after t = 0; nothing to draw");
            var outDir = pr.GetValue(output) ?? Path.Combine(d, "figures");
            string outOption = pr.GetValue(output) is null ? "results-dir" : "--out";
            OutputDirectory.Prepare(outDir, outOption, [RunFigure.Name(r) + ".png", RunFigure.Name(r) + ".svg"], []);
            var fig = RunFigure.Draw(r, outDir);
            if (pr.GetValue(json)) io.WriteJson(new { command = "plot", exitCode = ExitCodes.Ok, run = r.Hash, png = fig.PngPath, svg = fig.SvgPath, caption = fig.Caption });
            else
            {
                io.Console.MarkupLine(Markup.Escape(fig.Caption));
                io.Console.MarkupLine(Markup.Escape($"png: {fig.PngPath}"));
                io.Console.MarkupLine(Markup.Escape($"svg: {fig.SvgPath}"));
            }
            return ExitCodes.Ok;
        }));
        return cmd;
    }
}
