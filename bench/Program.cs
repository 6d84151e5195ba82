namespace SimplicityBias.Bench;

/// <summary>Benchmarks entry point: `dotnet run -c Release --project bench -- &lt;command&gt;`.</summary>
public static class Program
{
    /// <summary>Entry point.</summary>
    public static int Main(string[] args)
    {
        string cmd = args.Length > 0 ? args[0] : "";
        switch (cmd)
        {
            case "r1": return Flow.R1Quick.Run(args);
            case "cmp": return Flow.Compare.Run(args);
            default:
                Console.Error.WriteLine("usage: bench r1");
                return 2;
        }
    }
}
