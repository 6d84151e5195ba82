namespace SimplicityBias.Dynamics.Network;

/// <summary>Quantities recorded along a trajectory: neuron norms and the balancedness invariant.</summary>
public static class NetworkDiagnostics
{
    /// <summary>max_j |w_j|.</summary>
    public static double MaxNeuronNorm(ReadOnlySpan<double> theta, int m, int d)
    {
        double best = 0;
        for (int j = 0; j < m; j++)
        {
            var w = theta.Slice(j * (d + 1) + 1, d);
            double s = 0;
            for (int i = 0; i < d; i++) s += w[i] * w[i];
            best = Math.Max(best, s);
        }
        return Math.Sqrt(best);
    }

    /// <summary>The conserved quantities a_j^2 - |w_j|^2 of the flow (relu is 1-homogeneous).</summary>
    public static double[] Balancedness(ReadOnlySpan<double> theta, int m, int d)
    {
        var c = new double[m];
        for (int j = 0; j < m; j++)
        {
            int o = j * (d + 1);
            double s = theta[o] * theta[o];
            for (int i = 0; i < d; i++) s -= theta[o + 1 + i] * theta[o + 1 + i];
            c[j] = s;
        }
        return c;
    }

    /// <summary>
    /// max_j |(a_j^2 - |w_j|^2) - c0_j| / max(scale0, max_j (a_j^2 + |w_j|^2)): the drift of the conserved
    /// quantities relative to the current size of the network (and to its initial size while it is smaller),
    /// so it reads the same at any lambda and does not count rounding of grown weights as drift.
    /// </summary>
    public static double BalancednessDrift(ReadOnlySpan<double> theta, int m, int d, double[] c0, double scale0)
    {
        double worst = 0;
        for (int j = 0; j < m; j++)
        {
            int o = j * (d + 1);
            double s = theta[o] * theta[o];
            for (int i = 0; i < d; i++) s -= theta[o + 1 + i] * theta[o + 1 + i];
            worst = Math.Max(worst, Math.Abs(s - c0[j]));
        }
        return worst / Math.Max(scale0, SquaredScale(theta, m, d));
    }

    /// <summary>max_j (a_j^2 + |w_j|^2): the scale of <see cref="BalancednessDrift"/>.</summary>
    public static double SquaredScale(ReadOnlySpan<double> theta, int m, int d)
    {
        double best = 0;
        for (int j = 0; j < m; j++)
        {
            int o = j * (d + 1);
            double s = 0;
            for (int i = 0; i <= d; i++) s += theta[o + i] * theta[o + i];
            best = Math.Max(best, s);
        }
        return best > 0 ? best : 1.0;
    }
}
