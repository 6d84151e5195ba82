namespace SimplicityBias.Dynamics.Network;

/// <summary>
/// The paper's initialization (docs/THEORY.md section 3): a_j(0) = lambda atilde_j / sqrt(m),
/// w_j(0) = lambda wtilde_j / sqrt(m), with (atilde_j, wtilde_j) drawn as <see cref="InitKind"/> says.
/// </summary>
/// <remarks>
/// Draw order (fixed, so the same seed gives the same bits): a <see cref="SeededRandom"/> built from the
/// seed first draws all wtilde_j, neuron by neuron (m*d normals); then, for j = 1..m, one sign s_j
/// (Balanced, Dominated) or one normal atilde_j (Unbalanced).
/// </remarks>
public static class Initialization
{
    /// <summary>Draws initial parameters of width <paramref name="m"/> and input dimension <paramref name="d"/>.</summary>
    /// <param name="kind">How atilde_j relates to wtilde_j.</param>
    /// <param name="m">Width, &gt;= 1.</param>
    /// <param name="d">Input dimension, &gt;= 1.</param>
    /// <param name="lambda">Initialization scale, finite and &gt; 0.</param>
    /// <param name="seed">Seed of the <see cref="SeededRandom"/> that draws everything.</param>
    /// <param name="dominationConstant">For <see cref="InitKind.Dominated"/>: the constant c with
    /// atilde_j = s_j c; null means c = max_j |wtilde_j| (the smallest c that dominates every neuron).
    /// A given c must be finite and &gt;= max_j |wtilde_j|. Must be null for the other kinds.</param>
    public static NetworkParameters Create(InitKind kind, int m, int d, double lambda, ulong seed, double? dominationConstant = null)
    {
        if (!Enum.IsDefined(kind)) throw new ArgumentException($"kind must be Balanced, Dominated or Unbalanced, got {(int)kind}", nameof(kind));
        if (m < 1) throw new ArgumentException($"m must be >= 1, got {m}", nameof(m));
        if (d < 1) throw new ArgumentException($"d must be >= 1, got {d}", nameof(d));
        if ((long)m * (d + 1) > Array.MaxLength) throw new ArgumentException($"m*(d+1) = {(long)m * (d + 1)} is too large", nameof(m));
        OptionRanges.Lambda.Check(lambda, nameof(lambda));
        if (dominationConstant is double c0)
        {
            if (kind != InitKind.Dominated) throw new ArgumentException($"dominationConstant applies to InitKind.Dominated only, got {c0} with {kind}", nameof(dominationConstant));
            if (!(c0 > 0) || double.IsInfinity(c0)) throw new ArgumentException($"dominationConstant must be finite and > 0, got {c0}", nameof(dominationConstant));
        }

        var rng = new SeededRandom(seed);
        int stride = d + 1;
        var theta = new double[m * stride];
        var norms = new double[m];
        double maxNorm = 0;
        for (int j = 0; j < m; j++)
        {
            var w = theta.AsSpan(j * stride + 1, d);
            rng.FillGaussian(w);
            double s = 0;
            for (int i = 0; i < d; i++) s += w[i] * w[i];
            norms[j] = Math.Sqrt(s);
            maxNorm = Math.Max(maxNorm, norms[j]);
        }

        double c = dominationConstant ?? maxNorm;
        if (kind == InitKind.Dominated && c < maxNorm)
            throw new ArgumentException($"dominationConstant must be >= max_j |wtilde_j| = {maxNorm} for this seed, got {c}", nameof(dominationConstant));

        // The same factor multiplies a_j and w_j, so a_j^2 = |w_j|^2 holds for Balanced up to rounding.
        double scale = lambda / Math.Sqrt(m);
        for (int j = 0; j < m; j++)
        {
            int o = j * stride;
            double atilde = kind switch
            {
                InitKind.Balanced => rng.NextSign() * norms[j],
                InitKind.Dominated => rng.NextSign() * c,
                _ => rng.NextGaussian(),
            };
            theta[o] = scale * atilde;
            for (int i = 1; i <= d; i++) theta[o + i] *= scale;
        }
        return new NetworkParameters(m, d, theta);
    }
}
