using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace SimplicityBias.Dynamics.Network.Lanes;

/// <summary>The 8 lanes in one 512-bit register (AVX-512).</summary>
internal readonly unsafe struct Lanes512 : ILanes<Lanes512>
{
    readonly Vector512<double> _v;
    Lanes512(Vector512<double> v) => _v = v;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes512 Load(double* p) => new(Vector512.Load(p));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Lanes512 v, double* p) => v._v.Store(p);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes512 Create(double x) => new(Vector512.Create(x));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes512 Fma(Lanes512 a, Lanes512 b, Lanes512 c) => new(Vector512.FusedMultiplyAdd(a._v, b._v, c._v));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes512 operator +(Lanes512 a, Lanes512 b) => new(a._v + b._v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes512 operator -(Lanes512 a, Lanes512 b) => new(a._v - b._v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes512 operator *(Lanes512 a, Lanes512 b) => new(a._v * b._v);

    // vmaxpd(0, z) is one instruction with exactly the Relu semantics; elsewhere (an emulated Vector512) the select.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes512 Relu(Lanes512 z) => Avx512F.IsSupported
        ? new(Vector512.MaxNative(Vector512<double>.Zero, z._v))
        : new(Vector512.ConditionalSelect(Vector512.LessThan(z._v, Vector512<double>.Zero), Vector512<double>.Zero, z._v));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes512 WherePositive(Lanes512 z, Lanes512 v) =>
        new(Vector512.ConditionalSelect(Vector512.GreaterThan(z._v, Vector512<double>.Zero), v._v, Vector512<double>.Zero));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes512 WhereSet(uint bits, Lanes512 v)
    {
        var lane = Vector512.Create(1L, 2, 4, 8, 16, 32, 64, 128);
        var set = Vector512.Equals(Vector512.Create((long)(bits & 0xFF)) & lane, lane).AsDouble();
        return new(Vector512.ConditionalSelect(set, v._v, Vector512<double>.Zero));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint PositiveBits(Lanes512 z) => (uint)Vector512.GreaterThan(z._v, Vector512<double>.Zero).ExtractMostSignificantBits();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint WithinReach(Lanes512 z, Lanes512 dz, Lanes512 h) =>
        (uint)(Vector512.LessThan(z._v * dz._v, Vector512<double>.Zero)
            & Vector512.LessThanOrEqual(Vector512.Abs(z._v), h._v * Vector512.Abs(dz._v))).ExtractMostSignificantBits();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Sum(Lanes512 v)
    {
        Vector256<double> lo = v._v.GetLower(), hi = v._v.GetUpper();
        return ((lo.GetElement(0) + lo.GetElement(1)) + (lo.GetElement(2) + lo.GetElement(3)))
            + ((hi.GetElement(0) + hi.GetElement(1)) + (hi.GetElement(2) + hi.GetElement(3)));
    }
}
