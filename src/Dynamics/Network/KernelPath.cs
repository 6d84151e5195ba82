using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using SimplicityBias.Dynamics.Network.Lanes;

namespace SimplicityBias.Dynamics.Network;

/// <summary>
/// How the gradient kernel maps its 8-lane logical vectors onto the hardware. Every path computes the same fused
/// operations in the same order (<see cref="ILanes{TSelf}"/>), so the choice changes the speed, never the bits;
/// it is still recorded with results, so that a difference would be traceable.
/// </summary>
public enum KernelPath
{
    /// <summary>The fastest path this machine accelerates (<see cref="KernelPaths.Best"/>).</summary>
    Auto,
    /// <summary>One 512-bit register per logical vector (AVX-512).</summary>
    Vector512,
    /// <summary>Two 256-bit registers (AVX2 and FMA).</summary>
    Vector256,
    /// <summary>Four 128-bit registers (SSE2, ARM64 AdvSimd).</summary>
    Vector128,
    /// <summary>Eight doubles and Math.FusedMultiplyAdd.</summary>
    Scalar,
}

/// <summary>Resolution of <see cref="KernelPath.Auto"/> and the kernels of each path.</summary>
public static class KernelPaths
{
    /// <summary>
    /// The fastest path the hardware runs natively: 512-bit where AVX-512 is enabled, 256-bit with AVX2 and FMA,
    /// else 128-bit (any x86-64 or ARM64); scalar only where no vector unit is enabled at all.
    /// </summary>
    public static KernelPath Best { get; } =
        Vector512.IsHardwareAccelerated ? KernelPath.Vector512
        : Vector256.IsHardwareAccelerated && Fma.IsSupported ? KernelPath.Vector256
        : Vector128.IsHardwareAccelerated ? KernelPath.Vector128
        : KernelPath.Scalar;

    /// <summary><paramref name="path"/>, with Auto replaced by <see cref="Best"/>.</summary>
    public static KernelPath Resolve(KernelPath path) => path == KernelPath.Auto ? Best : path;

    /// <summary>Lower-case name used in records and on command lines (vector512, vector256, vector128, scalar).</summary>
    public static string Name(KernelPath path) => Resolve(path).ToString().ToLowerInvariant();

    internal static ITiledKernel Create(KernelPath path, Dataset data, int m, Activation activation) => Resolve(path) switch
    {
        KernelPath.Vector512 => new TiledGradientKernel<Lanes512>(data, m, activation),
        KernelPath.Vector256 => new TiledGradientKernel<Lanes256>(data, m, activation),
        KernelPath.Vector128 => new TiledGradientKernel<Lanes128>(data, m, activation),
        KernelPath.Scalar => new TiledGradientKernel<LanesScalar>(data, m, activation),
        _ => throw new ArgumentOutOfRangeException(nameof(path), path, "unknown kernel path"),
    };
}
