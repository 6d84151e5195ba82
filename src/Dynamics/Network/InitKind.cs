namespace SimplicityBias.Dynamics.Network;

/// <summary>How the pairs (atilde_j, wtilde_j) of the initialization (docs/THEORY.md section 3) are drawn.</summary>
public enum InitKind
{
    /// <summary>wtilde_j ~ N(0, I_d), atilde_j = s_j |wtilde_j| with random signs s_j: a_j^2 = |w_j|^2 (the default).</summary>
    Balanced,
    /// <summary>wtilde_j ~ N(0, I_d), atilde_j = s_j c with a constant c &gt;= max_j |wtilde_j|: |a_j| &gt;= |w_j|.</summary>
    Dominated,
    /// <summary>atilde_j ~ N(0, 1) and wtilde_j ~ N(0, I_d) independent: no domination (outside the theory).</summary>
    Unbalanced,
}
