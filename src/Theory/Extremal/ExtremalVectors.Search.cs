using SimplicityBias.Dynamics.Network;
using SimplicityBias.Theory.Numerics;

namespace SimplicityBias.Theory.Extremal;

public static partial class ExtremalVectors
{
    /// <summary>
    /// General multi-start search: random starts (both signs by default) plus, if given, each
    /// neuron's direction w_j/|w_j| with the sign of a_j. Each start runs the chosen
    /// <see cref="SearchMethod"/>; what it reaches is verified exactly and deduplicated by
    /// (sign, activation set, boundary set). Hits/Share count random starts; neurons are mapped
    /// in <see cref="ExtremalSet.NeuronAssignment"/>. Starts that reach nothing verified are
    /// counted in Unresolved (never an exception). Deterministic for a seed, whatever the thread count.
    /// </summary>
    public static ExtremalSet Search(Dataset data, SearchOptions? options = null, NetworkParameters? neurons = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        var opt = options ?? new SearchOptions();
        opt.Validate();
        int d = data.D;
        if (neurons is not null && neurons.D != d)
            throw new ArgumentException($"neurons have d = {neurons.D}, data has d = {d}", nameof(neurons));

        var starts = new List<(double[] U, int Sign, int Neuron)>();
        var rng = new Rng(opt.Seed, 3);
        for (int i = 0; i < opt.RandomStarts; i++)
        {
            var u = new double[d];
            rng.NextUnitVector(u);
            if (opt.BothSigns) { starts.Add((u, 1, -1)); starts.Add((u, -1, -1)); }
            else starts.Add((u, opt.Sign, -1));
        }
        if (neurons is not null)
            for (int j = 0; j < neurons.M; j++)
            {
                double a = neurons.A(j);
                var w = neurons.W(j).ToArray();
                double nw = Vec.Norm(w);
                if (a == 0 || nw == 0 || nw <= opt.MinNeuronNorm) continue;
                for (int i = 0; i < d; i++) w[i] /= nw;
                starts.Add((w, a > 0 ? 1 : -1, j));
            }

        var verifier = new FaceVerifier(data);
        var outcome = new ExtremalVector?[starts.Count];
        var stalled = new bool[starts.Count];
        var po = new ParallelOptions { MaxDegreeOfParallelism = opt.MaxDegreeOfParallelism };
        Parallel.For(0, starts.Count, po, () => new FlowWorker(verifier, opt), (i, _, worker) =>
        {
            var (u0, s, _) = starts[i];
            var ev = opt.Method == SearchMethod.FixedPoint ? worker.RunFixedPoint(u0, s) : null;
            if (ev is null)
            {
                ev = worker.RunFlow(u0, s, out bool st);
                stalled[i] = st;
            }
            outcome[i] = ev;
            return worker;
        }, _ => { });

        // merge in start order: deterministic
        var index = new Dictionary<FaceKey, int>();
        var found = new List<ExtremalVector>();
        var hitsUp = new List<int>();
        var hitsDown = new List<int>();
        var neuronHits = new List<int>();
        var startTarget = new int[starts.Count];
        int randomUp = 0, randomDown = 0;
        long unresolved = 0, stalledCount = 0;
        for (int i = 0; i < starts.Count; i++)
        {
            bool isRandom = starts[i].Neuron < 0;
            if (isRandom) { if (starts[i].Sign > 0) randomUp++; else randomDown++; }
            var v = outcome[i];
            if (v is null)
            {
                unresolved++;
                if (stalled[i]) stalledCount++;
                startTarget[i] = -1;
                continue;
            }
            if (!index.TryGetValue(v.Key, out int id))
            {
                id = found.Count;
                index[v.Key] = id;
                found.Add(v);
                hitsUp.Add(0);
                hitsDown.Add(0);
                neuronHits.Add(0);
            }
            if (!isRandom) neuronHits[id]++;
            else if (starts[i].Sign > 0) hitsUp[id]++;
            else hitsDown[id]++;
            startTarget[i] = id;
        }
        var withStats = new ExtremalVector[found.Count];
        for (int id = 0; id < found.Count; id++)
        {
            // share among the random starts of the flow that reaches it (ascent for maxima, descent for minima)
            int up = hitsUp[id], down = hitsDown[id];
            double share = up > 0 && down > 0 ? (double)(up + down) / (randomUp + randomDown)
                : up > 0 ? (double)up / randomUp
                : down > 0 ? (double)down / randomDown : 0.0;
            withStats[id] = found[id] with { Hits = up + down, NeuronHits = neuronHits[id], Share = share };
        }
        var ordered = ExtremalSet.Order(withStats);
        var pos = new Dictionary<ExtremalVector, int>(ReferenceEqualityComparer.Instance);
        for (int i = 0; i < ordered.Count; i++) pos[ordered[i]] = i;
        int[]? neuronAssignment = null;
        if (neurons is not null)
        {
            neuronAssignment = new int[neurons.M];
            Array.Fill(neuronAssignment, -1);
            for (int i = 0; i < starts.Count; i++)
                if (starts[i].Neuron >= 0 && startTarget[i] >= 0)
                    neuronAssignment[starts[i].Neuron] = pos[withStats[startTarget[i]]];
        }
        return new ExtremalSet(ordered, "search", starts.Count, unresolved) { NeuronAssignment = neuronAssignment, Stalled = stalledCount };
    }

    /// <summary>Per-thread state of the search: buffers reused across starts.</summary>
    private sealed class FlowWorker
    {
        private readonly FaceVerifier _v;
        private readonly SearchOptions _opt;
        private readonly Dataset _data;
        private readonly int _n, _d;
        private readonly bool[] _mask;
        private readonly double[] _z, _zTrial, _dA, _g, _trial;

        public FlowWorker(FaceVerifier verifier, SearchOptions opt)
        {
            _v = verifier; _opt = opt; _data = verifier.Data;
            _n = _data.N; _d = _data.D;
            _mask = new bool[_n];
            _z = new double[_n];
            _zTrial = new double[_n];
            _dA = new double[_d];
            _g = new double[_d];
            _trial = new double[_d];
        }

        /// <summary>The fixed-point map u -> s D_n(u)/|D_n(u)|, verified at each iterate; null if capped.</summary>
        public ExtremalVector? RunFixedPoint(double[] u0, int s)
        {
            var u = (double[])u0.Clone();
            for (int it = 0; it < _opt.MaxFixedPointIterations; it++)
            {
                Evaluate(u, _z);
                for (int k = 0; k < _n; k++) _mask[k] = _z[k] > 0 && _v.RowNorms[k] > 0;
                var ev = _v.TryVerify(_mask, [], s);
                if (ev is not null) return ev;
                ComputeDA([]);
                double nd = Vec.Norm(_dA);
                if (nd == 0) return null;
                for (int i = 0; i < _d; i++) u[i] = s * _dA[i] / nd;
            }
            return null;
        }

        /// <summary>Projected ascent (s = +1) or descent (s = -1) of G_n on the sphere, sliding on hyperplanes.</summary>
        public ExtremalVector? RunFlow(double[] u0, int s, out bool stalled)
        {
            stalled = false;
            var u = (double[])u0.Clone();
            Vec.Normalize(u);
            var slide = new List<int>(); // hyperplanes the flow slides on (u kept exactly on them)
            double alpha = _opt.MaxStepAngle;
            double scale = _v.Scale;
            double G = s * Evaluate(u, _z);
            for (int it = 0; it < _opt.MaxSteps; it++)
            {
                var bArr = slide.ToArray();
                Array.Sort(bArr);
                for (int k = 0; k < _n; k++) _mask[k] = _z[k] > 0 && _v.RowNorms[k] > 0;
                foreach (int k in bArr) _mask[k] = false;
                var ev = _v.TryVerify(_mask, bArr, s);
                // on hyperplanes the s-flow can also stop at an extremal vector of the other sign
                // (e.g. a positive one that is a local minimum of G_n at a vertex)
                if (ev is null && bArr.Length > 0) ev = _v.TryVerify(_mask, bArr, -s);
                if (ev is not null) return ev;

                ComputeDA(bArr);
                // Filippov selection on the slide set; release a hyperplane whose eta leaves [0, 1]
                // or which repels (s y_k > 0)
                if (bArr.Length > 0 && Release(u, bArr, s, slide)) continue;
                // ascent direction: s dA projected on u-perp and on the slide hyperplanes
                for (int i = 0; i < _d; i++) _g[i] = s * _dA[i];
                ProjectOut(_g, bArr, u);
                double gn = Vec.Norm(_g);
                if (!(gn > 1e-15 * scale))
                {
                    // stationary but not verified: D_n(u) = 0 here (e.g. no point active) is a
                    // stall of the flow, not an extremal vector (c must be > 0)
                    if (bArr.Length == 0 && Vec.Norm(_dA) <= 1e-13 * scale) { stalled = true; return null; }
                    break;
                }

                // trial step of angle alpha along g, kept on the slide hyperplanes
                double t = Math.Tan(alpha);
                for (int i = 0; i < _d; i++) _trial[i] = u[i] + t * _g[i] / gn;
                ProjectOnto(_trial, bArr);
                Vec.Normalize(_trial);
                double gTrial = s * Evaluate(_trial, _zTrial);
                if (gTrial >= G - 1e-15 * scale)
                {
                    Array.Copy(_trial, u, _d);
                    Array.Copy(_zTrial, _z, _n);
                    G = gTrial;
                    alpha = Math.Min(alpha * 2, _opt.MaxStepAngle);
                    continue;
                }
                // rejected: if the step crossed a kink where the flow slides (s y_k < 0 and the
                // Filippov eta in [0, 1]), move onto it and slide; otherwise shorten the step
                if (slide.Count < _d - 1 && TrySlideOnCrossed(u, s, slide, ref G)) continue;
                alpha *= 0.5;
                if (alpha < 1e-15) break;
            }
            return TryNearbyFaces(u, s, slide);
        }

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
                if (ev is not null) return ev;
            }
            return null;
        }

        /// <summary>
        /// After a rejected step: among the crossed hyperplanes with s y_k &lt; 0 (nearest first), the
        /// first one on which the flow really slides (checked at the projected point) joins the slide set.
        /// </summary>
        private bool TrySlideOnCrossed(double[] u, int s, List<int> slide, ref double G)
        {
            var crossed = new List<(double Dist, int K)>();
            for (int k = 0; k < _n; k++)
            {
                if (_v.RowNorms[k] == 0 || s * _data.Y[k] >= 0 || slide.Contains(k)) continue;
                if ((_z[k] > 0) == (_zTrial[k] > 0)) continue;
                crossed.Add((Math.Abs(_z[k]) / _v.RowNorms[k], k));
            }
            crossed.Sort();
            var cand = new double[_d];
            foreach (var (_, k) in crossed.Take(3))
            {
                if (!Independent(slide.ToArray(), k)) continue;
                var b = slide.Append(k).ToArray();
                Array.Sort(b);
                Array.Copy(u, cand, _d);
                ProjectOnto(cand, b);
                if (Vec.Normalize(cand) == 0) continue;
                double gCand = s * Evaluate(cand, _zTrial);
                for (int j = 0; j < _n; j++) _mask[j] = _zTrial[j] > 0 && _v.RowNorms[j] > 0;
                foreach (int j in b) _mask[j] = false;
                ComputeDA(b);
                if (WorstSlideViolation(cand, b, s, out _) > 1e-12) continue;
                slide.Add(k);
                Array.Copy(cand, u, _d);
                Array.Copy(_zTrial, _z, _n);
                foreach (int j in b) _z[j] = 0;
                G = gCand;
                return true;
            }
            return false;
        }

        private bool Release(double[] u, int[] b, int s, List<int> slide)
        {
            double worstViolation = WorstSlideViolation(u, b, s, out int worst);
            if (worst < 0 || worstViolation <= 1e-12) return false;
            slide.Remove(b[worst]);
            return true;
        }

        /// <summary>
        /// With _dA computed without the slide set b: the Filippov eta keeping u on every hyperplane
        /// of b, and by how much the worst one fails (eta outside [0, 1], or +infinity if s y_k &gt;= 0:
        /// the flow leaves such a hyperplane on both sides).
        /// </summary>
        private double WorstSlideViolation(double[] u, int[] b, int s, out int worst)
        {
            int m = b.Length;
            var gram = new double[m * m];
            var rhs = new double[m];
            double du = Vec.Dot(_dA, u);
            for (int p = 0; p < m; p++)
            {
                var xp = _data.Row(b[p]);
                rhs[p] = Vec.Dot(xp, _dA) - du * Vec.Dot(xp, u);
                for (int q = 0; q < m; q++) gram[p * m + q] = Vec.Dot(xp, _data.Row(b[q]));
            }
            var chol = DenseLinAlg.Cholesky(gram, m);
            worst = -1;
            double worstViolation = 0;
            if (chol is null) { worst = m - 1; worstViolation = double.PositiveInfinity; }
            else
            {
                DenseLinAlg.CholeskySolve(chol, m, rhs); // alpha_p = -eta_p y_p / n
                for (int p = 0; p < m; p++)
                {
                    double yk = _data.Y[b[p]];
                    double viol;
                    if (s * yk >= 0) viol = double.PositiveInfinity;
                    else
                    {
                        double eta = -rhs[p] * _n / yk;
                        viol = eta < 0 ? -eta : eta > 1 ? eta - 1 : 0;
                    }
                    if (viol > worstViolation) { worstViolation = viol; worst = p; }
                }
            }
            return worstViolation;
        }

        private bool Independent(int[] b, int k)
        {
            var all = b.Append(k).ToArray();
            int m = all.Length;
            var gram = new double[m * m];
            for (int p = 0; p < m; p++)
                for (int q = 0; q < m; q++) gram[p * m + q] = Vec.Dot(_data.Row(all[p]), _data.Row(all[q]));
            var chol = DenseLinAlg.Cholesky(gram, m);
            if (chol is null) return false;
            double maxDiag = 0, minPivot = double.MaxValue;
            for (int p = 0; p < m; p++) { maxDiag = Math.Max(maxDiag, gram[p * m + p]); minPivot = Math.Min(minPivot, chol[p * m + p]); }
            return minPivot * minPivot > 1e-16 * maxDiag;
        }

        /// <summary>Removes from v its components along span(x_B) and along u (u is orthogonal to x_B).</summary>
        private void ProjectOut(double[] v, int[] b, double[] u)
        {
            ProjectOnto(v, b);
            double p = Vec.Dot(v, u);
            for (int i = 0; i < _d; i++) v[i] -= p * u[i];
        }

        /// <summary>Projects v onto span(x_B)^perp (Gram-Schmidt on x_B, twice for accuracy).</summary>
        private void ProjectOnto(double[] v, int[] b)
        {
            if (b.Length == 0) return;
            var basis = new List<double[]>(b.Length);
            foreach (int k in b)
            {
                var q = _data.Row(k).ToArray();
                for (int pass = 0; pass < 2; pass++)
                    foreach (var e in basis)
                    {
                        double p = Vec.Dot(q, e);
                        for (int i = 0; i < _d; i++) q[i] -= p * e[i];
                    }
                if (Vec.Normalize(q) > 0) basis.Add(q);
            }
            for (int pass = 0; pass < 2; pass++)
                foreach (var e in basis)
                {
                    double p = Vec.Dot(v, e);
                    for (int i = 0; i < _d; i++) v[i] -= p * e[i];
                }
        }

        /// <summary>z_k = &lt;u, x_k&gt; for all k; returns G_n(u).</summary>
        private double Evaluate(double[] u, double[] z)
        {
            var x = _data.X;
            var y = _data.Y;
            double g = 0;
            for (int k = 0; k < _n; k++)
            {
                double s = 0;
                int o = k * _d;
                for (int i = 0; i < _d; i++) s += u[i] * x[o + i];
                z[k] = s;
                if (s > 0) g += y[k] * s;
            }
            return g / _n;
        }

        /// <summary>D_A over the current mask (the slide set excluded).</summary>
        private void ComputeDA(int[] b)
        {
            Array.Clear(_dA);
            var x = _data.X;
            var y = _data.Y;
            for (int k = 0; k < _n; k++)
            {
                if (!_mask[k]) continue;
                int o = k * _d;
                for (int i = 0; i < _d; i++) _dA[i] += y[k] * x[o + i];
            }
            for (int i = 0; i < _d; i++) _dA[i] /= _n;
        }
    }
}
