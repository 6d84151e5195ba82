namespace SimplicityBias.Dynamics.Network;

/// <summary>
/// The right-hand side f(theta) = -grad L(theta) of the gradient flow with the activation pattern frozen
/// (a mask, so f is a polynomial in theta within a step) and with the Filippov sliding selection: for a
/// neuron sliding on the hyperplanes K_j, the w_j component is projected onto their common tangent space,
/// which is the selection eta_k = lambda_k n / (a_j r_k) that keeps &lt;w_j, x_k&gt; = 0 (docs/THEORY.md section 10).
/// The projectors depend on the data only, so within a step the field stays a polynomial and its
/// Jacobian is exactly -Pi H (Pi the block projector, H the Hessian of the masked loss).
/// </summary>
internal sealed class FilippovField
{
    readonly GradientKernel _kernel;
    readonly BlockField? _blocks;
    readonly GroupedField? _grouped;
    readonly Dataset _data;
    readonly int _m, _d, _n;
    readonly double[] _lambda;

    /// <summary>Frozen activation pattern, m x n neuron-major, 0 or 1 (sliding pairs are 0: their z is 0).</summary>
    public ActivationMask Mask { get; }
    /// <summary>Sliding set of each neuron (empty when it slides on none).</summary>
    public SlidingSet[] Sliding { get; }
    /// <summary>lambda of each sliding basis pair at the last evaluation: Lambda[j*(d-1) + position in the basis of K_j].</summary>
    public double[] Lambda => _lambda;
    /// <summary>The unprojected gradient of the masked loss at the last evaluation (layout of theta).</summary>
    public double[] RawGradient { get; }
    /// <summary>Right-hand-side evaluations so far.</summary>
    public long Evaluations { get; private set; }
    /// <summary>The kernel (its residuals are those of the last evaluation).</summary>
    public GradientKernel Kernel => _kernel;
    /// <summary>The residuals of the last evaluation with signs or residuals (and of the direct kernel's inner stages).</summary>
    public ResidualTable Residuals { get; }
    /// <summary>
    /// Whether the last evaluation wrote the signs it was given. In the grouped form's phase it does not (a pass over
    /// all pairs is what that form avoids): the caller updates them (<see cref="MarginSigns"/>).
    /// </summary>
    public bool SignsWritten { get; private set; }
    /// <summary>Whether the grouped form serves the inner stages now (<see cref="ObserveGrouped"/>).</summary>
    bool GroupedPhase => _blockPhase && _grouped is not null;
    /// <summary>
    /// Whether the evaluations that end a step go to the grouped form too. Its price there includes the signs from
    /// near lists and the residuals on demand (<see cref="MarginSigns"/>, <see cref="ResidualTable"/>), which cost
    /// about as much again as the evaluation while the neurons still move (F10 and R3 to t = 1e3 ran 3-6% slower
    /// with every step end of the grouped phase in grouped form): they go there only while the grouped form is
    /// several times cheaper than the direct kernel (<see cref="StepEndWeight"/>). A forced grouped backend always.
    /// </summary>
    public bool GroupedStepEnds => GroupedPhase && (_forced || _groupedStepEnds);
    bool _groupedStepEnds;
    const double StepEndWeight = 4;
    /// <summary>Number of sliding pairs.</summary>
    public int SlidingPairs { get; private set; }

    /// <summary>The backend of the evaluations that need neither signs nor residuals (Direct, Block or Grouped).</summary>
    public FieldBackend Backend { get; }
    /// <summary>Evaluations served by the block or grouped form.</summary>
    public long BlockFormEvaluations => _blocks?.Evaluations ?? _grouped?.Evaluations ?? 0;
    /// <summary>Pairs folded into the blocks one by one (block form only; the grouped form reads its deltas from the mask).</summary>
    public long BlockFormPairUpdates => _blocks?.PairUpdates ?? 0;
    /// <summary>Blocks summed from scratch (block form) or regroupings (grouped form).</summary>
    public long BlockFormRebuilds => _blocks?.BlockRebuilds ?? _grouped?.Regroupings ?? 0;

    public FilippovField(Dataset data, int m, FieldBackend backend = FieldBackend.Direct)
    {
        _data = data; _m = m; _d = data.D; _n = data.N;
        _kernel = new GradientKernel(data, m, Activation.Relu);
        Mask = new ActivationMask(m, data.N, _kernel.PaddedNeurons);
        Backend = backend == FieldBackend.Auto ? Choose(data.N, m, data.D) : backend;
        if (Backend == FieldBackend.Block) _blocks = new BlockField(data, m, Mask.Bits.Length);
        if (Backend == FieldBackend.Grouped) _grouped = new GroupedField(data, m);
        _forced = backend is FieldBackend.Block or FieldBackend.Grouped;
        _blockPhase = _forced;
        Sliding = new SlidingSet[m];
        for (int j = 0; j < m; j++) Sliding[j] = new SlidingSet(data);
        _lambda = new double[m * Math.Max(1, data.D - 1)];
        RawGradient = new double[m * (data.D + 1)];
        Residuals = new ResidualTable(data, m);
        double c = 0;
        for (int k = 0; k < data.N; k++) c += data.Y[k] * data.Y[k];
        _halfMeanSquare = c / (2.0 * data.N);
    }

    /// <summary>Recounts <see cref="SlidingPairs"/> after the sets changed.</summary>
    public void RecountSliding()
    {
        int c = 0;
        foreach (var s in Sliding) c += s.Count;
        SlidingPairs = c;
    }

    /// <summary>
    /// Whether the grouped form may serve a run at all: the direct kernel must cost at least 2e7 operations an
    /// evaluation (4 n m d; below that, about a millisecond, the rest of a step costs more than the field), and d
    /// be small enough for the groups' dense d x d blocks. When and where it serves is decided along the run
    /// (<see cref="ObserveStep"/>).
    /// </summary>
    public static FieldBackend Choose(int n, int m, int d)
        => 4.0 * n * m * d >= MinGroupedDirectOperations && d <= MaxGroupedDimension ? FieldBackend.Grouped : FieldBackend.Direct;

    const double MinGroupedDirectOperations = 2e7;
    // Above this d the groups' d x d blocks stop being cheap next to the deltas' gathers.
    const int MaxGroupedDimension = 64;

    // Relative cost of an operation of the grouped form against one of the direct kernel's: the deltas are
    // gathered sample by sample while the direct kernel streams at the FMA peak (`bench grouped-quick` and
    // `bench patterns`: about 2 GFLOP/s against 40).
    const double GroupedOperationWeight = 20;
    // Steps between probes of the grouping while the direct kernel serves.
    const int GroupedProbeInterval = 8;
    int _stepsSinceProbe = GroupedProbeInterval;

    bool _blockPhase;
    int _stagesSinceSigns;

    /// <summary>Times the evaluations switched between the direct kernel and the grouped form.</summary>
    public int BackendSwitches { get; private set; }

    /// <summary>
    /// At every evaluation with signs that ends a step (inner stages since the previous one), Auto decides whether
    /// the grouped form serves the next step's stages (<see cref="ObserveGrouped"/>); a forced backend stays.
    /// </summary>
    void ObserveStep()
    {
        if (_stagesSinceSigns == 0) return; // a re-evaluation after an update, not a step
        _stagesSinceSigns = 0;
        if (!_forced && Backend == FieldBackend.Grouped) ObserveGrouped();
    }
    readonly bool _forced;

    /// <summary>
    /// Auto with the grouped form: while the direct kernel serves, the neurons are regrouped every few steps to see
    /// what an evaluation would cost; the grouped form serves while its cost (with the deltas of its last
    /// evaluation) is below the direct kernel's, with a factor 2 of hysteresis on the way in.
    /// </summary>
    void ObserveGrouped()
    {
        var g = _grouped!;
        if (!_blockPhase)
        {
            if (++_stepsSinceProbe < GroupedProbeInterval) return;
            _stepsSinceProbe = 0;
            g.Regroup(Mask);
        }
        double direct = 4.0 * _n * _m * _d;
        double grouped = GroupedOperationWeight * g.OperationsPerEvaluation();
        bool use = _blockPhase ? grouped < direct : 2 * grouped < direct;
        if (use != _blockPhase) { _blockPhase = use; BackendSwitches++; }
        _groupedStepEnds = use && StepEndWeight * grouped < direct;
    }

    /// <summary>
    /// f = -Pi grad L_mask(theta); returns the loss. Writes the signs of the pre-activations when asked, unless the
    /// grouped form serves (<see cref="SignsWritten"/>). The inner stages of a step (neither signs nor residuals) go to
    /// the block or grouped form in its phase; the evaluations that end a step go to the grouped form in its phase
    /// where its loss is accurate, and to the direct kernel otherwise.
    /// </summary>
    public double Evaluate(ReadOnlySpan<double> theta, Span<double> f, SignPattern? signs = null, bool residuals = false)
    {
        Evaluations++;
        double loss;
        if (signs is not null) ObserveStep();
        else _stagesSinceSigns++;
        SignsWritten = false;
        if (_blockPhase && _blocks is not null && signs is null && !residuals)
        {
            _blocks.Sync(Mask);
            loss = _blocks.Evaluate(theta, f);
        }
        else if (_blockPhase && _grouped is not null && signs is null && !residuals)
            loss = _grouped.Evaluate(theta, f, Mask);
        else if (GroupedStepEnds && GroupedLossAccurate(loss = _grouped!.Evaluate(theta, f, Mask)))
            Residuals.Capture(theta, Mask); // the caller sets the signs (SignsWritten is false)
        else
        {
            loss = _kernel.EvaluateMasked(theta, f, Mask, default, signs);
            Residuals.UseKernel(_kernel.Residuals);
            SignsWritten = signs is not null;
        }
        f.CopyTo(RawGradient);
        for (int p = 0; p < f.Length; p++) f[p] = -f[p];
        if (SlidingPairs > 0) ProjectSliding(f);
        return loss;
    }

    /// <summary>
    /// Whether the grouped form's loss, a difference of terms of size sum y^2 / 2n, is accurate enough to serve an
    /// evaluation whose loss the integrator compares at the relative tolerance: it must be at least 1e-4 of that
    /// size (its rounding is then below 1e-11 of it). Below, near interpolation, the direct kernel serves.
    /// </summary>
    bool GroupedLossAccurate(double loss) => loss >= 1e-4 * _halfMeanSquare;
    readonly double _halfMeanSquare;

    /// <summary>Projects the w-part of every sliding neuron of a vector laid out like theta.</summary>
    public void ProjectSliding(Span<double> v)
    {
        int stride = _d + 1, q = Math.Max(1, _d - 1);
        for (int j = 0; j < _m; j++)
        {
            var set = Sliding[j];
            if (set.Count == 0) continue;
            set.Project(v.Slice(j * stride + 1, _d), _lambda.AsSpan(j * q, set.BasisCount));
        }
    }
}
