using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace SimplicityBias.Dynamics.Network.Lanes;

/// <summary>The 8 lanes in four 128-bit registers (SSE2 or ARM64 AdvSimd): lanes 0-1, 2-3, 4-5, 6-7.</summary>
internal readonly unsafe struct Lanes128 : ILanes<Lanes128>
{
    readonly Vector128<double> _a, _b, _c, _d;
    Lanes128(Vector128<double> a, Vector128<double> b, Vector128<double> c, Vector128<double> d) { _a = a; _b = b; _c = c; _d = d; }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes128 Load(double* p) => new(Vector128.Load(p), Vector128.Load(p + 2), Vector128.Load(p + 4), Vector128.Load(p + 6));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Lanes128 v, double* p) { v._a.Store(p); v._b.Store(p + 2); v._c.Store(p + 4); v._d.Store(p + 6); }
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes128 Create(double x) { var c = Vector128.Create(x); return new(c, c, c, c); }
    // Without FMA hardware Vector128.FusedMultiplyAdd computes the fused result in software: slower, same bits.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes128 Fma(Lanes128 a, Lanes128 b, Lanes128 c) => new(
        Vector128.FusedMultiplyAdd(a._a, b._a, c._a), Vector128.FusedMultiplyAdd(a._b, b._b, c._b),
        Vector128.FusedMultiplyAdd(a._c, b._c, c._c), Vector128.FusedMultiplyAdd(a._d, b._d, c._d));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes128 operator +(Lanes128 a, Lanes128 b) => new(a._a + b._a, a._b + b._b, a._c + b._c, a._d + b._d);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes128 operator -(Lanes128 a, Lanes128 b) => new(a._a - b._a, a._b - b._b, a._c - b._c, a._d - b._d);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes128 operator *(Lanes128 a, Lanes128 b) => new(a._a * b._a, a._b * b._b, a._c * b._c, a._d * b._d);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes128 Relu(Lanes128 z) => new(Relu(z._a), Relu(z._b), Relu(z._c), Relu(z._d));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static Vector128<double> Relu(Vector128<double> z) =>
        Vector128.ConditionalSelect(Vector128.LessThan(z, Vector128<double>.Zero), Vector128<double>.Zero, z);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes128 WherePositive(Lanes128 z, Lanes128 v) =>
        new(Pos(z._a, v._a), Pos(z._b, v._b), Pos(z._c, v._c), Pos(z._d, v._d));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static Vector128<double> Pos(Vector128<double> z, Vector128<double> v) =>
        Vector128.ConditionalSelect(Vector128.GreaterThan(z, Vector128<double>.Zero), v, Vector128<double>.Zero);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes128 WhereSet(uint bits, Lanes128 v) =>
        new(Set(bits, v._a), Set(bits >> 2, v._b), Set(bits >> 4, v._c), Set(bits >> 6, v._d));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static Vector128<double> Set(uint bits, Vector128<double> v)
    {
        var lane = Vector128.Create(1L, 2);
        var set = Vector128.Equals(Vector128.Create((long)(bits & 0x3)) & lane, lane).AsDouble();
        return Vector128.ConditionalSelect(set, v, Vector128<double>.Zero);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint PositiveBits(Lanes128 z) =>
        Vector128.GreaterThan(z._a, Vector128<double>.Zero).ExtractMostSignificantBits()
        | Vector128.GreaterThan(z._b, Vector128<double>.Zero).ExtractMostSignificantBits() << 2
        | Vector128.GreaterThan(z._c, Vector128<double>.Zero).ExtractMostSignificantBits() << 4
        | Vector128.GreaterThan(z._d, Vector128<double>.Zero).ExtractMostSignificantBits() << 6;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint WithinReach(Lanes128 z, Lanes128 dz, Lanes128 h) =>
        Reach(z._a, dz._a, h._a) | Reach(z._b, dz._b, h._b) << 2 | Reach(z._c, dz._c, h._c) << 4 | Reach(z._d, dz._d, h._d) << 6;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static uint Reach(Vector128<double> z, Vector128<double> dz, Vector128<double> h) =>
        (Vector128.LessThan(z * dz, Vector128<double>.Zero) & Vector128.LessThanOrEqual(Vector128.Abs(z), h * Vector128.Abs(dz))).ExtractMostSignificantBits();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Sum(Lanes128 v) =>
        ((v._a.GetElement(0) + v._a.GetElement(1)) + (v._b.GetElement(0) + v._b.GetElement(1)))
        + ((v._c.GetElement(0) + v._c.GetElement(1)) + (v._d.GetElement(0) + v._d.GetElement(1)));
}
