namespace SimplicityBias.Dynamics.Network.Lanes;

/// <summary>The tiled kernel's sample-block size chosen by the kernel benchmark (0: the kernel's own choice).</summary>
internal static class TiledBlock
{
    internal static int Override { get; set; }
}
