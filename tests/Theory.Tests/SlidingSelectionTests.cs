using SimplicityBias.Dynamics.Network;
using SimplicityBias.Theory.Endpoint;

namespace SimplicityBias.Theory.Tests;

public class SlidingSelectionTests
{
    // d = 2, one positive neuron w = (1, 0), a = 1; x0 = (0, 1) lies on its hyperplane. With y = (-1, 1, 1.5) the residuals
    // are r = (1, 0, -0.5), and keeping w on x0's hyperplane needs r2 <x2, x0> + eta r0 <x0, x0> = 0: eta = 0.5.
    private static (Dataset Data, NetworkParameters Net) Case(double y0)
    {
        var data = new Dataset(3, 2, [0, 1, 1, 0, 1, 1], [y0, 1, 1.5]);
        var net = new NetworkParameters(1, 2);
        net.Theta[0] = 1; net.Theta[1] = 1; net.Theta[2] = 0;
        return (data, net);
    }

    [Fact]
    public void Eta_keeps_the_neuron_on_the_hyperplane_of_its_sliding_point()
    {
        var (data, net) = Case(-1);
        var eta = SlidingSelection.Eta(data, net, [[0]]);
        Assert.Equal(0.5, eta[0][0], 12);
    }

    [Fact]
    public void Eta_is_clamped_to_the_unit_interval()
    {
        var (data, net) = Case(-0.25); // r0 = 0.25: the unconstrained eta would be 2
        Assert.Equal(1.0, SlidingSelection.Eta(data, net, [[0]])[0][0], 12);
    }

    [Fact]
    public void A_sliding_pair_counts_with_its_eta_and_not_with_the_sign_of_a_rounded_dot_product()
    {
        var (data, net) = Case(-1);
        net.Theta[2] = 1e-17; // <w, x0> = 1e-17 > 0: the rounded sign says "active"
        Assert.True(Sides.FromNetwork(data, net, 0).Plus[0]);
        var split = Sides.FromNetwork(data, net, 0, [[0]], [[0.5]]);
        Assert.False(split.Plus[0]); // eta = 0.5 of the only neuron's weight is not a strict majority
        Assert.True(Sides.FromNetwork(data, net, 0, [[0]], [[0.75]]).Plus[0]);
        Assert.True(split.Plus[1] && split.Plus[2]);
    }

    [Fact]
    public void Bad_sliding_input_is_rejected_naming_the_field()
    {
        var (data, net) = Case(-1);
        Assert.Contains("sliding", Assert.Throws<ArgumentException>(() => SlidingSelection.Eta(data, net, [[0], [1]])).Message);
        Assert.Contains("point 7", Assert.Throws<ArgumentException>(() => SlidingSelection.Eta(data, net, [[7]])).Message);
        Assert.Contains("eta", Assert.Throws<ArgumentException>(() => Sides.FromNetwork(data, net, 0, [[0]], [[]])).Message);
    }
}
