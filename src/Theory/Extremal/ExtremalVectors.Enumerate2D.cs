using SimplicityBias.Dynamics.Network;

namespace SimplicityBias.Theory.Extremal;

/// <summary>
/// Empirical extremal vectors of a dataset (docs/THEORY.md section 4): exact enumeration for d = 2
/// and for small n and d, and a multi-start search for the general case. Every reported vector
/// is verified exactly from its activation and boundary sets.
/// </summary>
public static partial class ExtremalVectors
{
    /// <summary>Angles closer than this (radians) are one boundary angle (collinear points).</summary>
    public const double AngleMergeTolerance = 1e-12;

    /// <summary>
    /// Exact enumeration for d = 2 in O(n log n) plus O(n) per verified vector: sort the 2n
    /// boundary angles (phi_k +- pi/2); on each arc between consecutive ones D_n is constant, so
    /// the arc holds an extremal direction iff +-D_n(arc) points into it; at each boundary angle
    /// the points on it get an eta in [0, 1]. Returns all extremal vectors of both signs,
    /// including saddles and kink (boundary) maxima and minima.
    /// </summary>
    public static ExtremalSet Enumerate2D(Dataset data)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.D != 2) throw new ArgumentException($"Enumerate2D needs d = 2, got d = {data.D}", nameof(data));
        int n = data.N;
        var x = data.X;
        var y = data.Y;
        var verifier = new FaceVerifier(data);
        var results = new Dictionary<FaceKey, ExtremalVector>();

        // events as the direction turns counter-clockwise: point k enters at phi_k - pi/2, leaves at phi_k + pi/2
        int m = 0;
        for (int k = 0; k < n; k++) if (verifier.RowNorms[k] > 0) m += 2;
        if (m == 0) return new ExtremalSet([], "enumerate-2d", 0, 0) { Complete = true, Coverage = 1.0 };
        var ang = new double[m];
        var ev = new int[m]; // 2k = enter of k, 2k+1 = leave of k
        int e0 = 0;
        for (int k = 0; k < n; k++)
        {
            if (verifier.RowNorms[k] == 0) continue;
            double phi = Math.Atan2(x[2 * k + 1], x[2 * k]);
            ang[e0] = Wrap(phi - Math.PI / 2); ev[e0++] = 2 * k;
            ang[e0] = Wrap(phi + Math.PI / 2); ev[e0++] = 2 * k + 1;
        }
        Array.Sort(ang, ev);

        // start the cyclic sweep after the widest gap, so no group of equal angles straddles the start
        int cut = 0;
        double widest = ang[0] + 2 * Math.PI - ang[m - 1];
        for (int i = 1; i < m; i++)
            if (ang[i] - ang[i - 1] > widest) { widest = ang[i] - ang[i - 1]; cut = i; }
        var ua = new double[m]; // unwrapped, non-decreasing angles in sweep order
        var ue = new int[m];
        for (int i = 0; i < m; i++)
        {
            int j = (cut + i) % m;
            ua[i] = ang[j] + (cut + i >= m ? 2 * Math.PI : 0);
            ue[i] = ev[j];
        }
        // groups of (numerically) equal angles: [gStart[g], gStart[g+1])
        var gStart = new List<int> { 0 };
        for (int i = 1; i < m; i++) if (ua[i] - ua[i - 1] > AngleMergeTolerance) gStart.Add(i);
        int groups = gStart.Count;
        gStart.Add(m);
        double GroupAngle(int g) => g < groups ? ua[gStart[g]] : ua[0] + 2 * Math.PI;

        // activation on arc 0 (between group 0 and group 1), from its midpoint
        double mid0 = 0.5 * (GroupAngle(0) + GroupAngle(1));
        var mask = new bool[n];
        double d0 = 0, d1 = 0;
        double cm = Math.Cos(mid0), sm = Math.Sin(mid0);
        for (int k = 0; k < n; k++)
        {
            mask[k] = verifier.RowNorms[k] > 0 && x[2 * k] * cm + x[2 * k + 1] * sm > 0;
            if (mask[k]) { d0 += y[k] * x[2 * k] / n; d1 += y[k] * x[2 * k + 1] / n; }
        }

        long candidates = 0;
        for (int g = 0; g < groups; g++)
        {
            double a0 = GroupAngle(g), a1 = GroupAngle(g + 1);
            // interior candidates: +-D_A must point into the arc (loose pre-test, exact check after)
            if (d0 != 0 || d1 != 0)
                for (int s = 1; s >= -1; s -= 2)
                {
                    double rel = Wrap(Math.Atan2(s * d1, s * d0) - a0);
                    if (rel < (a1 - a0) + 1e-9 || rel > 2 * Math.PI - 1e-9)
                    {
                        candidates++;
                        var v = verifier.TryVerify(mask, [], s);
                        if (v is not null) results.TryAdd(v.Key, v);
                    }
                }

            // boundary candidate at the end of this arc (group g+1, cyclically): D_A with A = active on
            // both sides; along u_e it must be nonzero (its sign is s), across u_e it must be
            // cancellable by some eta in [0, 1]^B. O(|B|) pre-test, O(n) exact check only if it passes.
            int gn = (g + 1) % groups;
            double ge = GroupAngle(gn);
            double ce = Math.Cos(ge), se = Math.Sin(ge);
            double ex0 = d0, ex1 = d1, lo = 0, hi = 0, slack = 0;
            for (int i = gStart[gn]; i < gStart[gn + 1]; i++)
            {
                int k = ue[i] >> 1;
                if ((ue[i] & 1) == 1 && mask[k]) { ex0 -= y[k] * x[2 * k] / n; ex1 -= y[k] * x[2 * k + 1] / n; }
                double t = y[k] * (-x[2 * k] * se + x[2 * k + 1] * ce) / n;
                lo += Math.Min(0, t); hi += Math.Max(0, t);
                slack += Math.Abs(y[k]) * verifier.RowNorms[k] / n;
            }
            double along = ex0 * ce + ex1 * se;
            double across = -ex0 * se + ex1 * ce;
            slack = 1e-8 * (slack + verifier.Scale);
            if (Math.Abs(along) > 1e-13 * verifier.Scale && -across >= lo - slack && -across <= hi + slack)
            {
                candidates++;
                var bnd = new SortedSet<int>();
                for (int i = gStart[gn]; i < gStart[gn + 1]; i++) bnd.Add(ue[i] >> 1);
                var bArr = bnd.ToArray();
                var maskB = (bool[])mask.Clone();
                foreach (int k in bArr) maskB[k] = false;
                var v = verifier.TryVerify(maskB, bArr, along > 0 ? 1 : -1);
                if (v is not null) results.TryAdd(v.Key, v);
            }

            // cross into the next arc
            for (int i = gStart[gn]; i < gStart[gn + 1]; i++)
            {
                int k = ue[i] >> 1;
                bool on = (ue[i] & 1) == 0;
                if (mask[k] == on) continue;
                mask[k] = on;
                double f = (on ? 1.0 : -1.0) * y[k] / n;
                d0 += f * x[2 * k]; d1 += f * x[2 * k + 1];
            }
        }
        return new ExtremalSet(ExtremalSet.Order(results.Values), "enumerate-2d", candidates, 0) { Complete = true, Coverage = 1.0 };
    }

    private static double Wrap(double a)
    {
        a %= 2 * Math.PI;
        if (a < 0) a += 2 * Math.PI;
        return a;
    }
}
