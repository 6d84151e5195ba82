namespace SimplicityBias.Verify.Specs;

/// <summary>
/// One experiment, fully specified: a run is a pure function of this record.
/// Defaults are the toolkit's own setting, not the paper's experimental one (docs/THEORY.md section 8):
/// d = 5, linear teacher beta* = e_1, N(0, I) inputs, sigma = 1, balanced initialization with
/// lambda = 1e-3 (docs/THEORY.md section 3), and m = 100 neurons (large enough for the theory's "m large"
/// at these sizes; the integrator's reference problem R1 of bench/RESULTS.md has this width).
/// </summary>
public sealed record ExperimentSpec
{
    /// <summary>Input distribution: gaussian (N(0, I)), shifted-gaussian (N(mu, I)), sphere (uniform, radius sqrt(d)), orthogonal (n &lt;= d orthogonal inputs).</summary>
    public string DataModel { get; init; } = "gaussian";
    /// <summary>Mean shift of shifted-gaussian: mu = shift * (1, ..., 1) / sqrt(d).</summary>
    public double Shift { get; init; } = 1.0;
    /// <summary>Teacher: linear (y = &lt;beta*, x&gt; + noise) or relu (a sum of k ReLU units + noise).</summary>
    public string Teacher { get; init; } = "linear";
    /// <summary>beta* of the linear teacher; null means e_1.</summary>
    public double[]? Beta { get; init; }
    /// <summary>Number k of units of the relu teacher.</summary>
    public int TeacherUnits { get; init; } = 5;
    /// <summary>Label noise standard deviation sigma (Gaussian, centred).</summary>
    public double Sigma { get; init; } = 1.0;
    /// <summary>Training sample size n.</summary>
    public int N { get; init; } = 500;
    /// <summary>Input dimension d.</summary>
    public int D { get; init; } = 5;
    /// <summary>Width m.</summary>
    public int M { get; init; } = 100;
    /// <summary>Initialization scale lambda.</summary>
    public double Lambda { get; init; } = 1e-3;
    /// <summary>Initialization: balanced, dominated or unbalanced (docs/THEORY.md section 3).</summary>
    public string Init { get; init; } = "balanced";
    /// <summary>Nonlinearity: relu or gelu.</summary>
    public string Activation { get; init; } = "relu";
    /// <summary>Training method: flow (Filippov gradient flow), flow-plain (generic baseline), gd, adam.</summary>
    public string Solver { get; init; } = "flow";
    /// <summary>Relative tolerance of the adaptive steps.</summary>
    public double Rtol { get; init; } = 1e-6;
    /// <summary>Absolute tolerance of the adaptive steps.</summary>
    public double Atol { get; init; } = 1e-10;
    /// <summary>Stop when the minimum-norm gradient is below this.</summary>
    public double StationarityTol { get; init; } = 1e-8;
    /// <summary>Final flow time.</summary>
    public double Horizon { get; init; } = 1e5;
    /// <summary>Step budget of the flow solver.</summary>
    public long MaxSteps { get; init; } = 5_000_000;
    /// <summary>Learning rate of gd and adam.</summary>
    public double LearningRate { get; init; } = 0.01;
    /// <summary>Trajectory points per decade of t.</summary>
    public int PointsPerDecade { get; init; } = 8;
    /// <summary>eps of the end of the early phase (max_j |w_j| &gt; lambda^(1-eps)/sqrt(m)).</summary>
    public double EarlyPhaseEps { get; init; } = 0.5;
    /// <summary>Seed: the data, test set and initialization streams derive from it.</summary>
    public int Seed { get; init; } = 1;
    /// <summary>Test-set size (0 = none).</summary>
    public int TestN { get; init; } = 10_000;
    /// <summary>Whether test labels carry noise (default: no, so the test loss measures the distance to the teacher).</summary>
    public bool TestNoise { get; init; }
    /// <summary>Expected regime: auto, ols (above the threshold), interpolation (below it), none (no endpoint claim).</summary>
    public string Expect { get; init; } = "auto";
    /// <summary>Optimization threshold n*(d) used by expect = auto; null = 25,000 (d/10)^3 (the paper's d = 10 figure, cubic in d).</summary>
    public double? Threshold { get; init; }
    /// <summary>Tolerances of the checks.</summary>
    public CheckTolerances Tolerances { get; init; } = new();

    /// <summary>beta* (e_1 when not given).</summary>
    public double[] BetaOrDefault()
    {
        if (Beta is not null) return (double[])Beta.Clone();
        var b = new double[D];
        b[0] = 1;
        return b;
    }

    /// <summary>The threshold n*(d) used by expect = auto.</summary>
    public double ThresholdOrDefault() => Threshold ?? 25_000.0 * Math.Pow(D / 10.0, 3);
}

/// <summary>Tolerances of the checks (each documented with the check it belongs to).</summary>
public sealed record CheckTolerances
{
    /// <summary>C in: angle (radians) between the large sample's extremal directions and the population ones &lt;= C sqrt(d / testN).</summary>
    public double Population { get; init; } = 3.0;
    /// <summary>C in: distance of empirical to population extremal vectors &lt;= C sqrt(d log(n) / n).</summary>
    public double Concentration { get; init; } = 3.0;
    /// <summary>A neuron counts as aligned when its cosine with a same-sign extremal direction is at least this.</summary>
    public double AlignmentCosine { get; init; } = 0.9;
    /// <summary>Fraction of neurons (weighted by |a_j||w_j|) allowed not to be aligned at the end of the early phase.</summary>
    public double Alignment { get; init; } = 0.2;
    /// <summary>Relative error allowed between beta+- and OLS on S+-.</summary>
    public double Ols { get; init; } = 0.05;
    /// <summary>Fraction of training points on which a sign group may fail to be unanimous (its neurons' activation sets differ there).</summary>
    public double CommonSets { get; init; } = 0.1;
    /// <summary>Relative error allowed between the endpoint's train loss and that of the OLS-on-S+- function.</summary>
    public double Loss { get; init; } = 0.05;
    /// <summary>Relative error allowed between the endpoint's test loss and that of the OLS-on-S+- function (the excess test loss is small and sensitive to beta+-).</summary>
    public double TestLoss { get; init; } = 0.25;
    /// <summary>C in: fraction of training points in both S+ and S- or in neither &lt;= C sqrt(d / n).</summary>
    public double Split { get; init; } = 2.0;
    /// <summary>Relative error allowed between the test loss and the reference level sigma^2 d / n.</summary>
    public double ReferenceLevel { get; init; } = 1.0;
    /// <summary>Interpolation: train loss at most this times the noise level sigma^2/2 (or mean y^2/2).</summary>
    public double Interpolation { get; init; } = 1e-3;
    /// <summary>Largest drift of a_j^2 - |w_j|^2 allowed, relative to the current scale max(initial scale, 2 max_j |w_j|^2).</summary>
    public double Balancedness { get; init; } = 1e-6;
    /// <summary>Largest increase of the loss between trajectory points, relative to max(L, 1e-6 L(0)); rises within the loss's resolution at rtol do not count.</summary>
    public double Monotone { get; init; } = 1e-6;
    /// <summary>Allowed distance of the fitted concentration exponent from -1/2 (sweep-level check).</summary>
    public double Slope { get; init; } = 0.2;
}
