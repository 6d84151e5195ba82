using System.CommandLine;
using System.Diagnostics;
using System.Security.Cryptography;
using Spectre.Console;
using SimplicityBias.Dynamics.Network;
using SimplicityBias.Theory.Experiments;
using SimplicityBias.Verify.Reports;
using SimplicityBias.Verify.Results;
using SimplicityBias.Verify.Running;
using SimplicityBias.Verify.Specs;
using SimplicityBias.Verify.Sweeps;

namespace SimplicityBias.Verify.Cli;

/// <summary>
/// The simbias command line: reproduce, run, sweep, merge, report, extremal, check. Output goes to the
/// given writers (so tests can capture it); progress goes to the error writer.
/// </summary>
public sealed partial class CliApp
{
    private readonly CliOutput io;
    private readonly ExperimentRunner runner;
    private readonly CancellationToken cancel;
    private readonly bool progressEnabled;

    /// <summary>
    /// Where run, check, sweep and reproduce write when no --out is given: a folder of the current directory that
    /// .gitignore lists, so trying the tool in a clone never touches tracked files (the committed reports are
    /// written only when --out names them).
    /// </summary>
    public const string OutputRoot = "simbias-out";

    /// <summary>Creates the application.</summary>
    /// <param name="output">Results (tables or the JSON document).</param>
    /// <param name="error">Errors and progress bars.</param>
    /// <param name="trainers">Trainers (a fake in tests); null = the real integrators.</param>
    /// <param name="cancel">Ctrl+C: stops cleanly, keeping finished runs.</param>
    /// <param name="progress">Whether to show progress bars (off in tests).</param>
    public CliApp(TextWriter output, TextWriter error, ITrainerFactory? trainers = null, CancellationToken cancel = default, bool progress = true)
    {
        io = new CliOutput(output, error);
        runner = new ExperimentRunner(trainers ?? DefaultTrainerFactory.Instance);
        this.cancel = cancel;
        progressEnabled = progress;
    }

    /// <summary>Parses and runs; returns the exit code (see <see cref="ExitCodes"/>).</summary>
    public int Run(string[] args)
    {
        var root = BuildRoot(args);
        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            bool json = args.Contains("--json");
            var cmd = parsed.CommandResult.Command;
            int code = io.BadInput(cmd is RootCommand ? "" : cmd.Name, json,
                parsed.Errors.Select(e => new SpecError("command line", "", e.Message)).ToList());
            if (!json) io.Err.WriteLine($"See: simbias {(cmd is RootCommand ? "" : cmd.Name + " ")}--help");
            return code;
        }
        // Ctrl+C is handled by the caller's token (the library's own handler would kill the process too early to save a report).
        return parsed.Invoke(new InvocationConfiguration { Output = io.Out, Error = io.Err, ProcessTerminationTimeout = null, EnableDefaultExceptionHandler = false });
    }

    private static Option<bool> JsonOption() => new("--json") { Description = "Print one JSON document instead of tables" };
    private static Option<bool> ForceOption() => new("--force")
    {
        Description = "Start over even if the output directory holds other results: they are set aside (NAME.old) and deleted once the new results are complete",
    };
    private static Option<int> ThreadsOption() => new("--threads")
    {
        Description = "Runs in parallel (default: the number of cores); results do not depend on it",
        DefaultValueFactory = _ => Environment.ProcessorCount,
        Validators = { r => AtLeastOne(r, "--threads") },
    };

    // A token that is not an integer already has the parser's error; reading its value would throw.
    private static void AtLeastOne(System.CommandLine.Parsing.OptionResult r, string name)
    {
        if (r.Tokens.Count == 0) return;
        var text = r.Tokens[^1].Value;
        if (int.TryParse(text, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out int v) && v < 1)
            r.AddError($"{name} must be >= 1, got {text}");
    }

    private RootCommand BuildRoot(string[] args)
    {
        var root = new RootCommand(
            "simbias: checks numerically the theorems of Boursier & Flammarion, \"Simplicity bias and optimization threshold in two-layer ReLU networks\".\n" +
            "Exit codes: 0 all checks passed (inconclusive allowed; with --strict, not), 1 a check failed or a run could not be done, 2 bad input, 130 interrupted (finished runs are kept).\n" +
            $"Results go to ./{OutputRoot}/ under the current directory unless --out says otherwise.");
        root.Subcommands.Add(ReproduceCommand(args));
        root.Subcommands.Add(RunCommand(args));
        root.Subcommands.Add(SweepCommand(args));
        root.Subcommands.Add(MergeCommand());
        root.Subcommands.Add(RefineCommand());
        root.Subcommands.Add(ReportCommand());
        root.Subcommands.Add(PlotCommand());
        root.Subcommands.Add(ExtremalCommand());
        root.Subcommands.Add(CheckCommand(args));
        root.Subcommands.Add(SchemaCommand());
        return root;
    }

    /// <summary>A real override as given: finite, and not a nonzero number that parsed to 0 (1e-400), named as typed.</summary>
    private static double FiniteOverride(ParseResult pr, Option<double?> option, double value)
    {
        var text = pr.GetResult(option)?.Tokens is { Count: > 0 } t ? t[^1].Value : value.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (!double.IsFinite(value)) throw new BadInputException($"{option.Name}: expected a finite number, got {text}");
        if (value == 0 && text.Split('e', 'E')[0].Any(c => c is >= '1' and <= '9'))
            throw new BadInputException($"{option.Name}: {text} is too small to represent (it rounds to 0)");
        return value;
    }

    /// <summary>Validates a spec built in code (overrides) through the same JSON validator, for the same messages.</summary>
    private static void Revalidate(ExperimentSpec s)
    {
        var errors = new List<SpecError>();
        using var doc = System.Text.Json.JsonDocument.Parse(CanonicalSpec.ToUtf8(s));
        SpecReader.FromElement(doc.RootElement, "$", errors);
        if (errors.Count > 0) throw new SpecException(errors);
    }

    private static Dataset LoadData(FileInfo file, string what)
    {
        if (!file.Exists) throw new BadInputException($"{what}: no file '{file.FullName}'");
        try { return Dataset.LoadCsv(file.FullName); }
        catch (FormatException e) { throw new BadInputException($"{what}: {e.Message}"); }
        catch (ArgumentException e) { throw new BadInputException($"{what}: {file.Name}: {e.Message}"); }
    }

    /// <summary>Turns bad input into exit code 2 with a message (or JSON), before or instead of any work.</summary>
    private int Guard(string command, bool json, Func<int> body)
    {
        try { return body(); }
        catch (SpecException e) { return io.BadInput(command, json, e.Errors); }
        catch (BadInputException e) { return io.BadInput(command, json, e.Message); }
        catch (FileNotFoundException e) { return io.BadInput(command, json, e.Message); }
        catch (DirectoryNotFoundException e) { return io.BadInput(command, json, e.Message); }
        // The paths were checked before any work; what still fails here (a disk filled up, a directory
        // removed mid-run) gets a message and a non-zero exit instead of a stack trace.
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Failed(command, json, $"cannot write the results: {e.Message}");
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return Failed(command, json, $"internal error: {e.GetType().Name}: {e.Message}");
        }
    }

    private int Failed(string command, bool json, string message)
    {
        if (json) io.WriteJson(new { command, exitCode = ExitCodes.CheckFailed, error = message });
        else io.Err.WriteLine($"simbias {command}: {message}");
        return ExitCodes.CheckFailed;
    }
}
