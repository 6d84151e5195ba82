using SimplicityBias.Dynamics.Network;

namespace SimplicityBias.Theory.Extremal;

/// <summary>
/// Empirical extremal vectors of a dataset (THEORY.md section 4): exact enumeration for d = 2
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

        // events: (angle, point, +1 enter / -1 leave) as the direction turns counter-clockwise
        var evAngle = new List<double>(2 * n);
        var evPoint = new List<int>(2 * n);
        var evType = new List<int>(2 * n);
        for (int k = 0; k < n; k++)
        {
            if (verifier.RowNorms[k] == 0) continue;
            double phi = Math.Atan2(x[2 * k + 1], x[2 * k]);
            evAngle.Add(Wrap(phi - Math.PI / 2)); evPoint.Add(k); evType.Add(+1);
            evAngle.Add(Wrap(phi + Math.PI / 2)); evPoint.Add(k); evType.Add(-1);
        }
        var results = new Dictionary<FaceKey, ExtremalVector>();
        if (evAngle.Count == 0) return new ExtremalSet([], "enumerate-2d", 0, 0);
        var order = Enumerable.Range(0, evAngle.Count).ToArray();
        Array.Sort(order, (i, j) => evAngle[i].CompareTo(evAngle[j]) is var c && c != 0 ? c : evPoint[i].CompareTo(evPoint[j]));

        // group events at (numerically) the same angle, including across the 2*pi wrap
        var groups = new List<(double Angle, List<int> Events)>();
        foreach (int e in order)
        {
            if (groups.Count > 0 && evAngle[e] - groups[^1].Angle <= AngleMergeTolerance) groups[^1].Events.Add(e);
            else groups.Add((evAngle[e], new List<int> { e }));
        }
        if (groups.Count > 1 && groups[0].Angle + 2 * Math.PI - groups[^1].Angle <= AngleMergeTolerance)
        {
            groups[0].Events.AddRange(groups[^1].Events);
            groups.RemoveAt(groups.Count - 1);
        }
        int m = groups.Count;
        long candidates = 0;

        // activation on arc 0 (between group 0 and group 1), from its midpoint
        double end0 = m > 1 ? groups[1].Angle : groups[0].Angle + 2 * Math.PI;
        double mid0 = 0.5 * (groups[0].Angle + end0);
        var mask = new bool[n];
        var dA = new double[2];
        double cm = Math.Cos(mid0), sm = Math.Sin(mid0);
        for (int k = 0; k < n; k++)
        {
            mask[k] = x[2 * k] * cm + x[2 * k + 1] * sm > 0 && verifier.RowNorms[k] > 0;
            if (mask[k]) { dA[0] += y[k] * x[2 * k] / n; dA[1] += y[k] * x[2 * k + 1] / n; }
        }

        for (int step = 0; step < m; step++)
        {
            int gi = step; // arc gi runs from groups[gi] to groups[gi+1]
            double a0 = groups[gi].Angle;
            double a1 = gi + 1 < m ? groups[gi + 1].Angle : groups[0].Angle + 2 * Math.PI;
            if (m == 1) a1 = a0 + 2 * Math.PI;
            // interior candidates: +-D_A must point strictly into the arc
            for (int s = 1; s >= -1; s -= 2)
            {
                double th = Math.Atan2(s * dA[1], s * dA[0]);
                if (dA[0] == 0 && dA[1] == 0) break;
                double rel = Wrap(th - a0);
                if (rel > -1e-9 && rel < (a1 - a0) + 1e-9)
                {
                    candidates++;
                    var v = verifier.TryVerify(mask, [], s);
                    if (v is not null) results.TryAdd(v.Key, v);
                }
            }
            // boundary candidate at the end of the arc (group gi+1): points entering or leaving there
            var g = groups[(gi + 1) % m];
            var boundary = new List<int>();
            foreach (int e in g.Events) boundary.Add(evPoint[e]);
            boundary.Sort();
            var bArr = boundary.Distinct().ToArray();
            // D_A with A = active on both sides = active on this arc minus the boundary points;
            // along u_e it must be nonzero (its sign is the sign s), across u_e it must be
            // cancellable by some eta in [0, 1]^B. O(|B|) pre-test, O(n) exact check only if it passes.
            double ce = Math.Cos(g.Angle), se = Math.Sin(g.Angle);
            double ex0 = dA[0], ex1 = dA[1], lo = 0, hi = 0, slack = 0;
            foreach (int k in bArr)
            {
                if (mask[k]) { ex0 -= y[k] * x[2 * k] / n; ex1 -= y[k] * x[2 * k + 1] / n; }
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
                var maskB = (bool[])mask.Clone();
                foreach (int k in bArr) maskB[k] = false;
                var v = verifier.TryVerify(maskB, bArr, along > 0 ? 1 : -1);
                if (v is not null) results.TryAdd(v.Key, v);
            }
            // cross into the next arc
            foreach (int e in g.Events)
            {
                int k = evPoint[e];
                bool on = evType[e] > 0;
                if (mask[k] == on) continue;
                mask[k] = on;
                double f = (on ? 1.0 : -1.0) * y[k] / n;
                dA[0] += f * x[2 * k]; dA[1] += f * x[2 * k + 1];
            }
        }
        return new ExtremalSet(ExtremalSet.Order(results.Values), "enumerate-2d", candidates, 0);
    }

    private static double Wrap(double a)
    {
        a %= 2 * Math.PI;
        if (a < 0) a += 2 * Math.PI;
        return a;
    }
}
