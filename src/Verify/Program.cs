using SimplicityBias.Verify.Cli;

namespace SimplicityBias.Verify;

/// <summary>Entry point of sbt.</summary>
public static class Program
{
    /// <summary>Runs the command line; the first Ctrl+C stops cleanly (finished runs are kept), a second one aborts.</summary>
    public static int Main(string[] args)
    {
        using var cts = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            if (cts.IsCancellationRequested) return; // second Ctrl+C: let the process end
            e.Cancel = true;
            Console.Error.WriteLine("sbt: stopping after saving the finished runs (Ctrl+C again to abort)...");
            cts.Cancel();
        };
        return new CliApp(Console.Out, Console.Error, cancel: cts.Token).Run(args);
    }
}
