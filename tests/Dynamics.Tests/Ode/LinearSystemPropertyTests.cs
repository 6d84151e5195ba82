using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using MathNet.Numerics.LinearAlgebra;
using SimplicityBias.Dynamics.Ode;

namespace SimplicityBias.Dynamics.Tests.Ode;

/// <summary>A random stable linear system y' = A y (A = skew part - M M^T / n - 0.1 I, so Re lambda &lt;= -0.1).</summary>
public sealed record LinearCase(int N, double[] A, double[] Y0)
{
    public override string ToString() => $"n={N} A=[{string.Join(", ", A.Select(a => a.ToString("G4")))}] y0=[{string.Join(", ", Y0.Select(a => a.ToString("G4")))}]";

    public OdeProblem Problem(double t1) => new(
        (t, y, dy) =>
        {
            for (int i = 0; i < N; i++)
            {
                double s = 0;
                for (int j = 0; j < N; j++) s += A[i * N + j] * y[j];
                dy[i] = s;
            }
        }, Y0, 0, t1, (t, y, jac) => A.CopyTo(jac)) { IsAutonomous = true };

    /// <summary>exp(A t) y0 by scaling and squaring of a 24-term Taylor series (MathNet matrices).</summary>
    public double[] Exact(double t)
    {
        var m = Matrix<double>.Build.Dense(N, N, (i, j) => A[i * N + j] * t);
        int s = Math.Max(0, (int)Math.Ceiling(Math.Log2(Math.Max(m.InfinityNorm(), 1e-300) / 0.25)));
        m = m / Math.Pow(2, s);
        var term = Matrix<double>.Build.DenseIdentity(N);
        var sum = term.Clone();
        for (int k = 1; k <= 24; k++)
        {
            term = term * m / k;
            sum += term;
        }
        for (int k = 0; k < s; k++) sum = sum * sum;
        return (sum * Vector<double>.Build.DenseOfArray(Y0)).ToArray();
    }
}

public class LinearSystemPropertyTests
{
    private static Gen<double> Unit => Gen.Choose(-1000, 1000).Select(k => k / 1000.0);

    public static Arbitrary<LinearCase> Cases() =>
        Gen.Choose(2, 5).SelectMany(n =>
            Unit.ArrayOf(n * n).SelectMany(k =>
                Unit.ArrayOf(n * n).SelectMany(m =>
                    Unit.ArrayOf(n).Select(y0 =>
                    {
                        var a = new double[n * n];
                        for (int i = 0; i < n; i++)
                            for (int j = 0; j < n; j++)
                            {
                                double mm = 0;
                                for (int q = 0; q < n; q++) mm += m[i * n + q] * m[j * n + q];
                                a[i * n + j] = k[i * n + j] - k[j * n + i] - mm / n - (i == j ? 0.1 : 0);
                            }
                        if (y0.All(v => v == 0)) y0[0] = 1;
                        return new LinearCase(n, a, y0);
                    })))).ToArbitrary();

    private static readonly OdeAlgorithm[] Algorithms = [new Dopri5(), new Dop853(), new Rodas4(), new AutoSwitch()];

    private static readonly double[] Checkpoints = [0.3, 0.6, 0.9, 1.2, 1.5, 1.8, 2.1, 2.4, 2.7, 3.0];

    // Largest error over ten checkpoints (dense output) and the end: one lucky cancellation at the end cannot hide the trend.
    private static double MaxError(LinearCase c, OdeAlgorithm alg, double rtol, out OdeSolution sol)
    {
        const double t1 = 3.0;
        sol = OdeSolver.Solve(c.Problem(t1), alg, new OdeOptions { RelativeTolerance = rtol, AbsoluteTolerance = rtol * 1e-2, SaveAt = Checkpoints });
        double err = 0;
        for (int k = 0; k < Checkpoints.Length; k++)
        {
            double[] exact = c.Exact(Checkpoints[k]);
            for (int i = 0; i < c.N; i++) err = Math.Max(err, Math.Abs(sol.SavedStates[k][i] - exact[i]));
        }
        return err;
    }

    [Property(MaxTest = 40, Replay = "(8340,9176128384319743977)")]
    public Property Solution_matches_the_matrix_exponential_within_a_multiple_of_the_tolerance() =>
        Prop.ForAll(Cases(), c =>
        {
            foreach (OdeAlgorithm alg in Algorithms)
            {
                double scale = Math.Max(1, c.Y0.Max(Math.Abs));
                double err = MaxError(c, alg, 1e-7, out OdeSolution sol);
                if (sol.ReturnCode != OdeReturnCode.Success) return false.Label($"{alg}: {sol.Reason}");
                // Global error of a stable system stays within a modest multiple of the tolerance.
                if (!(err <= 50 * 1e-7 * scale)) return false.Label($"{alg}: error {err:G3} > 50 rtol |y0|");
            }
            return true.Label("ok");
        });

    [Property(MaxTest = 30, Replay = "(8330,9176128384319743977)")]
    public Property Tightening_rtol_100x_reduces_the_error() =>
        Prop.ForAll(Cases(), c =>
        {
            foreach (OdeAlgorithm alg in Algorithms)
            {
                double loose = MaxError(c, alg, 1e-6, out _);
                double tight = MaxError(c, alg, 1e-8, out _);
                // A loose run can be lucky (DOP853 on slow linear systems lands below 1e-8 by chance);
                // then only ask the tight run to stay within its own tolerance level.
                if (!(tight < loose) && tight > 10 * 1e-8) return false.Label($"{alg}: error at rtol 1e-8 {tight:G3} >= at 1e-6 {loose:G3}");
            }
            return true.Label("ok");
        });

    [Property(MaxTest = 20, Replay = "(8320,9176128384319743977)")]
    public Property Solving_twice_gives_identical_bits() =>
        Prop.ForAll(Cases(), c =>
        {
            foreach (OdeAlgorithm alg in Algorithms)
            {
                var o = new OdeOptions { RelativeTolerance = 1e-6, SaveAt = [0.5, 1.5, 2.5] };
                var a = OdeSolver.Solve(c.Problem(3), alg, o);
                var b = OdeSolver.Solve(c.Problem(3), alg, o);
                for (int i = 0; i < c.N; i++)
                {
                    if (BitConverter.DoubleToInt64Bits(a.Final[i]) != BitConverter.DoubleToInt64Bits(b.Final[i])) return false.Label($"{alg}: final differs");
                    for (int k = 0; k < 3; k++)
                        if (BitConverter.DoubleToInt64Bits(a.SavedStates[k][i]) != BitConverter.DoubleToInt64Bits(b.SavedStates[k][i])) return false.Label($"{alg}: saved differs");
                }
                if (a.Statistics.FunctionEvaluations != b.Statistics.FunctionEvaluations || a.Statistics.AcceptedSteps != b.Statistics.AcceptedSteps)
                    return false.Label($"{alg}: statistics differ");
            }
            return true.Label("ok");
        });
}
