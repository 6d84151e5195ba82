using SimplicityBias.Dynamics.Network;
using SimplicityBias.Theory.Numerics;
using SimplicityBias.Dynamics.Numerics;

namespace SimplicityBias.Theory.Endpoint;

/// <summary>
/// The Filippov selection at an endpoint: for each neuron j and each point k of its sliding set S_j (the
/// pair stays on &lt;w_j, x_k&gt; = 0), the weight eta_jk in [0, 1] with which x_k counts as active. It is
/// the choice that keeps w_j on those hyperplanes: with residuals r_k = h(x_k) - y_k, the w_j-velocity
/// -(a_j/n) (sum_{A_j} r_k x_k + sum_{S_j} eta_k r_k x_k) has no component along span(x_{S_j}); computed
/// as the box-constrained least squares min |P_S sum_A r_k x_k + sum_S eta_k r_k x_k| over eta in [0, 1]^S
/// (exact when the set is independent and the selection interior; the nearest admissible otherwise).
/// </summary>
public static class SlidingSelection
{
    /// <summary>eta_jk for each neuron's sliding points (same order as <paramref name="sliding"/>[j]).</summary>
    public static double[][] Eta(Dataset data, NetworkParameters network, IReadOnlyList<int[]> sliding)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(sliding);
        if (sliding.Count != network.M) throw new ArgumentException($"sliding has {sliding.Count} sets, the network has m = {network.M} neurons", nameof(sliding));
        int n = data.N, d = data.D;
        var r = new double[n];
        for (int k = 0; k < n; k++) r[k] = network.Predict(data.Row(k)) - data.Y[k];
        var eta = new double[network.M][];
        for (int j = 0; j < network.M; j++)
        {
            var s = sliding[j];
            eta[j] = new double[s.Length];
            if (s.Length == 0) continue;
            foreach (int k in s)
                if (k < 0 || k >= n) throw new ArgumentException($"sliding[{j}] holds point {k}, outside [0, {n})", nameof(sliding));
            var w = network.W(j);
            // g = sum over the strictly active points off S of r_k x_k, projected onto span(x_S)
            var g = new double[d];
            for (int k = 0; k < n; k++)
            {
                if (Array.IndexOf(s, k) >= 0 || !(Vec.Dot(w, data.Row(k)) > 0)) continue;
                var x = data.Row(k);
                for (int i = 0; i < d; i++) g[i] += r[k] * x[i];
            }
            var basis = new List<double[]>();
            foreach (int k in s)
            {
                var q = data.Row(k).ToArray();
                for (int pass = 0; pass < 2; pass++)
                    foreach (var e in basis)
                    {
                        double c = Vec.Dot(q, e);
                        for (int i = 0; i < d; i++) q[i] -= c * e[i];
                    }
                if (Vec.Normalize(q) > 1e-10 * Math.Max(1e-300, Vec.Norm(data.Row(k)))) basis.Add(q);
            }
            var res = new double[d];
            foreach (var e in basis)
            {
                double c = Vec.Dot(g, e);
                for (int i = 0; i < d; i++) res[i] += c * e[i];
            }
            // coordinate descent on eta in [0, 1]^S, starting at 1/2 (the columns r_k x_k lie in span(x_S))
            var cols = s.Select(k => data.Row(k).ToArray().Select(x => r[k] * x).ToArray()).ToArray();
            var cn2 = cols.Select(c => Vec.Dot(c, c)).ToArray();
            for (int p = 0; p < s.Length; p++)
            {
                eta[j][p] = 0.5;
                for (int i = 0; i < d; i++) res[i] += 0.5 * cols[p][i];
            }
            for (int sweep = 0; sweep < 2000; sweep++)
            {
                double change = 0;
                for (int p = 0; p < s.Length; p++)
                {
                    if (cn2[p] == 0) continue;
                    double e = Math.Clamp(eta[j][p] - Vec.Dot(cols[p], res) / cn2[p], 0.0, 1.0);
                    double de = e - eta[j][p];
                    if (de == 0) continue;
                    for (int i = 0; i < d; i++) res[i] += de * cols[p][i];
                    eta[j][p] = e;
                    change = Math.Max(change, Math.Abs(de));
                }
                if (change < 1e-14) break;
            }
        }
        return eta;
    }
}
