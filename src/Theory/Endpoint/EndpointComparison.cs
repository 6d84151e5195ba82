using SimplicityBias.Dynamics.Network;
using SimplicityBias.Theory.Numerics;
using SimplicityBias.Dynamics.Numerics;

namespace SimplicityBias.Theory.Endpoint;

/// <summary>A network endpoint against the OLS-on-sides prediction (all losses in the 1/(2n) convention).</summary>
/// <param name="BetaPlus">The network's beta+ = sum over a_j &gt; 0 of a_j w_j.</param>
/// <param name="BetaMinus">The network's beta- = sum over a_j &lt; 0 of a_j w_j (on S-, h(x) = &lt;beta-, x&gt;, compared with OLS on S- directly).</param>
/// <param name="NetworkSplit">The network's own S+ and S- with the agreement within each group.</param>
/// <param name="Prediction">OLS on the prediction's sides.</param>
/// <param name="RelativeErrorPlus">|beta+ - OLS(S+)| / |OLS(S+)| (NaN if that OLS failed).</param>
/// <param name="RelativeErrorMinus">|beta- - OLS(S-)| / |OLS(S-)| (NaN if that OLS failed).</param>
/// <param name="NetworkTrainLoss">The network's training loss.</param>
/// <param name="PredictedTrainLoss">The predicted function's training loss.</param>
/// <param name="NetworkTestLoss">The network's test loss (NaN without a test set).</param>
/// <param name="PredictedTestLoss">The predicted function's test loss (NaN without a test set).</param>
/// <param name="PlusAgreement">Fraction of training points on which the network's S+ and the prediction's S+ agree.</param>
/// <param name="MinusAgreement">Same for S-.</param>
public sealed record EndpointReport(
    double[] BetaPlus,
    double[] BetaMinus,
    SideSplit NetworkSplit,
    OlsPrediction Prediction,
    double RelativeErrorPlus,
    double RelativeErrorMinus,
    double NetworkTrainLoss,
    double PredictedTrainLoss,
    double NetworkTestLoss,
    double PredictedTestLoss,
    double PlusAgreement,
    double MinusAgreement)
{
    /// <summary>NetworkTrainLoss - PredictedTrainLoss.</summary>
    public double TrainLossDifference => NetworkTrainLoss - PredictedTrainLoss;
    /// <summary>NetworkTestLoss - PredictedTestLoss.</summary>
    public double TestLossDifference => NetworkTestLoss - PredictedTestLoss;
}

/// <summary>
/// Compares a network endpoint with the theory's prediction (docs/THEORY.md section 6): beta+ and beta-
/// against OLS on S+ and S-, train and test losses against those of the piecewise-linear OLS
/// function, and the activation sets against the prediction's sides.
/// </summary>
public static class EndpointComparison
{
    /// <summary>
    /// Compares <paramref name="network"/> with OLS on <paramref name="predictionSplit"/> (by default
    /// the network's own sides, from its activation sets). Pass Sides.FromDirection(train, u) to
    /// predict from a population or empirical extremal direction u instead.
    /// </summary>
    /// <param name="network">The endpoint.</param>
    /// <param name="train">Training data.</param>
    /// <param name="test">Optional test data.</param>
    /// <param name="predictionSplit">The split OLS is fitted on (default: the network's own).</param>
    /// <param name="negligibleRelative">See <see cref="Sides.FromNetwork"/>.</param>
    /// <param name="sliding">Optional sliding pairs per neuron at the endpoint (see <see cref="Sides.FromNetwork"/>).</param>
    /// <param name="eta">Their Filippov weights (<see cref="SlidingSelection.Eta"/>).</param>
    public static EndpointReport Compare(NetworkParameters network, Dataset train, Dataset? test = null,
        SideSplit? predictionSplit = null, double negligibleRelative = Sides.DefaultNegligibleRelative,
        IReadOnlyList<int[]>? sliding = null, double[][]? eta = null)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(train);
        if (network.D != train.D) throw new ArgumentException($"network has d = {network.D}, train has d = {train.D}", nameof(train));
        if (test is not null && test.D != train.D) throw new ArgumentException($"test has d = {test.D}, train has d = {train.D}", nameof(test));
        var own = Sides.FromNetwork(train, network, negligibleRelative, sliding, eta);
        var split = predictionSplit ?? own;
        var pred = OlsOnSides.Fit(train, split);
        var bp = network.SignedSum(+1);
        var bm = network.SignedSum(-1);
        double relP = pred.Plus.Beta is { } p ? Distance(bp, p) / Vec.Norm(p) : double.NaN;
        double relM = pred.Minus.Beta is { } q ? Distance(bm, q) / Vec.Norm(q) : double.NaN;
        double netTest = test is null ? double.NaN : network.Loss(test);
        double predTest = test is null || pred.Predictor is null ? double.NaN : pred.Predictor.Loss(test);
        int agreeP = 0, agreeM = 0;
        for (int k = 0; k < train.N; k++)
        {
            if (own.Plus[k] == split.Plus[k]) agreeP++;
            if (own.Minus[k] == split.Minus[k]) agreeM++;
        }
        return new EndpointReport(bp, bm, own, pred, relP, relM,
            network.Loss(train), pred.TrainLoss, netTest, predTest,
            (double)agreeP / train.N, (double)agreeM / train.N);
    }

    private static double Distance(double[] a, double[] b)
    {
        double s = 0;
        for (int i = 0; i < a.Length; i++) s += (a[i] - b[i]) * (a[i] - b[i]);
        return Math.Sqrt(s);
    }
}
