using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace SimplicityBias.Dynamics.Network.Lanes;

/// <summary>The 8 lanes in two 256-bit registers (AVX2 + FMA): lanes 0-3 and 4-7.</summary>
internal readonly unsafe struct Lanes256 : ILanes<Lanes256>
{
    readonly Vector256<double> _lo, _hi;
    Lanes256(Vector256<double> lo, Vector256<double> hi) { _lo = lo; _hi = hi; }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes256 Load(double* p) => new(Vector256.Load(p), Vector256.Load(p + 4));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Lanes256 v, double* p) { v._lo.Store(p); v._hi.Store(p + 4); }
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes256 Create(double x) { var c = Vector256.Create(x); return new(c, c); }
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes256 Fma(Lanes256 a, Lanes256 b, Lanes256 c) =>
        new(Vector256.FusedMultiplyAdd(a._lo, b._lo, c._lo), Vector256.FusedMultiplyAdd(a._hi, b._hi, c._hi));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes256 operator +(Lanes256 a, Lanes256 b) => new(a._lo + b._lo, a._hi + b._hi);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes256 operator -(Lanes256 a, Lanes256 b) => new(a._lo - b._lo, a._hi - b._hi);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes256 operator *(Lanes256 a, Lanes256 b) => new(a._lo * b._lo, a._hi * b._hi);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes256 Relu(Lanes256 z) => new(Relu(z._lo), Relu(z._hi));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static Vector256<double> Relu(Vector256<double> z) =>
        Vector256.ConditionalSelect(Vector256.LessThan(z, Vector256<double>.Zero), Vector256<double>.Zero, z);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes256 WherePositive(Lanes256 z, Lanes256 v) => new(
        Vector256.ConditionalSelect(Vector256.GreaterThan(z._lo, Vector256<double>.Zero), v._lo, Vector256<double>.Zero),
        Vector256.ConditionalSelect(Vector256.GreaterThan(z._hi, Vector256<double>.Zero), v._hi, Vector256<double>.Zero));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes256 WhereSet(uint bits, Lanes256 v) => new(
        Vector256.ConditionalSelect(Set(bits), v._lo, Vector256<double>.Zero),
        Vector256.ConditionalSelect(Set(bits >> 4), v._hi, Vector256<double>.Zero));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static Vector256<double> Set(uint bits)
    {
        var lane = Vector256.Create(1L, 2, 4, 8);
        return Vector256.Equals(Vector256.Create((long)(bits & 0xF)) & lane, lane).AsDouble();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint PositiveBits(Lanes256 z) =>
        Vector256.GreaterThan(z._lo, Vector256<double>.Zero).ExtractMostSignificantBits()
        | Vector256.GreaterThan(z._hi, Vector256<double>.Zero).ExtractMostSignificantBits() << 4;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint WithinReach(Lanes256 z, Lanes256 dz, Lanes256 h) =>
        Reach(z._lo, dz._lo, h._lo) | Reach(z._hi, dz._hi, h._hi) << 4;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static uint Reach(Vector256<double> z, Vector256<double> dz, Vector256<double> h) =>
        (Vector256.LessThan(z * dz, Vector256<double>.Zero) & Vector256.LessThanOrEqual(Vector256.Abs(z), h * Vector256.Abs(dz))).ExtractMostSignificantBits();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Sum(Lanes256 v)
    {
        Vector256<double> lo = v._lo, hi = v._hi;
        return ((lo.GetElement(0) + lo.GetElement(1)) + (lo.GetElement(2) + lo.GetElement(3)))
            + ((hi.GetElement(0) + hi.GetElement(1)) + (hi.GetElement(2) + hi.GetElement(3)));
    }
}
