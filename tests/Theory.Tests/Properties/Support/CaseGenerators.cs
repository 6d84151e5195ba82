using FsCheck;
using FsCheck.Fluent;

namespace SimplicityBias.Theory.Tests.Properties;

/// <summary>
/// A family of generated cases: how to draw them, their bounds (also applied to shrink candidates), and a
/// shrinker towards the simplest case within the bounds (smaller n, m, d, seed 1, no noise, Gaussian inputs,
/// linear teacher beta = e_1, balanced initialization, default tolerances, shorter horizon, round numbers).
/// Shrinking runs a simulation per candidate, so it is capped by a budget of candidates per property run.
/// </summary>
public sealed class CaseFamily
{
    public required string Name { get; init; }
    public required Gen<ExperimentCase> Generator { get; init; }
    /// <summary>Bounds a case must satisfy (the generator only produces valid cases).</summary>
    public required Func<ExperimentCase, bool> Valid { get; init; }
    public int MinN { get; init; } = 1;
    public int MinM { get; init; } = 1;
    public int MinD { get; init; } = 1;
    public double MinHorizon { get; init; } = 1;
    /// <summary>Whether shrinking may change the data model, teacher and initialization kind to the simplest ones.</summary>
    public bool ShrinkModel { get; init; } = true;
    /// <summary>Shrink candidates tried at most per property run.</summary>
    public int ShrinkBudget { get; init; } = 60;

    /// <summary>The arbitrary (generator + budgeted shrinker); make a new one per run so the budget is fresh.</summary>
    public Arbitrary<ExperimentCase> Arbitrary()
    {
        int budget = ShrinkBudget;
        IEnumerable<ExperimentCase> Shrink(ExperimentCase c)
        {
            foreach (var s in Candidates(c))
            {
                if (!Valid(s) || s == c) continue;
                if (budget-- <= 0) yield break;
                yield return s;
            }
        }
        return Arb.From(Generator, Shrink);
    }

    private IEnumerable<ExperimentCase> Candidates(ExperimentCase c)
    {
        if (c.N > MinN) { yield return c with { N = Math.Max(MinN, c.N / 2) }; yield return c with { N = c.N - 1 }; }
        if (c.HasNetwork && c.M > MinM) { yield return c with { M = Math.Max(MinM, c.M / 2) }; yield return c with { M = c.M - 1 }; }
        if (c.D > MinD)
            yield return c with { D = c.D - 1, N = c.DataModel == InputLawKind.Orthogonal ? Math.Min(c.N, c.D - 1) : c.N, Beta = c.Beta?[..(c.D - 1)] };
        if (c.Seed != 1) { yield return c with { Seed = 1 }; if (c.Seed > 2) yield return c with { Seed = c.Seed / 2 }; }
        if (c.Sigma != 0) { yield return c with { Sigma = 0 }; if (Math.Round(c.Sigma, 1) != c.Sigma) yield return c with { Sigma = Math.Round(c.Sigma, 1) }; }
        if (c.HasNetwork && c.Horizon > MinHorizon) yield return c with { Horizon = Math.Max(MinHorizon, c.Horizon / 10) };
        if (ShrinkModel)
        {
            if (c.DataModel != InputLawKind.Gaussian && c.DataModel != InputLawKind.Orthogonal) yield return c with { DataModel = InputLawKind.Gaussian };
            if (c.Teacher != TeacherKind.Linear) yield return c with { Teacher = TeacherKind.Linear };
            if (c.Beta is not null) yield return c with { Beta = null };
            if (c.HasNetwork && c.Init != InitKind.Balanced) yield return c with { Init = InitKind.Balanced };
        }
        if (c.HasNetwork && c.Rtol != 1e-6 && c.Solver != Solver.Gd) yield return c with { Rtol = 1e-6 };
        if (c.HasNetwork && c.Lambda != 1e-3) yield return c with { Lambda = 1e-3 };
    }
}

/// <summary>Generators of numbers with short decimal forms (readable counterexamples).</summary>
public static class CaseGen
{
    /// <summary>10^u, u uniform in [log10 lo, log10 hi], rounded to 2 significant digits.</summary>
    public static Gen<double> LogUniform(double lo, double hi) =>
        Gen.Choose(0, 1000).Select(k => Round2(Math.Pow(10, Math.Log10(lo) + (Math.Log10(hi) - Math.Log10(lo)) * k / 1000.0)));

    /// <summary>Uniform in [lo, hi] with two decimals.</summary>
    public static Gen<double> Uniform(double lo, double hi) =>
        Gen.Choose((int)Math.Round(lo * 100), (int)Math.Round(hi * 100)).Select(k => k / 100.0);

    /// <summary>A nonzero beta* with entries of two decimals in [-1, 1].</summary>
    public static Gen<double[]> Beta(int d) =>
        Gen.Choose(-100, 100).Select(k => k / 100.0).ArrayOf(d).Where(b => b.Any(v => Math.Abs(v) >= 0.1));

    /// <summary>A beta* of norm about 1 (a random direction with entries rounded to two decimals).</summary>
    public static Gen<double[]> UnitBeta(int d) =>
        Gen.Choose(-100, 100).ArrayOf(d).Where(b => b.Any(v => v != 0)).Select(b =>
        {
            double norm = Math.Sqrt(b.Sum(v => (double)v * v));
            return b.Select(v => Math.Round(v / norm, 2)).ToArray();
        }).Where(b => b.Sum(v => v * v) > 0.9);

    public static Gen<T> OneOf<T>(params T[] items) => Gen.Elements(items);

    public static double Round2(double v) =>
        double.Parse(v.ToString("G2", System.Globalization.CultureInfo.InvariantCulture), System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Seeds in [1, 10^6].</summary>
    public static Gen<int> Seed => Gen.Choose(1, 1_000_000);
}
