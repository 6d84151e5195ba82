using SimplicityBias.Dynamics.Network;
using SimplicityBias.Theory.Data;
using SimplicityBias.Theory.Endpoint;
using SimplicityBias.Theory.Numerics;
using Xunit.Abstractions;
using SimplicityBias.Dynamics.Numerics;

namespace SimplicityBias.Theory.Tests;

public class EndpointTests
{
    private readonly ITestOutputHelper _out;
    public EndpointTests(ITestOutputHelper output) => _out = output;

    [Fact]
    public void Ols_on_sides_satisfies_the_normal_equations()
    {
        var data = DataModel.StandardLinear(200, 4, 1.0, 3).Generate();
        double[] u = Vec.Unit([1.0, 0.2, -0.1, 0.3]);
        var split = Sides.FromDirection(data, u);
        Assert.Equal(data.N, split.PlusCount + split.MinusCount);
        Assert.Equal(0, split.Overlap);
        var pred = OlsOnSides.Fit(data, split).ThrowIfFailed();
        foreach (var (side, members) in new[] { (pred.Plus, split.Plus), (pred.Minus, split.Minus) })
        {
            // X_S^T (X_S beta - y_S) = 0
            var grad = new double[4];
            double scale = 0;
            for (int k = 0; k < data.N; k++)
            {
                if (!members[k]) continue;
                var x = data.Row(k);
                double r = Vec.Dot(side.Beta!, x) - data.Y[k];
                for (int i = 0; i < 4; i++) { grad[i] += r * x[i]; scale += Math.Abs(data.Y[k] * x[i]); }
            }
            Assert.True(Vec.Norm(grad) < 1e-12 * scale, $"{side.Side}: |X^T r| = {Vec.Norm(grad)}");
        }
        // the predicted function on the training set equals the two fits side by side
        for (int k = 0; k < data.N; k++)
        {
            var beta = split.Plus[k] ? pred.Plus.Beta! : pred.Minus.Beta!;
            Assert.Equal(Vec.Dot(beta, data.Row(k)), pred.Predictor!.Predict(data.Row(k)), 1e-12);
        }
    }

    /// <summary>
    /// Data whose OLS fits on both sides of u are exactly g+ u and g- u (residuals orthogonal to each
    /// side's columns); then two neurons a = +sqrt(g+), w = sqrt(g+) u and a = -sqrt(g-), w = -sqrt(g-) u
    /// have active sets S+ and S- and realise the predicted function exactly.
    /// </summary>
    private static (Dataset Data, double[] U, NetworkParameters Net, double Gp, double Gm) ExactTwoNeuronCase(long seed)
    {
        const int n = 120, d = 3;
        var rng = new Rng(seed, 9);
        var x = new double[n * d];
        rng.FillGaussian(x);
        double[] u = Vec.Unit([0.6, -0.5, 0.4]);
        double gp = 1.7, gm = 0.8;
        var y = new double[n];
        foreach (bool plus in new[] { true, false })
        {
            var idx = Enumerable.Range(0, n).Where(k => (Vec.Dot(u, new ReadOnlySpan<double>(x, k * d, d)) > 0) == plus).ToArray();
            var xs = MathNet.Numerics.LinearAlgebra.Matrix<double>.Build.Dense(idx.Length, d, (i, j) => x[idx[i] * d + j]);
            var z = MathNet.Numerics.LinearAlgebra.Vector<double>.Build.Dense(idx.Length, _ => rng.NextGaussian());
            var e = z - xs * xs.QR().Solve(z); // residual orthogonal to the columns of X_S
            for (int i = 0; i < idx.Length; i++)
                y[idx[i]] = (plus ? gp : gm) * Vec.Dot(u, new ReadOnlySpan<double>(x, idx[i] * d, d)) + 0.5 * e[i];
        }
        var theta = new double[2 * (d + 1)];
        theta[0] = Math.Sqrt(gp);
        theta[d + 1] = -Math.Sqrt(gm);
        for (int i = 0; i < d; i++) { theta[1 + i] = Math.Sqrt(gp) * u[i]; theta[d + 2 + i] = -Math.Sqrt(gm) * u[i]; }
        return (new Dataset(n, d, x, y), u, new NetworkParameters(2, d, theta), gp, gm);
    }

    [Fact]
    public void Two_neuron_network_from_the_ols_fits_has_the_predicted_loss_and_is_stationary()
    {
        var (data, u, net, gp, gm) = ExactTwoNeuronCase(5);
        var test = ExactTwoNeuronCase(6).Data;
        var pred = OlsOnSides.Fit(data, Sides.FromDirection(data, u)).ThrowIfFailed();
        for (int i = 0; i < 3; i++)
        {
            Assert.Equal(gp * u[i], pred.Plus.Beta![i], 1e-12);
            Assert.Equal(gm * u[i], pred.Minus.Beta![i], 1e-12);
        }
        Assert.True(pred.TrainLoss > 0.01);
        Assert.Equal(pred.TrainLoss, net.Loss(data), 1e-13);

        // the network's own sides give the same prediction, and the comparison reports agreement
        var rep = EndpointComparison.Compare(net, data, test, Sides.FromDirection(data, u));
        Assert.InRange(rep.RelativeErrorPlus, 0, 1e-12);
        Assert.InRange(rep.RelativeErrorMinus, 0, 1e-12);
        Assert.Equal(0, rep.TrainLossDifference, 1e-13);
        Assert.Equal(0, rep.TestLossDifference, 1e-13);
        Assert.Equal(1.0, rep.PlusAgreement);
        Assert.Equal(1.0, rep.MinusAgreement);
        Assert.Equal(0, rep.NetworkSplit.PlusGroup!.DisagreementCount);
        var own = EndpointComparison.Compare(net, data, test);
        Assert.Equal(rep.PredictedTrainLoss, own.PredictedTrainLoss, 1e-13);

        // and it is a stationary point of the loss: dL/da_j = dL/dw_j = 0 (section 5's argument)
        for (int j = 0; j < 2; j++)
        {
            var w = net.W(j).ToArray();
            double ga = 0;
            var gw = new double[3];
            for (int k = 0; k < data.N; k++)
            {
                var x = data.Row(k);
                double r = net.Predict(x) - data.Y[k];
                double z = Vec.Dot(w, x);
                if (z <= 0) continue;
                ga += r * z / data.N;
                for (int i = 0; i < 3; i++) gw[i] += net.A(j) * r * x[i] / data.N;
            }
            Assert.InRange(Math.Abs(ga), 0, 1e-13);
            Assert.InRange(Vec.Norm(gw), 0, 1e-13);
        }
    }

    [Fact]
    public void Comparison_sees_a_perturbed_network()
    {
        var (data, u, net, _, _) = ExactTwoNeuronCase(7);
        var bad = net.Clone();
        bad.Theta[1] += 0.1; // moves w_+ and so beta+
        var rep = EndpointComparison.Compare(bad, data, null, Sides.FromDirection(data, u));
        Assert.True(rep.RelativeErrorPlus > 0.01);
        Assert.InRange(rep.RelativeErrorMinus, 0, 1e-12);
        Assert.True(rep.TrainLossDifference > 0);
        Assert.True(double.IsNaN(rep.TestLossDifference));
    }

    [Fact]
    public void Ols_reports_too_few_points_and_rank_deficiency()
    {
        // S+ = 2 points in d = 3
        var data = new Dataset(5, 3, [1, 0, 0, 2, 1, 0, -1, 0, 0, -1, 1, 0, -1, 0, 1], [1, 2, 3, 4, 5]);
        var pred = OlsOnSides.Fit(data, Sides.FromDirection(data, [1.0, 0, 0]));
        Assert.False(pred.Ok);
        Assert.Equal(OlsStatus.TooFewPoints, pred.Plus.Status);
        Assert.Contains("at least d = 3", pred.Plus.Message);
        Assert.Equal(OlsStatus.Ok, pred.Minus.Status);
        var ex = Assert.Throws<InvalidOperationException>(() => pred.ThrowIfFailed());
        Assert.Contains("S+", ex.Message);
        // S+ = 4 points all in the plane x3 = 0: rank 2 < 3
        var flat = new Dataset(4, 3, [1, 0, 0, 1, 1, 0, 2, -1, 0, 1, 2, 0], [1, 2, 3, 4]);
        var side = OlsOnSides.FitSide(flat, [true, true, true, true], "S+");
        Assert.Equal(OlsStatus.RankDeficient, side.Status);
        Assert.Contains("rank 2 < d = 3", side.Message);
    }

    [Fact]
    public void Network_sides_measure_group_disagreement_and_ignore_negligible_neurons()
    {
        var data = DataModel.StandardLinear(400, 2, 0.5, 1).Generate();
        double t = 0.2;
        // two positive neurons 0.2 rad apart, one negligible positive neuron pointing elsewhere, one negative
        var net = new NetworkParameters(4, 2, [1, 1, 0, 1, Math.Cos(t), Math.Sin(t), 1e-5, 0, 1e-5, -1, -1, 0]);
        var split = Sides.FromNetwork(data, net);
        Assert.Equal(2, split.PlusGroup!.Members);
        Assert.Equal(1, split.PlusGroup.Ignored);
        int expected = 0;
        for (int k = 0; k < data.N; k++)
            if ((data.X[2 * k] > 0) != (Math.Cos(t) * data.X[2 * k] + Math.Sin(t) * data.X[2 * k + 1] > 0)) expected++;
        Assert.True(expected > 0);
        Assert.Equal(expected, split.PlusGroup.DisagreementCount);
        Assert.Equal(0, split.MinusGroup!.DisagreementCount);
        // with equal weights a tie is not a strict majority: S+ is the intersection of the two half-planes
        for (int k = 0; k < data.N; k++)
            Assert.Equal(data.X[2 * k] > 0 && Math.Cos(t) * data.X[2 * k] + Math.Sin(t) * data.X[2 * k + 1] > 0, split.Plus[k]);
    }

    [Fact]
    public void Reference_train_level_matches_ols_on_the_true_sides()
    {
        // For a fixed split with a linear truth, E[RSS] = sigma^2 (n - 2d) exactly, so the mean OLS
        // train loss must match (sigma^2/2)(1 - 2d/n); the test excess sigma^2 d/n is approximate.
        const int n = 400, d = 5, seeds = 60;
        const double sigma = 0.7;
        double sumTrain = 0, sumTrain2 = 0, sumExcess = 0;
        for (int s = 0; s < seeds; s++)
        {
            var model = DataModel.StandardLinear(n, d, sigma, s);
            var data = model.Generate();
            var e1 = new double[d]; e1[0] = 1;
            var pred = OlsOnSides.Fit(data, Sides.FromDirection(data, e1)).ThrowIfFailed();
            sumTrain += pred.TrainLoss;
            sumTrain2 += pred.TrainLoss * pred.TrainLoss;
            var test = (model with { Noise = NoiseModel.None() }).GenerateTest(4000, s);
            sumExcess += pred.Predictor!.Loss(test);
        }
        double mean = sumTrain / seeds, se = Math.Sqrt((sumTrain2 / seeds - mean * mean) / seeds);
        double level = ReferenceLevels.TrainLoss(n, d, sigma);
        _out.WriteLine($"train {mean:F5} +- {se:F5} vs reference {level:F5}; test excess {sumExcess / seeds:F5} vs {ReferenceLevels.TestExcess(n, d, sigma):F5}");
        Assert.InRange(mean, level - 4 * se, level + 4 * se);
        Assert.InRange(sumExcess / seeds, 0.7 * ReferenceLevels.TestExcess(n, d, sigma), 1.5 * ReferenceLevels.TestExcess(n, d, sigma));
        Assert.Equal(sigma * sigma / 2, ReferenceLevels.NoiseLevel(sigma), 1e-15);
        Assert.Equal(ReferenceLevels.NoiseLevel(sigma) + ReferenceLevels.TestExcess(n, d, sigma), ReferenceLevels.TestLoss(n, d, sigma), 1e-15);
        Assert.Throws<ArgumentException>(() => ReferenceLevels.TrainLoss(0, d, sigma));
    }
}
