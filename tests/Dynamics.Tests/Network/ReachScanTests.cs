using SimplicityBias.Dynamics.Network;
using static SimplicityBias.Dynamics.Tests.Network.ReferenceNetwork;

namespace SimplicityBias.Dynamics.Tests.Network;

/// <summary>The tiled scan for pairs within one step's reach finds exactly what a scalar loop over the pairs finds.</summary>
public class ReachScanTests
{
    [Theory]
    [InlineData(1, 1, 1)]      // everything in the scalar tail
    [InlineData(31, 3, 2)]     // tail only, several neurons
    [InlineData(64, 5, 4)]     // two full tiles, no tail
    [InlineData(1500, 5, 7)]   // several blocks, a tail, an odd count of neurons
    [InlineData(1027, 10, 12)]
    public void Finds_what_a_scalar_loop_finds(int n, int d, int m)
    {
        var data = RandomData(n, d, (ulong)(7 * n + d));
        var theta = RandomNetwork(m, d, (ulong)(n + m)).Theta;
        var field = RandomNetwork(m, d, (ulong)(3 * n + m)).Theta;
        // Neurons in no particular order, some left out; a step long enough to reach a good share of the pairs.
        var neurons = Enumerable.Range(0, m).Where(j => j % 3 != 1).Reverse().ToArray();
        double h = 0.3;
        var scan = new ReachScan(data);
        int total = 0;
        for (int repeat = 0; repeat < 2; repeat++) // a second scan reuses the buffers
        {
            scan.Scan(neurons, theta, field, h);
            for (int s = 0; s < neurons.Length; s++)
            {
                int j = neurons[s];
                var expected = new List<int>();
                for (int k = 0; k < n; k++)
                {
                    double z = 0, dz = 0;
                    for (int i = 0; i < d; i++)
                    {
                        z = Math.FusedMultiplyAdd(theta[j * (d + 1) + 1 + i], data.X[k * d + i], z);
                        dz = Math.FusedMultiplyAdd(field[j * (d + 1) + 1 + i], data.X[k * d + i], dz);
                    }
                    if (z * dz < 0 && Math.Abs(z) <= h * Math.Abs(dz)) expected.Add(k);
                }
                Assert.Equal(expected, scan.Found(s));
                total += expected.Count;
            }
        }
        if (n >= 64) Assert.True(total > 0, "the case should find some pairs");
    }

    [Fact]
    public void A_state_at_rest_reaches_nothing()
    {
        var data = RandomData(100, 3, 5);
        var theta = RandomNetwork(4, 3, 6).Theta;
        var scan = new ReachScan(data);
        scan.Scan(new[] { 0, 1, 2, 3 }, theta, new double[theta.Length], 1e6);
        for (int s = 0; s < 4; s++) Assert.Empty(scan.Found(s));
    }
}
