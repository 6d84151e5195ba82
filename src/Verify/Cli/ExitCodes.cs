namespace SimplicityBias.Verify.Cli;

/// <summary>Exit codes of simbias.</summary>
public static class ExitCodes
{
    /// <summary>Every check passed (inconclusive checks allowed) and no run failed.</summary>
    public const int Ok = 0;
    /// <summary>A check failed, or a run could not be done.</summary>
    public const int CheckFailed = 1;
    /// <summary>Bad input: command line, spec, data file or directory; nothing was run.</summary>
    public const int BadInput = 2;
    /// <summary>Stopped by Ctrl+C; finished runs are kept.</summary>
    public const int Interrupted = 130;
}

/// <summary>Bad input found by a command (exit code 2), with a message naming the value.</summary>
public sealed class BadInputException(string message) : Exception(message);
