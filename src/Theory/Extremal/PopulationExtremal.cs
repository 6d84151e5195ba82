using SimplicityBias.Dynamics.Network;
using SimplicityBias.Theory.Data;
using SimplicityBias.Theory.Numerics;
using SimplicityBias.Dynamics.Numerics;

namespace SimplicityBias.Theory.Extremal;

/// <summary>
/// Population extremal vectors (n -&gt; infinity) of docs/THEORY.md section 5: the closed form for
/// symmetric inputs with a linear teacher, truncated-Gaussian moments for N(mu, I) inputs with
/// a linear teacher, and Monte Carlo with a stated standard error otherwise.
/// </summary>
public static class PopulationExtremal
{
    /// <summary>Default Monte Carlo sample size.</summary>
    public const int DefaultSamples = 200_000;

    /// <summary>
    /// The best available method for the model: closed form (symmetric law with known Sigma and a
    /// linear teacher), truncated-Gaussian (N(mu, I), linear teacher), exact over the file (CSV law),
    /// otherwise Monte Carlo with <paramref name="samples"/> noise-free draws from stream 2 of <paramref name="seed"/>.
    /// </summary>
    public static PopulationExtremalSet Compute(DataModel model, int samples = DefaultSamples, long seed = 0)
    {
        ArgumentNullException.ThrowIfNull(model);
        model.Validate();
        int d = model.D;
        if (model.Teacher is LinearTeacher lin)
        {
            if (model.Input is ShiftedGaussianInputs sg && !sg.IsSymmetric) return ShiftedGaussianLinear(sg.Mean, lin.BetaStar, seed: seed);
            if (model.Input.IsSymmetric && model.Input.SecondMoment(d) is { } sigma) return SymmetricLinear(sigma, lin.BetaStar);
        }
        if (model.Input is CsvInputs csv) return CsvExact(csv, model.Teacher, seed);
        return MonteCarlo(model, samples, seed);
    }

    /// <summary>
    /// The population field D(u) = E[1[&lt;u, x&gt; &gt; 0] y x] at a direction u, with its standard error
    /// (Euclidean, per the whole vector): exact for a symmetric law with a linear teacher (Sigma beta*/2),
    /// for N(mu, I) with a linear teacher (truncated moments) and for a CSV law (its rows); otherwise
    /// Monte Carlo on <paramref name="samples"/> noise-free draws. G(u) = &lt;u, D(u)&gt;.
    /// </summary>
    public static (double[] D, double StandardError) PopulationD(DataModel model, ReadOnlySpan<double> u, int samples = DefaultSamples, long seed = 0)
    {
        ArgumentNullException.ThrowIfNull(model);
        model.Validate();
        int d = model.D;
        if (u.Length != d) throw new ArgumentException($"u has length {u.Length}, expected d = {d}", nameof(u));
        if (Vec.Norm(u) == 0) throw new ArgumentException("u must be nonzero", nameof(u));
        var unit = Vec.Unit(u);
        if (model.Teacher is LinearTeacher lin)
        {
            if (model.Input is ShiftedGaussianInputs sg) return (ShiftedGaussianD(sg.Mean, lin.BetaStar, unit), 0);
            if (model.Input.IsSymmetric && model.Input.SecondMoment(d) is { } sigma)
            {
                var r = new double[d];
                for (int i = 0; i < d; i++)
                    for (int j = 0; j < d; j++) r[i] += sigma[i * d + j] * lin.BetaStar[j] / 2;
                return (r, 0);
            }
        }
        Dataset data;
        if (model.Input is CsvInputs csv)
        {
            var y = new double[csv.Rows];
            for (int k = 0; k < csv.Rows; k++)
                y[k] = model.Teacher is CsvLabelTeacher ? csv.Y[k] : model.Teacher.Evaluate(new ReadOnlySpan<double>(csv.X, k * d, d));
            return (EarlyAlignment.D(new Dataset(csv.Rows, d, csv.X, y), unit), 0);
        }
        if (samples < 100) throw new ArgumentException($"samples must be >= 100, got {samples}", nameof(samples));
        data = model.GenerateNoiseFree(samples, seed);
        var dv = EarlyAlignment.D(data, unit);
        double sq = 0;
        for (int k = 0; k < data.N; k++)
        {
            var x = data.Row(k);
            if (Vec.Dot(unit, x) <= 0) continue;
            for (int i = 0; i < d; i++) sq += data.Y[k] * data.Y[k] * x[i] * x[i];
        }
        double variance = Math.Max(0, sq / data.N - Vec.Dot(dv, dv));
        return (dv, Math.Sqrt(variance / data.N));
    }

    /// <summary>
    /// Symmetric inputs with Sigma = E[x x^T] and a linear teacher: D(u) = Sigma beta*/2 for all u,
    /// so the extremal directions are u* = Sigma beta*/|Sigma beta*| (positive) and -u* (negative), c = |Sigma beta*|/2.
    /// </summary>
    public static PopulationExtremalSet SymmetricLinear(double[] secondMoment, double[] betaStar)
    {
        ArgumentNullException.ThrowIfNull(secondMoment);
        ArgumentNullException.ThrowIfNull(betaStar);
        int d = betaStar.Length;
        if (secondMoment.Length != d * d) throw new ArgumentException($"secondMoment has length {secondMoment.Length}, expected d*d = {d * d}", nameof(secondMoment));
        var sb = new double[d];
        for (int i = 0; i < d; i++)
            for (int j = 0; j < d; j++) sb[i] += secondMoment[i * d + j] * betaStar[j];
        double norm = Vec.Norm(sb);
        if (!(norm > 0)) throw new ArgumentException("Sigma beta* = 0: no extremal direction (D vanishes)", nameof(betaStar));
        var u = new double[d];
        var mu = new double[d];
        for (int i = 0; i < d; i++) { u[i] = sb[i] / norm; mu[i] = -u[i]; }
        return new PopulationExtremalSet(
            [new PopulationExtremalVector(1, u, norm / 2, 0, 0), new PopulationExtremalVector(-1, mu, norm / 2, 0, 0)],
            "closed-form-symmetric", 0);
    }

    /// <summary>
    /// E[1[&lt;u, x&gt; &gt; 0] x x^T] for x ~ N(mu, I) and a unit u (row-major d x d). With m = &lt;u, mu&gt;,
    /// Phi and phi the standard normal CDF and density:
    /// Phi(m) (mu mu^T + I) + phi(m) (mu u^T + u mu^T) - m phi(m) u u^T.
    /// </summary>
    public static double[] TruncatedSecondMoment(double[] mean, ReadOnlySpan<double> u)
    {
        ArgumentNullException.ThrowIfNull(mean);
        int d = mean.Length;
        if (u.Length != d) throw new ArgumentException($"u has length {u.Length}, expected d = {d}", nameof(u));
        double m = Vec.Dot(u, mean);
        double Phi = NormalCdf(m), phi = NormalPdf(m);
        var r = new double[d * d];
        for (int i = 0; i < d; i++)
            for (int j = 0; j < d; j++)
                r[i * d + j] = Phi * (mean[i] * mean[j] + (i == j ? 1 : 0)) + phi * (mean[i] * u[j] + u[i] * mean[j]) - m * phi * u[i] * u[j];
        return r;
    }

    /// <summary>D(u) = E[1[&lt;u, x&gt; &gt; 0] x x^T] beta* for x ~ N(mu, I) (closed form, u unit).</summary>
    public static double[] ShiftedGaussianD(double[] mean, double[] betaStar, ReadOnlySpan<double> u)
    {
        ArgumentNullException.ThrowIfNull(betaStar);
        var m2 = TruncatedSecondMoment(mean, u);
        int d = mean.Length;
        if (betaStar.Length != d) throw new ArgumentException($"betaStar has length {betaStar.Length}, expected d = {d}", nameof(betaStar));
        var r = new double[d];
        for (int i = 0; i < d; i++)
            for (int j = 0; j < d; j++) r[i] += m2[i * d + j] * betaStar[j];
        return r;
    }

    /// <summary>
    /// N(mu, I) inputs, linear teacher: the critical points of G on the sphere from the closed-form
    /// D(u), found by projected ascent and descent (adaptive step) from <paramref name="starts"/>
    /// random starts plus +-beta* and +-mu, then polished by the fixed-point map u -&gt; s D(u)/|D(u)|.
    /// Saddles of G (neither maxima nor minima) are not searched for.
    /// </summary>
    public static PopulationExtremalSet ShiftedGaussianLinear(double[] mean, double[] betaStar, int starts = 16, long seed = 0)
    {
        ArgumentNullException.ThrowIfNull(mean);
        ArgumentNullException.ThrowIfNull(betaStar);
        if (mean.Length != betaStar.Length) throw new ArgumentException($"mean has length {mean.Length}, betaStar {betaStar.Length}", nameof(mean));
        var found = CriticalPoints(u => ShiftedGaussianD(mean, betaStar, u), mean.Length, StartsFor(betaStar, mean, starts, seed, mean.Length), 1e-10, 1e-7, smooth: true);
        var list = found.Select(f => new PopulationExtremalVector(f.Sign, f.U, f.C, 0, f.Residual)).ToList();
        return new PopulationExtremalSet(Order(list), "truncated-gaussian", 0);
    }

    /// <summary>
    /// Monte Carlo: D(u) is estimated on <paramref name="samples"/> noise-free draws (noise is
    /// independent with mean 0, so it does not change D); the critical points of the estimated G
    /// are found by projected ascent and descent from random starts (plus +-beta* for a linear
    /// teacher), merged when closer than 5 standard errors, and reported with their standard error.
    /// </summary>
    public static PopulationExtremalSet MonteCarlo(DataModel model, int samples = DefaultSamples, long seed = 0, int starts = 8)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (samples < 100) throw new ArgumentException($"samples must be >= 100, got {samples}", nameof(samples));
        if (starts < 1) throw new ArgumentException($"starts must be >= 1, got {starts}", nameof(starts));
        var data = model.GenerateNoiseFree(samples, seed);
        int d = model.D;
        double[]? hint = model.Teacher is LinearTeacher lt ? lt.BetaStar : null;
        double[]? hint2 = model.Input is ShiftedGaussianInputs sg ? sg.Mean : null;
        var d0 = new double[d];
        var found = CriticalPoints(u => { EarlyAlignment.D(data, u, d0); return (double[])d0.Clone(); }, d,
            StartsFor(hint, hint2, starts, seed, d), 1e-5, 0, smooth: false);
        var list = new List<PopulationExtremalVector>();
        foreach (var f in found)
        {
            double se = AngularStandardError(data, f.U, f.C);
            list.Add(new PopulationExtremalVector(f.Sign, f.U, f.C, se, f.Residual));
        }
        // merge points of one sign closer than 5 standard errors: the estimated G is rough at that scale
        var merged = new List<PopulationExtremalVector>();
        foreach (var v in list.OrderByDescending(v => v.Value))
            if (!merged.Any(m => m.Sign == v.Sign && Vec.Angle(m.Direction, v.Direction) <= 5 * Math.Max(m.StandardError, v.StandardError) + 1e-9))
                merged.Add(v);
        return new PopulationExtremalSet(Order(merged), "monte-carlo", samples);
    }

    /// <summary>A CSV law's population is the empirical law of its rows: exact extremal vectors by search.</summary>
    private static PopulationExtremalSet CsvExact(CsvInputs csv, Teacher teacher, long seed)
    {
        var y = new double[csv.Rows];
        for (int k = 0; k < csv.Rows; k++)
            y[k] = teacher is CsvLabelTeacher ? csv.Y[k] : teacher.Evaluate(new ReadOnlySpan<double>(csv.X, k * csv.D, csv.D));
        var data = new Dataset(csv.Rows, csv.D, csv.X, y);
        var set = ExtremalVectors.Search(data, new SearchOptions { Seed = seed });
        var list = set.Vectors.Select(v => new PopulationExtremalVector(v.Sign, v.Direction, v.Value, 0, v.Residual / v.Value)).ToList();
        return new PopulationExtremalSet(Order(list), "csv-exact", 0);
    }

    private static IReadOnlyList<PopulationExtremalVector> Order(IEnumerable<PopulationExtremalVector> v) =>
        v.OrderByDescending(x => x.Sign).ThenByDescending(x => x.Value).ToArray();

    /// <summary>Starts: +-a/|a| and +-b/|b| when given and nonzero, then random directions (stream 4 of the seed).</summary>
    private static List<double[]> StartsFor(double[]? a, double[]? b, int random, long seed, int d)
    {
        var list = new List<double[]>();
        foreach (var h in new[] { a, b })
        {
            if (h is null || Vec.Norm(h) == 0) continue;
            var u = Vec.Unit(h);
            list.Add(u);
            list.Add(u.Select(t => -t).ToArray());
        }
        var rng = new Rng(seed, 4);
        for (int i = 0; i < random; i++)
        {
            var u = new double[d];
            rng.NextUnitVector(u);
            list.Add(u);
        }
        return list;
    }

    /// <summary>
    /// Local maxima (ascent, s = +1) and minima (descent, s = -1) of G(u) = &lt;u, D(u)&gt; on the
    /// sphere from each start, by projected steps with an adaptive angle; each end point is polished
    /// by the fixed-point map while that lowers the residual; points closer than mergeAngle are one.
    /// </summary>
    private static List<(int Sign, double[] U, double C, double Residual)> CriticalPoints(
        Func<double[], double[]> field, int d, List<double[]> starts, double minStep, double mergeAngle, bool smooth)
    {
        var result = new List<(int Sign, double[] U, double C, double Residual)>();
        foreach (var u0 in starts)
            foreach (int s in new[] { 1, -1 })
            {
                var u = (double[])u0.Clone();
                Vec.Normalize(u);
                var dv = field(u);
                double val = s * Vec.Dot(u, dv);
                double alpha = 0.1;
                var g = new double[d];
                var trial = new double[d];
                for (int it = 0; it < 2000 && alpha >= minStep; it++)
                {
                    double du = Vec.Dot(u, dv);
                    for (int i = 0; i < d; i++) g[i] = s * (dv[i] - du * u[i]);
                    double gn = Vec.Norm(g);
                    if (gn <= 1e-15 * Vec.Norm(dv)) break;
                    double ca = Math.Cos(alpha), sa = Math.Sin(alpha);
                    for (int i = 0; i < d; i++) trial[i] = ca * u[i] + sa * g[i] / gn;
                    Vec.Normalize(trial);
                    var dt = field(trial);
                    double vt = s * Vec.Dot(trial, dt);
                    if (vt > val)
                    {
                        Array.Copy(trial, u, d);
                        dv = dt;
                        val = vt;
                        alpha = Math.Min(alpha * 2, 0.5);
                    }
                    else alpha *= 0.5;
                }
                double res = Residual(u, dv);
                if (smooth) (u, dv, res) = NewtonPolish(field, u, dv, res);
                double gu = Vec.Dot(u, dv);
                if (gu == 0) continue;
                int sign = Math.Sign(gu);
                if (result.Any(r => r.Sign == sign && Vec.Angle(r.U, u) <= mergeAngle)) continue;
                result.Add((sign, u, Math.Abs(gu), res));
            }
        return result;
    }

    /// <summary>
    /// Newton's method on F(xi) = T^T P D(u(xi)), u(xi) = (u + T xi)/|u + T xi| with T an orthonormal
    /// basis of the tangent space (central-difference Jacobian); kept only while the residual falls.
    /// </summary>
    private static (double[] U, double[] D, double Res) NewtonPolish(Func<double[], double[]> field, double[] u, double[] dv, double res)
    {
        int d = u.Length;
        if (d < 2) return (u, dv, res);
        for (int it = 0; it < 30 && res > 1e-15; it++)
        {
            var t = TangentBasis(u);
            double[] F(double[] xi)
            {
                var w = (double[])u.Clone();
                for (int j = 0; j < d - 1; j++)
                    for (int i = 0; i < d; i++) w[i] += t[j][i] * xi[j];
                Vec.Normalize(w);
                var dw = field(w);
                double du = Vec.Dot(w, dw);
                var f = new double[d - 1];
                for (int j = 0; j < d - 1; j++)
                {
                    double s = 0;
                    for (int i = 0; i < d; i++) s += t[j][i] * (dw[i] - du * w[i]);
                    f[j] = s;
                }
                return f;
            }
            var f0 = F(new double[d - 1]);
            var jac = MathNet.Numerics.LinearAlgebra.Matrix<double>.Build.Dense(d - 1, d - 1);
            const double h = 1e-6;
            for (int j = 0; j < d - 1; j++)
            {
                var xp = new double[d - 1]; xp[j] = h;
                var xm = new double[d - 1]; xm[j] = -h;
                var fp = F(xp); var fm = F(xm);
                for (int i = 0; i < d - 1; i++) jac[i, j] = (fp[i] - fm[i]) / (2 * h);
            }
            var step = jac.Solve(MathNet.Numerics.LinearAlgebra.Vector<double>.Build.DenseOfArray(f0));
            var un = (double[])u.Clone();
            for (int j = 0; j < d - 1; j++)
                for (int i = 0; i < d; i++) un[i] -= t[j][i] * step[j];
            if (Vec.Normalize(un) == 0 || un.Any(double.IsNaN)) break;
            var dn = field(un);
            double rn = Residual(un, dn);
            if (!(rn < res)) break;
            u = un; dv = dn; res = rn;
        }
        return (u, dv, res);
    }

    private static double[][] TangentBasis(double[] u)
    {
        int d = u.Length;
        var basis = new List<double[]>();
        for (int e = 0; e < d && basis.Count < d - 1; e++)
        {
            var v = new double[d];
            v[e] = 1;
            for (int pass = 0; pass < 2; pass++)
            {
                double pu = Vec.Dot(v, u);
                for (int i = 0; i < d; i++) v[i] -= pu * u[i];
                foreach (var b in basis)
                {
                    double pb = Vec.Dot(v, b);
                    for (int i = 0; i < d; i++) v[i] -= pb * b[i];
                }
            }
            if (Vec.Norm(v) > 1e-6) { Vec.Normalize(v); basis.Add(v); }
        }
        return basis.ToArray();
    }

    private static double Residual(double[] u, double[] dv)
    {
        double du = Vec.Dot(u, dv), s = 0;
        for (int i = 0; i < u.Length; i++) { double t = dv[i] - du * u[i]; s += t * t; }
        double n = Vec.Norm(dv);
        return n > 0 ? Math.Sqrt(s) / n : double.PositiveInfinity;
    }

    private static double AngularStandardError(Dataset data, double[] u, double c)
    {
        int n = data.N, d = data.D;
        var mean = new double[d];
        double sumP2 = 0;
        var v = new double[d];
        for (int k = 0; k < n; k++)
        {
            var x = data.Row(k);
            double z = Vec.Dot(u, x);
            if (z <= 0) continue;
            double yk = data.Y[k];
            for (int i = 0; i < d; i++) { v[i] = yk * x[i]; mean[i] += v[i]; }
            double vu = Vec.Dot(v, u);
            sumP2 += Vec.Dot(v, v) - vu * vu;
        }
        for (int i = 0; i < d; i++) mean[i] /= n;
        double mu = Vec.Dot(mean, u);
        double pMean2 = Vec.Dot(mean, mean) - mu * mu;
        double variance = Math.Max(0, sumP2 / n - pMean2);
        return Math.Sqrt(variance / n) / c;
    }

    internal static double NormalCdf(double x) => 0.5 * MathNet.Numerics.SpecialFunctions.Erfc(-x / Math.Sqrt(2));
    internal static double NormalPdf(double x) => Math.Exp(-0.5 * x * x) / Math.Sqrt(2 * Math.PI);
}
