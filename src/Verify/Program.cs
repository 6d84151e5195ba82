using System.Runtime.InteropServices;
using SimplicityBias.Verify.Cli;

namespace SimplicityBias.Verify;

/// <summary>Entry point of simbias.</summary>
public static class Program
{
    /// <summary>Runs the command line; the first Ctrl+C or SIGTERM stops cleanly (finished runs are kept), a second one aborts.</summary>
    public static int Main(string[] args)
    {
        using var cts = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            if (cts.IsCancellationRequested) return; // second Ctrl+C: let the process end
            e.Cancel = true;
            Console.Error.WriteLine("simbias: stopping after saving the finished runs, runs in flight keeping their last checkpoint (Ctrl+C again to abort)...");
            cts.Cancel();
        };
        // SIGTERM (what Slurm and `kill` send) stops the same way: finished runs kept, report written.
        using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, ctx =>
        {
            if (cts.IsCancellationRequested) return; // a second SIGTERM ends the process
            ctx.Cancel = true;
            Console.Error.WriteLine("simbias: SIGTERM: stopping after saving the finished runs (runs in flight keep their last checkpoint)...");
            cts.Cancel();
        });
        return new CliApp(Console.Out, Console.Error, cancel: cts.Token).Run(args);
    }
}
