namespace SimplicityBias.Verify;

/// <summary>The command line (being written).</summary>
public static class Program
{
    /// <summary>Entry point.</summary>
    public static int Main(string[] args)
    {
        Console.Error.WriteLine("sbt: the command line is not written yet.");
        return 2;
    }
}
