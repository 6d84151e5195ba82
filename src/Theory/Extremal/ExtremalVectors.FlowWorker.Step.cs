using SimplicityBias.Dynamics.Network;
using SimplicityBias.Theory.Numerics;
using SimplicityBias.Dynamics.Numerics;

namespace SimplicityBias.Theory.Extremal;

public static partial class ExtremalVectors
{
    /// <summary>The flow search's step: the line search along the projected direction, the slide-set algebra, the objective.</summary>
    private sealed partial class FlowWorker
    {
        /// <summary>
        /// Along u(t) = cos t u + sin t g (g = _g, unit, tangent), s G_n(u(t)) is piecewise
        /// A cos t + B sin t between activation changes. Returns the first t in [0, MaxStepAngle]
        /// where its slope stops being positive (or MaxStepAngle). Points on their hyperplane take
        /// the side of the mask (consistent with g by construction); slide points stay at 0.
        /// </summary>
        private double LineSearch(int s, int[] slideSet)
        {
            double tmax = _opt.MaxStepAngle;
            double a = 0, b = 0;
            var events = new List<(double T, int K)>();
            var x = _data.X;
            for (int k = 0; k < _n; k++)
            {
                double nk = _v.RowNorms[k];
                if (nk == 0 || Array.IndexOf(slideSet, k) >= 0) continue;
                double zk = _z[k];
                double wk = 0;
                int o = k * _d;
                for (int i = 0; i < _d; i++) wk += _g[i] * x[o + i];
                _w[k] = wk;
                bool onPlane = Math.Abs(zk) <= OnPlane * nk;
                bool active = onPlane ? _mask[k] : zk > 0;
                if (active)
                {
                    a += s * _data.Y[k] * zk;
                    b += s * _data.Y[k] * wk;
                }
                if (onPlane) continue;
                if (zk > 0 && wk < 0)
                {
                    double tk = Math.Atan(zk / -wk);
                    if (tk <= tmax) events.Add((tk, k));
                }
                else if (zk < 0 && wk > 0)
                {
                    double tk = Math.Atan(-zk / wk);
                    if (tk <= tmax) events.Add((tk, k));
                }
            }
            a /= _n; b /= _n;
            events.Sort();
            double t0 = 0;
            int e = 0;
            while (true)
            {
                double t1 = e < events.Count ? events[e].T : tmax;
                // slope -a sin t + b cos t = R sin(phi - t): positive until phi
                if (-a * Math.Sin(t0) + b * Math.Cos(t0) <= 0) return t0;
                double phi = Math.Atan2(b, a);
                if (phi > t0 && phi <= t1) return phi;
                if (e >= events.Count) return tmax;
                while (e < events.Count && events[e].T == t1)
                {
                    int k = events[e].K;
                    double sgn = _z[k] > 0 ? -1.0 : 1.0; // leaving or entering
                    a += sgn * s * _data.Y[k] * _z[k] / _n;
                    b += sgn * s * _data.Y[k] * _w[k] / _n;
                    e++;
                }
                t0 = t1;
            }
        }

        /// <summary>
        /// With D (the field without the slide set b): the Filippov etas keeping u on every
        /// hyperplane of b, and by how much the worst fails (eta outside [0, 1]; +infinity if
        /// s y_k &gt;= 0, where the flow leaves the hyperplane on both sides, or if b is dependent).
        /// </summary>
        private double WorstSlideViolation(double[] dvec, double[] u, int[] b, int s)
        {
            int m = b.Length;
            var gram = new double[m * m];
            var rhs = new double[m];
            double du = Vec.Dot(dvec, u);
            for (int p = 0; p < m; p++)
            {
                var xp = _data.Row(b[p]);
                rhs[p] = Vec.Dot(xp, dvec) - du * Vec.Dot(xp, u);
                for (int q = 0; q < m; q++) gram[p * m + q] = Vec.Dot(xp, _data.Row(b[q]));
            }
            var chol = DenseCholesky.Factor(gram, m);
            if (chol is null) return double.PositiveInfinity;
            DenseCholesky.Solve(chol, m, rhs); // alpha_p = -eta_p y_p / n
            double worst = 0;
            for (int p = 0; p < m; p++)
            {
                double yk = _data.Y[b[p]];
                if (s * yk >= 0) return double.PositiveInfinity;
                double eta = -rhs[p] * _n / yk;
                worst = Math.Max(worst, eta < 0 ? -eta : eta > 1 ? eta - 1 : 0);
            }
            return worst;
        }

        private bool Independent(int[] b)
        {
            int m = b.Length;
            var gram = new double[m * m];
            for (int p = 0; p < m; p++)
                for (int q = 0; q < m; q++) gram[p * m + q] = Vec.Dot(_data.Row(b[p]), _data.Row(b[q]));
            var chol = DenseCholesky.Factor(gram, m);
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

        private void AddTo(double[] dvec, int k)
        {
            double f = _data.Y[k] / _n;
            int o = k * _d;
            for (int i = 0; i < _d; i++) dvec[i] += f * _data.X[o + i];
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

        /// <summary>D_A over the current mask.</summary>
        private void ComputeDA()
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
