namespace SimplicityBias.Dynamics.Network;

/// <summary>
/// Reductions in an order fixed here, for the places whose result reaches a record or a trajectory:
/// TensorPrimitives.Dot and Norm split the sum by the hardware's vector width, so their last bits differ between
/// machines. Four interleaved fused chains (element i into chain i mod 4, the tail into chain 0), then
/// (c0 + c1) + (c2 + c3): independent chains keep most of the speed without vectors.
/// </summary>
public static class FixedOrder
{
    /// <summary>sum_i a_i b_i in the fixed order.</summary>
    public static double Dot(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        if (a.Length != b.Length) throw new ArgumentException($"lengths differ: {a.Length} and {b.Length}", nameof(b));
        double c0 = 0, c1 = 0, c2 = 0, c3 = 0;
        int i = 0;
        for (; i + 4 <= a.Length; i += 4)
        {
            c0 = Math.FusedMultiplyAdd(a[i], b[i], c0);
            c1 = Math.FusedMultiplyAdd(a[i + 1], b[i + 1], c1);
            c2 = Math.FusedMultiplyAdd(a[i + 2], b[i + 2], c2);
            c3 = Math.FusedMultiplyAdd(a[i + 3], b[i + 3], c3);
        }
        for (; i < a.Length; i++) c0 = Math.FusedMultiplyAdd(a[i], b[i], c0);
        return (c0 + c1) + (c2 + c3);
    }

    /// <summary>The Euclidean norm sqrt(sum_i a_i^2), in the order of <see cref="Dot"/> (no rescaling against overflow).</summary>
    public static double Norm(ReadOnlySpan<double> a) => Math.Sqrt(Dot(a, a));
}
