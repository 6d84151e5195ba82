namespace SimplicityBias.Dynamics.Network.Lanes;

/// <summary>
/// Eight doubles processed lane by lane: the logical vector of the tiled gradient kernel, whatever the hardware's
/// vector width. Every operation is lane-wise and exactly rounded (a fused multiply-add rounds once), except
/// <see cref="Sum"/>, whose order is fixed here; so a kernel written against this interface gives the same bits
/// with any implementation. The implementations differ only in how they map the 8 lanes onto registers.
/// </summary>
internal unsafe interface ILanes<TSelf> where TSelf : struct, ILanes<TSelf>
{
    /// <summary>Loads 8 doubles.</summary>
    static abstract TSelf Load(double* p);
    /// <summary>Stores the 8 lanes.</summary>
    static abstract void Store(TSelf v, double* p);
    /// <summary>All lanes equal to <paramref name="x"/>.</summary>
    static abstract TSelf Create(double x);
    /// <summary>a * b + c per lane, rounded once.</summary>
    static abstract TSelf Fma(TSelf a, TSelf b, TSelf c);
    /// <summary>a + b per lane.</summary>
    static abstract TSelf operator +(TSelf a, TSelf b);
    /// <summary>a - b per lane.</summary>
    static abstract TSelf operator -(TSelf a, TSelf b);
    /// <summary>a * b per lane.</summary>
    static abstract TSelf operator *(TSelf a, TSelf b);
    /// <summary>0 where z &lt; 0, else z (so NaN and -0 pass through, as x86's maxpd(0, z) does).</summary>
    static abstract TSelf Relu(TSelf z);
    /// <summary>v where z &gt; 0, else 0 (NaN in z gives 0).</summary>
    static abstract TSelf WherePositive(TSelf z, TSelf v);
    /// <summary>v in the lanes whose bit of <paramref name="bits"/> (lane l: bit l) is set, else 0.</summary>
    static abstract TSelf WhereSet(uint bits, TSelf v);
    /// <summary>Bit l set where lane l is &gt; 0 (NaN: not set).</summary>
    static abstract uint PositiveBits(TSelf z);
    /// <summary>Bit l set where z dz &lt; 0 and |z| &lt;= h |dz| in lane l (not set on NaN): a pair within reach of its hyperplane.</summary>
    static abstract uint WithinReach(TSelf z, TSelf dz, TSelf h);
    /// <summary>
    /// The sum of the 8 lanes as ((l0 + l1) + (l2 + l3)) + ((l4 + l5) + (l6 + l7)): the order of .NET's
    /// Vector512.Sum on AVX-512 hardware (the project's reference bits), kept for every width.
    /// </summary>
    static abstract double Sum(TSelf v);
}
