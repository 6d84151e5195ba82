using SimplicityBias.Dynamics.Network;
using SimplicityBias.Theory.Numerics;
using SimplicityBias.Dynamics.Numerics;

namespace SimplicityBias.Theory.Extremal;

public static partial class ExtremalVectors
{
    /// <summary>Per-thread state of the search: buffers reused across starts.</summary>
    private sealed partial class FlowWorker
    {
        /// <summary>Points with |&lt;u, x_k&gt;| at most this times |x_k| are on their hyperplane.</summary>
        private const double OnPlane = 1e-12;
        /// <summary>Cap on hyperplanes through u handled by the mode choice (3^cap modes).</summary>
        private const int MaxConstraints = 7;

        private readonly FaceVerifier _v;
        private readonly SearchOptions _opt;
        private readonly Dataset _data;
        private readonly int _n, _d;
        private readonly bool[] _mask;
        private readonly double[] _z, _w, _dA, _g, _dm, _gm;

        public FlowWorker(FaceVerifier verifier, SearchOptions opt)
        {
            _v = verifier; _opt = opt; _data = verifier.Data;
            _n = _data.N; _d = _data.D;
            _mask = new bool[_n];
            _z = new double[_n];
            _w = new double[_n];
            _dA = new double[_d];
            _g = new double[_d];
            _dm = new double[_d];
            _gm = new double[_d];
        }

        /// <summary>The fixed-point map u -> s D_n(u)/|D_n(u)|, verified at each iterate; null if capped.</summary>
        public ExtremalVector? RunFixedPoint(double[] u0, int s)
        {
            var u = (double[])u0.Clone();
            for (int it = 0; it < _opt.MaxFixedPointIterations; it++)
            {
                Evaluate(u, _z);
                for (int k = 0; k < _n; k++) _mask[k] = _z[k] > 0 && _v.RowNorms[k] > 0;
                ComputeDA();
                double nd = Vec.Norm(_dA);
                if (nd == 0) return null;
                if (InteriorFixedPoint(s))
                {
                    var ev = _v.TryVerify(_mask, [], s);
                    if (ev is not null) return ev;
                }
                for (int i = 0; i < _d; i++) u[i] = s * _dA[i] / nd;
            }
            return null;
        }

        /// <summary>
        /// Projected ascent (s = +1) or descent (s = -1) of G_n on the sphere (the Filippov flow).
        /// Where u lies on data hyperplanes, the motion is chosen among all modes (each such point
        /// slides with an eta in [0, 1], or is taken on one side, consistently with where the motion
        /// goes) as the one of largest ascent rate |g|^2. Each step then follows the geodesic in that
        /// direction up to the first point where s G_n stops increasing (a smooth maximum along the
        /// geodesic or a kink), found exactly from the piecewise-sinusoidal form of G_n along a
        /// geodesic, never further than MaxStepAngle: so a step never jumps over a basin boundary.
        /// </summary>
        public ExtremalVector? RunFlow(double[] u0, int s, out bool stalled)
        {
            stalled = false;
            var u = (double[])u0.Clone();
            Vec.Normalize(u);
            var slide = new List<int>();       // hyperplanes the flow slides on (u kept exactly on them)
            var constraints = new List<int>(); // all hyperplanes through u
            double scale = _v.Scale;
            int stuck = 0;
            for (int it = 0; it < _opt.MaxSteps; it++)
            {
                Evaluate(u, _z);
                constraints.Clear();
                for (int k = 0; k < _n; k++)
                {
                    double nk = _v.RowNorms[k];
                    _mask[k] = false;
                    if (nk == 0) continue;
                    if (slide.Contains(k) || Math.Abs(_z[k]) <= OnPlane * nk) constraints.Add(k);
                    else _mask[k] = _z[k] > 0;
                }
                ComputeDA();

                // does the current face hold an extremal vector where this flow settles?
                var ev = CheckFace(u, s, slide, constraints);
                if (ev is not null) return ev;

                double rate = ChooseMode(u, s, constraints, slide);
                if (!(rate > 1e-30 * scale * scale))
                {
                    // no motion: D_n(u) = 0 on the way in (a region with no active point) is a stall
                    if (constraints.Count == 0 && Vec.Norm(_dA) <= 1e-13 * scale) { stalled = true; return null; }
                    break;
                }
                var sArr = slide.ToArray();
                double t = LineSearch(s, sArr);
                double ct = Math.Cos(t), st = Math.Sin(t);
                for (int i = 0; i < _d; i++) u[i] = ct * u[i] + st * _g[i];
                ProjectOnto(u, sArr);
                Vec.Normalize(u);
                if (t < 1e-15) { if (++stuck > 3) break; }
                else stuck = 0;
            }
            var last = TryNearbyFaces(u, s, slide);
            if (last is null)
            {
                // a flow that stops where D_n vanishes on one side (the edge of a region with no
                // active point, or exact cancellation) has stalled: not an extremal vector
                Evaluate(u, _z);
                for (int k = 0; k < _n; k++) _mask[k] = _z[k] > OnPlane * _v.RowNorms[k];
                ComputeDA();
                stalled = Vec.Norm(_dA) <= 1e-12 * scale;
            }
            return last;
        }

        /// <summary>
        /// Exact checks on the current face: the interior cell (cheap fixed-point test first), or
        /// with the slide set and with all hyperplanes through u as boundary set, both signs (on
        /// hyperplanes the s-flow can also settle at an extremal vector of the other sign, e.g. a
        /// positive one that is a local minimum of G_n at a vertex). Only what the flow can settle
        /// at counts: a local maximum of s G_n (a saddle on a face repels within the face).
        /// </summary>
        private ExtremalVector? CheckFace(double[] u, int s, List<int> slide, List<int> constraints)
        {
            if (constraints.Count == 0)
                return InteriorFixedPoint(s) ? _v.TryVerify(_mask, [], s) : null;
            var candidates = new List<int[]>();
            if (slide.Count > 0) candidates.Add(slide.OrderBy(k => k).ToArray());
            if (constraints.Count < _d && constraints.Count != slide.Count) candidates.Add(constraints.OrderBy(k => k).ToArray());
            foreach (var b in candidates)
                foreach (int sign in new[] { s, -s })
                {
                    var ev = _v.TryVerify(_mask, b, sign);
                    if (ev is not null && Attracts(ev, s)) return ev;
                }
            return null;
        }

        /// <summary>
        /// Chooses the Filippov mode at u: for each hyperplane through u, slide on it, or be on its
        /// active or inactive side. A mode is valid if the sliding etas lie in [0, 1] with s y_k &lt; 0
        /// (the flow comes back from both sides) and the motion enters the sides assigned. Among
        /// valid modes the largest |g|^2 wins (ties: first in a fixed order). Sets _g (unit), the
        /// slide set and the mask of the side points; returns |g|^2 (0 if no mode moves).
        /// </summary>
        private double ChooseMode(double[] u, int s, List<int> constraints, List<int> slide)
        {
            int c = Math.Min(constraints.Count, MaxConstraints);
            var cons = constraints.Take(c).OrderBy(k => k).ToArray();
            // points beyond the cap keep a side from the sign of z (degenerate data only)
            for (int p = c; p < constraints.Count; p++) _mask[constraints[p]] = _z[constraints[p]] > 0;
            if (c < constraints.Count) ComputeDA();

            int modes = 1;
            for (int i = 0; i < c; i++) modes *= 3;
            double bestRate = 0;
            int bestCode = -1;
            var sl = new List<int>(c);
            for (int code = 0; code < modes; code++)
            {
                sl.Clear();
                Array.Copy(_dA, _dm, _d);
                int cc = code;
                for (int i = 0; i < c; i++)
                {
                    int trit = cc % 3; cc /= 3;
                    if (trit == 2) sl.Add(cons[i]);
                    else if (trit == 1) AddTo(_dm, cons[i]);
                }
                if (sl.Count >= _d) continue;
                var sArr = sl.ToArray();
                if (sArr.Length > 0 && !Independent(sArr)) continue;
                if (sArr.Length > 0 && WorstSlideViolation(_dm, u, sArr, s) > 1e-12) continue;
                for (int i = 0; i < _d; i++) _gm[i] = s * _dm[i];
                ProjectOut(_gm, sArr, u);
                double rate = Vec.Dot(_gm, _gm);
                if (!(rate > bestRate)) continue;
                // the motion must go to the side assigned to each non-sliding hyperplane
                bool consistent = true;
                double gn = Math.Sqrt(rate);
                cc = code;
                for (int i = 0; i < c && consistent; i++)
                {
                    int trit = cc % 3; cc /= 3;
                    if (trit == 2) continue;
                    double wk = Vec.Dot(_gm, _data.Row(cons[i])) / (gn * _v.RowNorms[cons[i]]);
                    if (trit == 1 ? wk < -1e-12 : wk > 1e-12) consistent = false;
                }
                if (!consistent) continue;
                bestRate = rate;
                bestCode = code;
                Array.Copy(_gm, _g, _d);
            }
            if (bestCode < 0) return 0;
            // apply the mode
            slide.Clear();
            int b2 = bestCode;
            for (int i = 0; i < c; i++)
            {
                int trit = b2 % 3; b2 /= 3;
                int k = cons[i];
                if (trit == 2) { slide.Add(k); _mask[k] = false; }
                else _mask[k] = trit == 1;
            }
            double norm = Math.Sqrt(bestRate);
            for (int i = 0; i < _d; i++) _g[i] /= norm;
            return bestRate;
        }

        /// <summary>True if the s-flow can settle at ev: a local maximum of s G_n (or unclassified).</summary>
        private static bool Attracts(ExtremalVector ev, int s) =>
            ev.Kind == CriticalPointKind.Unknown || ev.Kind == (s > 0 ? CriticalPointKind.LocalMaximum : CriticalPointKind.LocalMinimum);

        /// <summary>Last resort: faces through the nearest hyperplanes (prefixes of the distance order).</summary>
        private ExtremalVector? TryNearbyFaces(double[] u, int s, List<int> slide)
        {
            Evaluate(u, _z);
            var order = Enumerable.Range(0, _n).Where(k => _v.RowNorms[k] > 0 && !slide.Contains(k))
                .OrderBy(k => Math.Abs(_z[k]) / _v.RowNorms[k]).Take(Math.Max(0, Math.Min(3, _d - 1 - slide.Count))).ToList();
            for (int extra = 0; extra <= order.Count; extra++)
            {
                var b = slide.Concat(order.Take(extra)).ToArray();
                Array.Sort(b);
                for (int k = 0; k < _n; k++) _mask[k] = _z[k] > 0 && _v.RowNorms[k] > 0;
                foreach (int k in b) _mask[k] = false;
                var ev = _v.TryVerify(_mask, b, s) ?? (b.Length > 0 ? _v.TryVerify(_mask, b, -s) : null);
                if (ev is not null && Attracts(ev, s)) return ev;
            }
            return null;
        }

        /// <summary>
        /// Cheap test (no allocation) that u' = s D_A/|D_A| lies in the current cell, i.e. that the
        /// fixed-point map is at a fixed point; the exact verifier then confirms it.
        /// </summary>
        private bool InteriorFixedPoint(int s)
        {
            double nd = Vec.Norm(_dA);
            if (nd == 0) return false;
            var x = _data.X;
            for (int k = 0; k < _n; k++)
            {
                double nk = _v.RowNorms[k];
                if (nk == 0) continue;
                double z = 0;
                int o = k * _d;
                for (int i = 0; i < _d; i++) z += _dA[i] * x[o + i];
                z *= s / nd;
                if (_mask[k] ? z <= FaceVerifier.SideTolerance * nk : z >= -FaceVerifier.SideTolerance * nk) return false;
            }
            return true;
        }
    }
}
