using SimplicityBias.Theory.Numerics;
using SimplicityBias.Dynamics.Numerics;

namespace SimplicityBias.Theory.Data;

/// <summary>The noise-free target function f*(x); labels are y = f*(x) + noise.</summary>
public abstract record Teacher
{
    private protected Teacher() { }

    /// <summary>A short name for reports.</summary>
    public abstract string Name { get; }

    /// <summary>f*(x).</summary>
    public abstract double Evaluate(ReadOnlySpan<double> x);

    /// <summary>Throws ArgumentException naming the field if the teacher does not fit dimension d.</summary>
    public abstract void Validate(int d, string field);

    /// <summary>The linear teacher f*(x) = &lt;beta*, x&gt;.</summary>
    public static LinearTeacher Linear(double[] betaStar) => new(betaStar);

    /// <summary>The linear teacher with beta* = e_1 in R^d.</summary>
    public static LinearTeacher FirstAxis(int d)
    {
        if (d < 1) throw new ArgumentException($"d must be >= 1, got {d}", nameof(d));
        var b = new double[d];
        b[0] = 1;
        return new LinearTeacher(b);
    }

    /// <summary>f*(x) = sum_i a_i relu(&lt;w_i*, x&gt;) with explicit units (w row-major k x d).</summary>
    public static ReluTeacher Relu(double[] outputWeights, double[] unitWeights) => new(outputWeights, unitWeights);

    /// <summary>
    /// A sum of k ReLU units (the paper's extra experiments use k = 5): w_i* uniform on the unit
    /// sphere of R^d, a_i = 1; drawn from stream 7 of <paramref name="seed"/>, so the same seed
    /// gives the same teacher.
    /// </summary>
    public static ReluTeacher RandomRelu(int d, int k = 5, long seed = 0)
    {
        if (d < 1) throw new ArgumentException($"d must be >= 1, got {d}", nameof(d));
        if (k < 1) throw new ArgumentException($"k must be >= 1, got {k}", nameof(k));
        var rng = new Rng(seed, 7);
        var w = new double[k * d];
        for (int i = 0; i < k; i++) rng.NextUnitVector(new Span<double>(w, i * d, d));
        var a = new double[k];
        Array.Fill(a, 1.0);
        return new ReluTeacher(a, w);
    }

    /// <summary>Uses the labels of a <see cref="CsvInputs"/> file (valid only with that input law).</summary>
    public static CsvLabelTeacher CsvLabels() => new();
}

/// <summary>f*(x) = &lt;beta*, x&gt;.</summary>
public sealed record LinearTeacher(double[] BetaStar) : Teacher
{
    /// <inheritdoc/>
    public override string Name => "linear";
    /// <inheritdoc/>
    public override double Evaluate(ReadOnlySpan<double> x) => Vec.Dot(BetaStar, x);
    /// <inheritdoc/>
    public override void Validate(int d, string field)
    {
        if (BetaStar is null) throw new ArgumentException($"{field}.BetaStar is null", field);
        if (BetaStar.Length != d) throw new ArgumentException($"{field}.BetaStar has length {BetaStar.Length}, expected d = {d}", field);
        for (int i = 0; i < d; i++)
            if (!double.IsFinite(BetaStar[i])) throw new ArgumentException($"{field}.BetaStar[{i}] is not finite ({BetaStar[i]})", field);
    }
}

/// <summary>f*(x) = sum_i a_i relu(&lt;w_i*, x&gt;), k units, weights row-major k x d.</summary>
public sealed record ReluTeacher(double[] OutputWeights, double[] UnitWeights) : Teacher
{
    /// <summary>Number of units k.</summary>
    public int K => OutputWeights.Length;
    /// <inheritdoc/>
    public override string Name => $"relu{K}";
    /// <inheritdoc/>
    public override double Evaluate(ReadOnlySpan<double> x)
    {
        int d = x.Length;
        double s = 0;
        for (int i = 0; i < OutputWeights.Length; i++)
        {
            double z = Vec.Dot(new ReadOnlySpan<double>(UnitWeights, i * d, d), x);
            if (z > 0) s += OutputWeights[i] * z;
        }
        return s;
    }
    /// <inheritdoc/>
    public override void Validate(int d, string field)
    {
        if (OutputWeights is null || OutputWeights.Length < 1) throw new ArgumentException($"{field}.OutputWeights must hold k >= 1 values", field);
        if (UnitWeights is null || UnitWeights.Length != OutputWeights.Length * d)
            throw new ArgumentException($"{field}.UnitWeights has length {UnitWeights?.Length}, expected k*d = {OutputWeights.Length * d}", field);
        for (int i = 0; i < OutputWeights.Length; i++)
            if (!double.IsFinite(OutputWeights[i])) throw new ArgumentException($"{field}.OutputWeights[{i}] is not finite ({OutputWeights[i]})", field);
        for (int i = 0; i < UnitWeights.Length; i++)
            if (!double.IsFinite(UnitWeights[i])) throw new ArgumentException($"{field}.UnitWeights[{i / d},{i % d}] is not finite ({UnitWeights[i]})", field);
    }
}

/// <summary>The labels stored in a <see cref="CsvInputs"/> file; f* is then defined only on its rows.</summary>
public sealed record CsvLabelTeacher : Teacher
{
    /// <inheritdoc/>
    public override string Name => "csv-labels";
    /// <summary>Not defined off the file's rows: always throws.</summary>
    public override double Evaluate(ReadOnlySpan<double> x) =>
        throw new InvalidOperationException("CSV labels are defined only on the file's rows; use DataModel.Generate");
    /// <inheritdoc/>
    public override void Validate(int d, string field) { }
}
