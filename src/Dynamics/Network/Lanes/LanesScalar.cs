namespace SimplicityBias.Dynamics.Network.Lanes;

/// <summary>The 8 lanes as 8 doubles, with Math.FusedMultiplyAdd: the reference the vector paths must match bit for bit.</summary>
internal unsafe struct LanesScalar : ILanes<LanesScalar>
{
    double _0, _1, _2, _3, _4, _5, _6, _7;

    public static LanesScalar Load(double* p) => new()
    {
        _0 = p[0], _1 = p[1], _2 = p[2], _3 = p[3], _4 = p[4], _5 = p[5], _6 = p[6], _7 = p[7],
    };

    public static void Store(LanesScalar v, double* p)
    {
        p[0] = v._0; p[1] = v._1; p[2] = v._2; p[3] = v._3; p[4] = v._4; p[5] = v._5; p[6] = v._6; p[7] = v._7;
    }

    public static LanesScalar Create(double x) => new() { _0 = x, _1 = x, _2 = x, _3 = x, _4 = x, _5 = x, _6 = x, _7 = x };

    public static LanesScalar Fma(LanesScalar a, LanesScalar b, LanesScalar c) => new()
    {
        _0 = Math.FusedMultiplyAdd(a._0, b._0, c._0), _1 = Math.FusedMultiplyAdd(a._1, b._1, c._1),
        _2 = Math.FusedMultiplyAdd(a._2, b._2, c._2), _3 = Math.FusedMultiplyAdd(a._3, b._3, c._3),
        _4 = Math.FusedMultiplyAdd(a._4, b._4, c._4), _5 = Math.FusedMultiplyAdd(a._5, b._5, c._5),
        _6 = Math.FusedMultiplyAdd(a._6, b._6, c._6), _7 = Math.FusedMultiplyAdd(a._7, b._7, c._7),
    };

    public static LanesScalar operator +(LanesScalar a, LanesScalar b) => new()
    {
        _0 = a._0 + b._0, _1 = a._1 + b._1, _2 = a._2 + b._2, _3 = a._3 + b._3,
        _4 = a._4 + b._4, _5 = a._5 + b._5, _6 = a._6 + b._6, _7 = a._7 + b._7,
    };

    public static LanesScalar operator -(LanesScalar a, LanesScalar b) => new()
    {
        _0 = a._0 - b._0, _1 = a._1 - b._1, _2 = a._2 - b._2, _3 = a._3 - b._3,
        _4 = a._4 - b._4, _5 = a._5 - b._5, _6 = a._6 - b._6, _7 = a._7 - b._7,
    };

    public static LanesScalar operator *(LanesScalar a, LanesScalar b) => new()
    {
        _0 = a._0 * b._0, _1 = a._1 * b._1, _2 = a._2 * b._2, _3 = a._3 * b._3,
        _4 = a._4 * b._4, _5 = a._5 * b._5, _6 = a._6 * b._6, _7 = a._7 * b._7,
    };

    public static LanesScalar Relu(LanesScalar z) => new()
    {
        _0 = z._0 < 0 ? 0.0 : z._0, _1 = z._1 < 0 ? 0.0 : z._1, _2 = z._2 < 0 ? 0.0 : z._2, _3 = z._3 < 0 ? 0.0 : z._3,
        _4 = z._4 < 0 ? 0.0 : z._4, _5 = z._5 < 0 ? 0.0 : z._5, _6 = z._6 < 0 ? 0.0 : z._6, _7 = z._7 < 0 ? 0.0 : z._7,
    };

    public static LanesScalar WherePositive(LanesScalar z, LanesScalar v) => new()
    {
        _0 = z._0 > 0 ? v._0 : 0.0, _1 = z._1 > 0 ? v._1 : 0.0, _2 = z._2 > 0 ? v._2 : 0.0, _3 = z._3 > 0 ? v._3 : 0.0,
        _4 = z._4 > 0 ? v._4 : 0.0, _5 = z._5 > 0 ? v._5 : 0.0, _6 = z._6 > 0 ? v._6 : 0.0, _7 = z._7 > 0 ? v._7 : 0.0,
    };

    public static LanesScalar WhereSet(uint bits, LanesScalar v) => new()
    {
        _0 = (bits & 1) != 0 ? v._0 : 0.0, _1 = (bits & 2) != 0 ? v._1 : 0.0, _2 = (bits & 4) != 0 ? v._2 : 0.0,
        _3 = (bits & 8) != 0 ? v._3 : 0.0, _4 = (bits & 16) != 0 ? v._4 : 0.0, _5 = (bits & 32) != 0 ? v._5 : 0.0,
        _6 = (bits & 64) != 0 ? v._6 : 0.0, _7 = (bits & 128) != 0 ? v._7 : 0.0,
    };

    public static uint PositiveBits(LanesScalar z) =>
        (z._0 > 0 ? 1u : 0) | (z._1 > 0 ? 2u : 0) | (z._2 > 0 ? 4u : 0) | (z._3 > 0 ? 8u : 0)
        | (z._4 > 0 ? 16u : 0) | (z._5 > 0 ? 32u : 0) | (z._6 > 0 ? 64u : 0) | (z._7 > 0 ? 128u : 0);

    public static uint WithinReach(LanesScalar z, LanesScalar dz, LanesScalar h) =>
        Reach(z._0, dz._0, h._0) | Reach(z._1, dz._1, h._1) << 1 | Reach(z._2, dz._2, h._2) << 2 | Reach(z._3, dz._3, h._3) << 3
        | Reach(z._4, dz._4, h._4) << 4 | Reach(z._5, dz._5, h._5) << 5 | Reach(z._6, dz._6, h._6) << 6 | Reach(z._7, dz._7, h._7) << 7;

    static uint Reach(double z, double dz, double h) => z * dz < 0 && Math.Abs(z) <= h * Math.Abs(dz) ? 1u : 0u;

    public static double Sum(LanesScalar v) => ((v._0 + v._1) + (v._2 + v._3)) + ((v._4 + v._5) + (v._6 + v._7));
}
