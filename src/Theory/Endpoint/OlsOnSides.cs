using MathNet.Numerics.LinearAlgebra;
using SimplicityBias.Dynamics.Network;
using SimplicityBias.Theory.Numerics;
using SimplicityBias.Dynamics.Numerics;

namespace SimplicityBias.Theory.Endpoint;

/// <summary>Outcome of least squares on one side.</summary>
public enum OlsStatus
{
    /// <summary>Solved.</summary>
    Ok,
    /// <summary>The side has fewer than d points.</summary>
    TooFewPoints,
    /// <summary>The side's design matrix has rank &lt; d.</summary>
    RankDeficient,
}

/// <summary>Least squares on one side: beta = argmin |X_S beta - y_S|.</summary>
/// <param name="Side">"S+" or "S-".</param>
/// <param name="Status">Ok or why not.</param>
/// <param name="Beta">The solution (null unless Ok).</param>
/// <param name="Count">Points on the side.</param>
/// <param name="Message">A readable reason when not Ok.</param>
public sealed record OlsSide(string Side, OlsStatus Status, double[]? Beta, int Count, string Message);

/// <summary>
/// The predicted piecewise-linear function h(x) = [x in S+] &lt;beta+, x&gt; + [x in S-] &lt;beta-, x&gt;
/// (for a direction rule exactly one side holds: h = &lt;beta+, x&gt; if &lt;u, x&gt; &gt; 0, else &lt;beta-, x&gt;).
/// </summary>
public sealed class PiecewiseLinearPredictor
{
    /// <summary>The side rule.</summary>
    public SideRule Rule { get; }
    /// <summary>beta+ (OLS on S+).</summary>
    public double[] BetaPlus { get; }
    /// <summary>beta- (OLS on S-).</summary>
    public double[] BetaMinus { get; }

    /// <summary>A predictor from a rule and the two coefficient vectors.</summary>
    public PiecewiseLinearPredictor(SideRule rule, double[] betaPlus, double[] betaMinus)
    {
        Rule = rule ?? throw new ArgumentNullException(nameof(rule));
        BetaPlus = betaPlus ?? throw new ArgumentNullException(nameof(betaPlus));
        BetaMinus = betaMinus ?? throw new ArgumentNullException(nameof(betaMinus));
        if (betaPlus.Length != betaMinus.Length) throw new ArgumentException($"betaPlus has length {betaPlus.Length}, betaMinus {betaMinus.Length}", nameof(betaMinus));
    }

    /// <summary>h(x).</summary>
    public double Predict(ReadOnlySpan<double> x)
    {
        double h = 0;
        if (Rule.InPlus(x)) h += Vec.Dot(BetaPlus, x);
        if (Rule.InMinus(x)) h += Vec.Dot(BetaMinus, x);
        return h;
    }

    /// <summary>1/(2n) sum_k (h(x_k) - y_k)^2 (the project's loss convention; MSE is twice it).</summary>
    public double Loss(Dataset data)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.D != BetaPlus.Length) throw new ArgumentException($"data has d = {data.D}, predictor {BetaPlus.Length}", nameof(data));
        double s = 0;
        for (int k = 0; k < data.N; k++)
        {
            double r = Predict(data.Row(k)) - data.Y[k];
            s += r * r;
        }
        return s / (2.0 * data.N);
    }
}

/// <summary>OLS on both sides and the predicted function with its training loss.</summary>
/// <param name="Plus">OLS on S+.</param>
/// <param name="Minus">OLS on S-.</param>
/// <param name="Split">The split used.</param>
/// <param name="Predictor">The piecewise-linear function (null unless both sides are Ok).</param>
/// <param name="TrainLoss">Its training loss, 1/(2n) convention (NaN unless both sides are Ok).</param>
public sealed record OlsPrediction(OlsSide Plus, OlsSide Minus, SideSplit Split, PiecewiseLinearPredictor? Predictor, double TrainLoss)
{
    /// <summary>True if both sides were solved.</summary>
    public bool Ok => Plus.Status == OlsStatus.Ok && Minus.Status == OlsStatus.Ok;

    /// <summary>Throws InvalidOperationException with the sides' messages unless <see cref="Ok"/>.</summary>
    public OlsPrediction ThrowIfFailed()
    {
        if (!Ok) throw new InvalidOperationException(string.Join("; ", new[] { Plus, Minus }.Where(s => s.Status != OlsStatus.Ok).Select(s => s.Message)));
        return this;
    }
}

/// <summary>
/// OLS on S+ and on S- (docs/THEORY.md section 6): beta+ should equal OLS on S+ and beta- OLS on S-,
/// solved by Householder QR (MathNet). Failures come back as statuses with a message
/// (fewer than d points, or rank-deficient); <see cref="OlsPrediction.ThrowIfFailed"/> turns them into an error.
/// </summary>
public static class OlsOnSides
{
    /// <summary>A side is rank-deficient if some |R_ii| is at most this times the largest |R_ii|.</summary>
    public const double RankTolerance = 1e-10;

    /// <summary>OLS on both sides of the split and the predicted function.</summary>
    public static OlsPrediction Fit(Dataset data, SideSplit split)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(split);
        if (split.Plus.Length != data.N || split.Minus.Length != data.N)
            throw new ArgumentException($"split has {split.Plus.Length} points, data has n = {data.N}", nameof(split));
        var plus = FitSide(data, split.Plus, "S+");
        var minus = FitSide(data, split.Minus, "S-");
        PiecewiseLinearPredictor? pred = null;
        double loss = double.NaN;
        if (plus.Status == OlsStatus.Ok && minus.Status == OlsStatus.Ok)
        {
            pred = new PiecewiseLinearPredictor(split.Rule, plus.Beta!, minus.Beta!);
            loss = pred.Loss(data);
        }
        return new OlsPrediction(plus, minus, split, pred, loss);
    }

    /// <summary>OLS on the points with members[k] = true.</summary>
    public static OlsSide FitSide(Dataset data, bool[] members, string side)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(members);
        if (members.Length != data.N) throw new ArgumentException($"members has length {members.Length}, expected n = {data.N}", nameof(members));
        int d = data.D;
        var idx = new List<int>();
        for (int k = 0; k < data.N; k++) if (members[k]) idx.Add(k);
        int count = idx.Count;
        if (count < d)
            return new OlsSide(side, OlsStatus.TooFewPoints, null, count, $"OLS on {side} needs at least d = {d} points, it has {count}");
        var x = Matrix<double>.Build.Dense(count, d, (i, j) => data.X[idx[i] * d + j]);
        var y = Vector<double>.Build.Dense(count, i => data.Y[idx[i]]);
        var qr = x.QR(MathNet.Numerics.LinearAlgebra.Factorization.QRMethod.Thin);
        double maxDiag = 0, minDiag = double.MaxValue;
        for (int i = 0; i < d; i++) { double r = Math.Abs(qr.R[i, i]); maxDiag = Math.Max(maxDiag, r); minDiag = Math.Min(minDiag, r); }
        if (!(minDiag > RankTolerance * maxDiag))
        {
            int rank = x.Rank();
            return new OlsSide(side, OlsStatus.RankDeficient, null, count,
                $"OLS on {side} is rank-deficient: rank {rank} < d = {d} with {count} points (smallest |R_ii| {minDiag:G3} vs largest {maxDiag:G3})");
        }
        var beta = qr.Solve(y).ToArray();
        return new OlsSide(side, OlsStatus.Ok, beta, count, "");
    }
}
