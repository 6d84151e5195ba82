namespace SimplicityBias.Dynamics.Numerics;

/// <summary>Order statistics in linear expected time.</summary>
public static class Select
{
    /// <summary>
    /// The t-th smallest value (t from 1) of <paramref name="values"/>, which it permutes. Hoare partitioning around
    /// the median of three: deterministic, so the same input gives the same permutation on every machine. NaN is
    /// taken as larger than every number.
    /// </summary>
    public static double NthSmallest(Span<double> values, int t)
    {
        if (t < 1 || t > values.Length) throw new ArgumentOutOfRangeException(nameof(t), t, $"must be in 1..{values.Length}");
        int lo = 0, hi = values.Length - 1, target = t - 1;
        while (lo < hi)
        {
            int mid = lo + (hi - lo) / 2;
            if (Less(values[mid], values[lo])) Swap(values, mid, lo);
            if (Less(values[hi], values[lo])) Swap(values, hi, lo);
            if (Less(values[hi], values[mid])) Swap(values, hi, mid);
            double pivot = values[mid];
            int i = lo, j = hi;
            while (i <= j)
            {
                while (Less(values[i], pivot)) i++;
                while (Less(pivot, values[j])) j--;
                if (i <= j) { Swap(values, i, j); i++; j--; }
            }
            if (target <= j) hi = j;
            else if (target >= i) lo = i;
            else return values[target];
        }
        return values[target];
    }

    static bool Less(double a, double b) => a < b || (!double.IsNaN(a) && double.IsNaN(b));

    static void Swap(Span<double> v, int a, int b) => (v[a], v[b]) = (v[b], v[a]);
}
