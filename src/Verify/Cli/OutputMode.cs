using System.CommandLine;

namespace SimplicityBias.Verify.Cli;

/// <summary>How much a command says while and after it computes.</summary>
internal enum Verbosity
{
    /// <summary>No progress, no tables: the verdict line and the files written.</summary>
    Quiet,
    /// <summary>Progress rows, then the verdict tables.</summary>
    Normal,
    /// <summary>Also one line per finished run, and every check that did not pass.</summary>
    Verbose,
}

/// <summary>The output and exit options shared by run, check, sweep and reproduce.</summary>
/// <param name="Json">One JSON document instead of tables.</param>
/// <param name="Progress">Live progress rows on stderr.</param>
/// <param name="Verbosity">How much to print.</param>
/// <param name="Strict">Inconclusive checks fail (exit 1).</param>
internal sealed record OutputMode(bool Json, bool Progress, Verbosity Verbosity, bool Strict)
{
    /// <summary>The exit code with --strict applied: a clean exit becomes a check failure when something was inconclusive.</summary>
    public int Exit(int code, int inconclusive) => Strict && code == ExitCodes.Ok && inconclusive > 0 ? ExitCodes.CheckFailed : code;
}

/// <summary>The options behind <see cref="OutputMode"/>, declared once for every command that computes.</summary>
internal sealed class OutputOptions
{
    public readonly Option<bool> Json = new("--json") { Description = "Print one JSON document instead of tables" };
    public readonly Option<bool> NoProgress = new("--no-progress") { Description = "Do not show progress rows" };
    public readonly Option<bool> Quiet = new("--quiet", "-q") { Description = "Print only the verdict and the files written (no progress, no tables)" };
    public readonly Option<bool> Verbose = new("--verbose", "-v") { Description = "Also print one line per finished run and every check that did not pass" };
    public readonly Option<bool> Strict = new("--strict")
    {
        Description = "Inconclusive checks count as failures: exit 1 unless every check passed (default: inconclusive is allowed, exit 0)",
    };

    public IEnumerable<Option> All => [Json, NoProgress, Quiet, Verbose, Strict];

    public OutputMode Read(ParseResult pr)
    {
        bool quiet = pr.GetValue(Quiet), verbose = pr.GetValue(Verbose);
        if (quiet && verbose) throw new BadInputException("--quiet and --verbose exclude each other");
        var v = quiet ? Verbosity.Quiet : verbose ? Verbosity.Verbose : Verbosity.Normal;
        bool json = pr.GetValue(Json);
        return new OutputMode(json, !json && !quiet && !pr.GetValue(NoProgress), v, pr.GetValue(Strict));
    }
}
