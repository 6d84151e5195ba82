namespace SimplicityBias.Bench;

/// <summary>Benchmarks entry point (being written).</summary>
public static class Program
{
    /// <summary>Entry point.</summary>
    public static int Main(string[] args) => 0;
}
