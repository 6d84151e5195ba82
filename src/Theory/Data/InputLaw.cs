using SimplicityBias.Dynamics.Network;
using SimplicityBias.Theory.Numerics;
using SimplicityBias.Dynamics.Numerics;

namespace SimplicityBias.Theory.Data;

/// <summary>
/// The law of the inputs x in R^d. Subtypes are the laws the toolkit can sample; each knows
/// whether it is symmetric (x and -x have the same law) and, when it has one, its second-moment
/// matrix Sigma = E[x x^T], which is what the population extremal vectors need.
/// </summary>
public abstract record InputLaw
{
    private protected InputLaw() { }

    /// <summary>A short name for reports.</summary>
    public abstract string Name { get; }

    /// <summary>True if x and -x have the same law (then E[1[&lt;u,x&gt; &gt; 0] x x^T] = Sigma/2 for all u).</summary>
    public abstract bool IsSymmetric { get; }

    /// <summary>Sigma = E[x x^T] (row-major d x d) when known in closed form, else null.</summary>
    public abstract double[]? SecondMoment(int d);

    /// <summary>Throws ArgumentException naming the field if the law is invalid for dimension d.</summary>
    public abstract void Validate(int d, string field);

    /// <summary>Writes n i.i.d. draws (n x d row-major) into x. Laws that draw jointly override it.</summary>
    internal virtual void SampleRows(Rng rng, int n, int d, double[] x)
    {
        for (int k = 0; k < n; k++) SampleOne(rng, new Span<double>(x, k * d, d));
    }

    /// <summary>One draw of x into <paramref name="x"/>.</summary>
    internal abstract void SampleOne(Rng rng, Span<double> x);

    /// <summary>N(0, I_d).</summary>
    public static GaussianInputs StandardGaussian() => new(null);
    /// <summary>N(0, Sigma) with a row-major d x d covariance.</summary>
    public static GaussianInputs Gaussian(double[] covariance) => new(covariance);
    /// <summary>N(mu, I_d): not symmetric unless mu = 0.</summary>
    public static ShiftedGaussianInputs ShiftedGaussian(double[] mean) => new(mean);
    /// <summary>Independent +-1 coordinates.</summary>
    public static RademacherInputs Rademacher() => new();
    /// <summary>Uniform on the sphere of the given radius.</summary>
    public static SphereInputs Sphere(double radius = 1.0) => new(radius);
    /// <summary>Uniform in the ball of the given radius.</summary>
    public static BallInputs Ball(double radius = 1.0) => new(radius);
    /// <summary>An orthogonal set of n &lt;= d vectors of the given norm (a random orthonormal frame scaled).</summary>
    public static OrthogonalInputs Orthogonal(double radius = 1.0) => new(radius);
    /// <summary>The empirical law of the rows of a CSV file (sampled with replacement).</summary>
    public static CsvInputs Csv(string path, bool lastColumnIsLabel = true) => CsvInputs.Load(path, lastColumnIsLabel);

    private protected static double[] ScaledIdentity(int d, double s)
    {
        var m = new double[d * d];
        for (int i = 0; i < d; i++) m[i * d + i] = s;
        return m;
    }

    private protected static void CheckRadius(double radius, string field)
    {
        if (!(radius > 0) || !double.IsFinite(radius))
            throw new ArgumentException($"{field}.Radius must be finite and > 0, got {radius}", field);
    }
}

/// <summary>x ~ N(0, Sigma); Sigma = null means the identity. Sampled as L z with Sigma = L L^T.</summary>
public sealed record GaussianInputs(double[]? Covariance) : InputLaw
{
    /// <inheritdoc/>
    public override string Name => Covariance is null ? "gaussian" : "gaussian(Sigma)";
    /// <inheritdoc/>
    public override bool IsSymmetric => true;
    /// <inheritdoc/>
    public override double[]? SecondMoment(int d) => Covariance is null ? ScaledIdentity(d, 1.0) : (double[])Covariance.Clone();

    /// <inheritdoc/>
    public override void Validate(int d, string field)
    {
        if (Covariance is null) return;
        if (Covariance.Length != d * d)
            throw new ArgumentException($"{field}.Covariance has length {Covariance.Length}, expected d*d = {d * d}", field);
        for (int i = 0; i < d; i++)
            for (int j = 0; j < d; j++)
            {
                double a = Covariance[i * d + j];
                if (!double.IsFinite(a)) throw new ArgumentException($"{field}.Covariance[{i},{j}] is not finite ({a})", field);
                if (Math.Abs(a - Covariance[j * d + i]) > 1e-12 * (Math.Abs(a) + 1))
                    throw new ArgumentException($"{field}.Covariance is not symmetric at [{i},{j}] ({a} vs {Covariance[j * d + i]})", field);
            }
        if (DenseCholesky.Factor(Covariance, d) is null)
            throw new ArgumentException($"{field}.Covariance is not positive definite", field);
    }

    internal override void SampleRows(Rng rng, int n, int d, double[] x)
    {
        var l = Factor(d);
        for (int k = 0; k < n; k++) Draw(rng, new Span<double>(x, k * d, d), l);
    }

    internal override void SampleOne(Rng rng, Span<double> x) => Draw(rng, x, Factor(x.Length));

    private double[]? Factor(int d) => Covariance is null ? null
        : DenseCholesky.Factor(Covariance, d) ?? throw new ArgumentException("Covariance is not positive definite", nameof(Covariance));

    private static void Draw(Rng rng, Span<double> x, double[]? l)
    {
        rng.FillGaussian(x);
        if (l is null) return;
        int d = x.Length;
        // x <- L z, bottom row first so each z_i is read before it is overwritten
        for (int i = d - 1; i >= 0; i--)
        {
            double s = 0;
            for (int k = 0; k <= i; k++) s += l[i * d + k] * x[k];
            x[i] = s;
        }
    }
}

/// <summary>x ~ N(mu, I_d). E[x x^T] = I + mu mu^T; not symmetric when mu != 0.</summary>
public sealed record ShiftedGaussianInputs(double[] Mean) : InputLaw
{
    /// <inheritdoc/>
    public override string Name => "shifted-gaussian";
    /// <inheritdoc/>
    public override bool IsSymmetric
    {
        get
        {
            foreach (var m in Mean) if (m != 0) return false;
            return true;
        }
    }
    /// <inheritdoc/>
    public override double[]? SecondMoment(int d)
    {
        var s = ScaledIdentity(d, 1.0);
        for (int i = 0; i < d; i++)
            for (int j = 0; j < d; j++) s[i * d + j] += Mean[i] * Mean[j];
        return s;
    }
    /// <inheritdoc/>
    public override void Validate(int d, string field)
    {
        if (Mean is null) throw new ArgumentException($"{field}.Mean is null", field);
        if (Mean.Length != d) throw new ArgumentException($"{field}.Mean has length {Mean.Length}, expected d = {d}", field);
        for (int i = 0; i < d; i++)
            if (!double.IsFinite(Mean[i])) throw new ArgumentException($"{field}.Mean[{i}] is not finite ({Mean[i]})", field);
    }
    internal override void SampleOne(Rng rng, Span<double> x)
    {
        rng.FillGaussian(x);
        for (int i = 0; i < x.Length; i++) x[i] += Mean[i];
    }
}

/// <summary>Independent uniform +-1 coordinates. Symmetric, Sigma = I.</summary>
public sealed record RademacherInputs : InputLaw
{
    /// <inheritdoc/>
    public override string Name => "rademacher";
    /// <inheritdoc/>
    public override bool IsSymmetric => true;
    /// <inheritdoc/>
    public override double[]? SecondMoment(int d) => ScaledIdentity(d, 1.0);
    /// <inheritdoc/>
    public override void Validate(int d, string field) { }
    internal override void SampleOne(Rng rng, Span<double> x)
    {
        for (int i = 0; i < x.Length; i++) x[i] = rng.NextSign();
    }
}

/// <summary>Uniform on the sphere of radius R. Symmetric, Sigma = (R^2/d) I.</summary>
public sealed record SphereInputs(double Radius = 1.0) : InputLaw
{
    /// <inheritdoc/>
    public override string Name => "sphere";
    /// <inheritdoc/>
    public override bool IsSymmetric => true;
    /// <inheritdoc/>
    public override double[]? SecondMoment(int d) => ScaledIdentity(d, Radius * Radius / d);
    /// <inheritdoc/>
    public override void Validate(int d, string field) => CheckRadius(Radius, field);
    internal override void SampleOne(Rng rng, Span<double> x)
    {
        rng.NextUnitVector(x);
        for (int i = 0; i < x.Length; i++) x[i] *= Radius;
    }
}

/// <summary>Uniform in the ball of radius R (direction times R U^(1/d)). Symmetric, Sigma = R^2/(d+2) I.</summary>
public sealed record BallInputs(double Radius = 1.0) : InputLaw
{
    /// <inheritdoc/>
    public override string Name => "ball";
    /// <inheritdoc/>
    public override bool IsSymmetric => true;
    /// <inheritdoc/>
    public override double[]? SecondMoment(int d) => ScaledIdentity(d, Radius * Radius / (d + 2));
    /// <inheritdoc/>
    public override void Validate(int d, string field) => CheckRadius(Radius, field);
    internal override void SampleOne(Rng rng, Span<double> x)
    {
        rng.NextUnitVector(x);
        double rho = Radius * DeterministicMath.Exp(DeterministicMath.Log(rng.NextOpenDouble()) / x.Length);
        for (int i = 0; i < x.Length; i++) x[i] *= rho;
    }
}

/// <summary>
/// n &lt;= d mutually orthogonal vectors of norm R: the rows of a Gaussian matrix orthonormalised
/// (Gram-Schmidt, twice) and scaled. Each row alone is uniform on the sphere of radius R, so a
/// test set (which need not be orthogonal to the training set) is drawn i.i.d. from that sphere.
/// </summary>
public sealed record OrthogonalInputs(double Radius = 1.0) : InputLaw
{
    /// <inheritdoc/>
    public override string Name => "orthogonal";
    /// <inheritdoc/>
    public override bool IsSymmetric => true;
    /// <inheritdoc/>
    public override double[]? SecondMoment(int d) => ScaledIdentity(d, Radius * Radius / d);
    /// <inheritdoc/>
    public override void Validate(int d, string field) => CheckRadius(Radius, field);

    internal override void SampleRows(Rng rng, int n, int d, double[] x)
    {
        if (n > d) throw new ArgumentException($"an orthogonal set needs n <= d, got n = {n}, d = {d}", nameof(n));
        for (int k = 0; k < n; k++)
        {
            var row = new Span<double>(x, k * d, d);
            while (true)
            {
                rng.FillGaussian(row);
                for (int pass = 0; pass < 2; pass++)
                    for (int l = 0; l < k; l++)
                    {
                        var prev = new ReadOnlySpan<double>(x, l * d, d);
                        double p = Vec.Dot(row, prev);
                        for (int i = 0; i < d; i++) row[i] -= p * prev[i];
                    }
                if (Vec.Normalize(row) > 1e-8) break; // redraw in the (probability-zero) degenerate case
            }
        }
        for (int i = 0; i < n * d; i++) x[i] *= Radius;
    }

    internal override void SampleOne(Rng rng, Span<double> x)
    {
        rng.NextUnitVector(x);
        for (int i = 0; i < x.Length; i++) x[i] *= Radius;
    }
}

/// <summary>
/// The empirical law of the rows of a user's CSV (x1..xd[,y]): a draw picks a row uniformly at
/// random (with replacement). With labels, <see cref="Teacher.CsvLabels"/> uses the file's y.
/// To use a file as it is, without resampling, call Dataset.LoadCsv instead.
/// </summary>
public sealed record CsvInputs : InputLaw
{
    /// <summary>The file the rows came from.</summary>
    public string Path { get; }
    /// <summary>Number of rows in the file.</summary>
    public int Rows { get; }
    /// <summary>Input dimension of the file.</summary>
    public int D { get; }
    /// <summary>True if the last column is a label y.</summary>
    public bool HasLabels { get; }
    /// <summary>The inputs, row-major Rows x D.</summary>
    public double[] X { get; }
    /// <summary>The labels (empty when <see cref="HasLabels"/> is false).</summary>
    public double[] Y { get; }

    private CsvInputs(string path, int rows, int d, bool hasLabels, double[] x, double[] y)
    {
        Path = path; Rows = rows; D = d; HasLabels = hasLabels; X = x; Y = y;
    }

    /// <summary>Builds the law from in-memory rows (row-major n x d) and optional labels.</summary>
    public static CsvInputs FromRows(int rows, int d, double[] x, double[]? y, string path = "<memory>")
    {
        var ds = new Dataset(rows, d, x, y ?? new double[rows]); // validates sizes and finiteness
        return new CsvInputs(path, rows, d, y is not null, ds.X, y is null ? [] : ds.Y);
    }

    /// <summary>
    /// Loads a CSV with the rules of <see cref="NumericCsv"/> (a first line without any number is a header);
    /// with <paramref name="lastColumnIsLabel"/> the last column is y.
    /// </summary>
    public static CsvInputs Load(string path, bool lastColumnIsLabel)
    {
        if (string.IsNullOrWhiteSpace(path)) throw new ArgumentException($"CSV path is empty ('{path}')", nameof(path));
        if (!File.Exists(path)) throw new ArgumentException($"CSV file not found: '{path}'", nameof(path));
        List<double[]> rows;
        int width;
        try { (rows, width) = NumericCsv.Read(path); }
        catch (FormatException e) { throw new ArgumentException(e.Message, nameof(path), e); }
        int d = lastColumnIsLabel ? width - 1 : width;
        if (d < 1) throw new ArgumentException($"{path}: {width} column(s) leave no input column", nameof(path));
        var (x, y) = NumericCsv.Split(rows, d, lastColumnIsLabel);
        return FromRows(rows.Count, d, x, y, path);
    }

    /// <inheritdoc/>
    public override string Name => $"csv({System.IO.Path.GetFileName(Path)})";
    /// <inheritdoc/>
    public override bool IsSymmetric => false;
    /// <inheritdoc/>
    public override double[]? SecondMoment(int d)
    {
        var s = new double[d * d];
        for (int k = 0; k < Rows; k++)
            for (int i = 0; i < d; i++)
                for (int j = 0; j < d; j++) s[i * d + j] += X[k * d + i] * X[k * d + j] / Rows;
        return s;
    }
    /// <inheritdoc/>
    public override void Validate(int d, string field)
    {
        if (d != D) throw new ArgumentException($"{field}: the CSV '{Path}' has d = {D} input columns, the model says d = {d}", field);
    }

    /// <summary>Draws a row index.</summary>
    internal int SampleRow(Rng rng) => rng.NextInt(Rows);

    internal override void SampleOne(Rng rng, Span<double> x) => new ReadOnlySpan<double>(X, SampleRow(rng) * D, D).CopyTo(x);
}
