using SimplicityBias.Dynamics.Network;
using static SimplicityBias.Dynamics.Tests.Network.ReferenceNetwork;

namespace SimplicityBias.Dynamics.Tests.Network;

/// <summary>The tiled sign pass for many neurons writes the bits the one-neuron pass writes, and only theirs.</summary>
public class SignPatternTests
{
    [Theory]
    [InlineData(1, 1, 1)]
    [InlineData(31, 3, 5)]     // the partial chunk only
    [InlineData(64, 5, 4)]     // whole chunks only
    [InlineData(1500, 5, 7)]   // several blocks, a partial chunk, a group of 4 and 3 single neurons
    [InlineData(1027, 10, 12)]
    public void Many_neurons_at_once_match_one_at_a_time(int n, int d, int m)
    {
        var data = RandomData(n, d, (ulong)(5 * n + d));
        var theta = RandomNetwork(m, d, (ulong)(n + 2 * m)).Theta;
        for (int i = 1; i <= d; i++) theta[i] = 0; // neuron 0 at the origin: z = 0 is not positive
        var one = new SignPattern(m, n, m);
        for (int j = 0; j < m; j++) one.SetNeuron(j, theta.AsSpan(j * (d + 1) + 1, d), data);
        var many = new SignPattern(m, n, m);
        var neurons = Enumerable.Range(0, m).Where(j => j % 4 != 2).Reverse().ToArray();
        many.SetNeurons(neurons, theta, data);
        int chunks = (n + 31) / 32;
        for (int j = 0; j < m; j++)
            for (int c = 0; c < chunks; c++)
                Assert.Equal(neurons.Contains(j) ? one.Positive[j * chunks + c] : 0u, many.Positive[j * chunks + c]);
    }
}
