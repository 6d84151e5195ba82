using SimplicityBias.Dynamics.Numerics;

namespace SimplicityBias.Dynamics.Network;

/// <summary>
/// min over eta in [0, 1]^q of 1/2 eta' Q eta + b' eta, Q symmetric positive semi-definite (a Gram matrix): the
/// small problem of the minimum-norm Clarke element, one per neuron and step (docs/THEORY.md section 10).
/// Coordinate descent (exact minimisation along each coordinate, then clamping) converges for any such Q, but
/// linearly, and slowly where the inputs are nearly parallel: on the reference problem R1 (docs/ARCHITECTURE.md) it took 76 sweeps a problem on average and
/// was the largest cost of the integrator, and 1,000 sweeps can stop short of the minimum (nearly parallel inputs,
/// a coordinate creeping toward its bound). So after each sweep that changed which etas sit at a bound, a primal
/// active-set method takes over from the point reached and ends at the exact minimum in a few iterations. Where
/// a free block is singular (more free pairs than independent inputs, repeated inputs), descent goes on.
/// </summary>
internal static class BoxQuadratic
{
    const int MaxSweeps = 1000;

    /// <summary>Solves for eta (its first q entries; their values on entry are the starting point). Q is q x q, row-major.</summary>
    public static void Solve(ReadOnlySpan<double> qmat, ReadOnlySpan<double> b, Span<double> eta, int q)
    {
        eta = eta[..q];
        Span<int> free = q <= 64 ? stackalloc int[q] : new int[q];
        ulong triedAtZero = ulong.MaxValue, triedAtOne = ulong.MaxValue; // the bounds of the last failed try (q <= 64)
        for (int sweep = 0; sweep < MaxSweeps; sweep++)
        {
            double moved = 0;
            for (int a = 0; a < q; a++)
            {
                double grad = b[a];
                for (int c = 0; c < q; c++) grad += qmat[a * q + c] * eta[c];
                double e = Math.Clamp(eta[a] - grad / qmat[a * q + a], 0.0, 1.0);
                moved = Math.Max(moved, Math.Abs(e - eta[a]));
                eta[a] = e;
            }
            if (moved < 1e-15) return;
            if (q <= 64)
            {
                // The same bounds give the same free block and the same failure: try only when they changed.
                ulong atZero = 0, atOne = 0;
                for (int a = 0; a < q; a++)
                {
                    if (eta[a] == 0) atZero |= 1UL << a;
                    else if (eta[a] == 1) atOne |= 1UL << a;
                }
                if (atZero == triedAtZero && atOne == triedAtOne) continue;
                (triedAtZero, triedAtOne) = (atZero, atOne);
            }
            if (ActiveSet(qmat, b, eta, q, free)) return;
        }
    }

    /// <summary>
    /// Primal active-set iterations from the feasible eta descent reached: solve the free block exactly; if the
    /// solution leaves the box, step to the first bound it meets and fix that coordinate there; if it stays
    /// inside, release the bound coordinate whose gradient points most into the box, or stop when none does (the
    /// optimality conditions hold). Every step lowers the objective and keeps eta feasible. Returns false, with
    /// eta feasible and no worse, when a free block is singular (dependent inputs) or the iterations run out.
    /// </summary>
    static bool ActiveSet(ReadOnlySpan<double> qmat, ReadOnlySpan<double> b, Span<double> eta, int q, Span<int> free)
    {
        double maxDiag = 0;
        for (int a = 0; a < q; a++) maxDiag = Math.Max(maxDiag, qmat[a * q + a]);
        Span<bool> isFree = q <= 256 ? stackalloc bool[q] : new bool[q];
        for (int a = 0; a < q; a++) isFree[a] = eta[a] > 0 && eta[a] < 1;
        Span<double> l = stackalloc double[MaxFree * MaxFree];
        Span<double> x = stackalloc double[MaxFree];
        for (int iter = 0; iter < 4 * q + 8; iter++)
        {
            int f = 0;
            for (int a = 0; a < q; a++) if (isFree[a]) { if (f == MaxFree) return false; free[f++] = a; }
            if (f > 0 && !SolveFreeBlock(qmat, b, eta, q, free[..f], isFree, l, x, maxDiag)) return false;
            // Step toward the free block's solution, as far as the box allows.
            double alpha = 1;
            int blocking = -1;
            double blockingValue = 0;
            for (int s = 0; s < f; s++)
            {
                int a = free[s];
                double p = x[s] - eta[a];
                if (eta[a] + p < 0 && -eta[a] / p < alpha) { alpha = -eta[a] / p; blocking = a; blockingValue = 0; }
                else if (eta[a] + p > 1 && (1 - eta[a]) / p < alpha) { alpha = (1 - eta[a]) / p; blocking = a; blockingValue = 1; }
            }
            for (int s = 0; s < f; s++) { int a = free[s]; eta[a] = Math.Clamp(eta[a] + alpha * (x[s] - eta[a]), 0.0, 1.0); }
            if (blocking >= 0)
            {
                eta[blocking] = blockingValue;
                isFree[blocking] = false;
                continue;
            }
            // The free block is optimal: release the bound coordinate whose gradient points most into the box.
            int worst = -1;
            double worstViolation = 0;
            for (int a = 0; a < q; a++)
            {
                if (isFree[a]) continue;
                double grad = b[a], scale = Math.Abs(b[a]);
                for (int c = 0; c < q; c++) { grad += qmat[a * q + c] * eta[c]; scale += Math.Abs(qmat[a * q + c] * eta[c]); }
                double violation = eta[a] == 0 ? -grad : grad; // into the box: up from 0, down from 1
                if (violation > 1e-12 * scale && violation > worstViolation) { worstViolation = violation; worst = a; }
            }
            if (worst < 0) return true;
            isFree[worst] = true;
        }
        return false;
    }

    /// <summary>
    /// Largest free block solved exactly. A nonsingular block has at most d free pairs, so this covers d &lt;= 10 (the
    /// default setting); in higher dimensions larger blocks are left to coordinate descent.
    /// </summary>
    const int MaxFree = 10;

    /// <summary>x = solution of Q_FF x = -(b_F + Q_FB eta_B) by Cholesky; false when Q_FF is numerically singular.</summary>
    static bool SolveFreeBlock(ReadOnlySpan<double> qmat, ReadOnlySpan<double> b, ReadOnlySpan<double> eta, int q,
        ReadOnlySpan<int> free, ReadOnlySpan<bool> isFree, Span<double> l, Span<double> x, double maxDiag)
    {
        int f = free.Length;
        Span<double> block = stackalloc double[f * f]; // f <= MaxFree
        for (int s = 0; s < f; s++)
        {
            int a = free[s];
            double rhs = -b[a];
            for (int c = 0; c < q; c++) if (!isFree[c]) rhs -= qmat[a * q + c] * eta[c];
            x[s] = rhs;
            for (int t = 0; t <= s; t++) block[s * f + t] = qmat[a * q + free[t]];
        }
        if (!DenseCholesky.Factor(block, f, l, minPivot: 1e-12 * maxDiag)) return false;
        DenseCholesky.Solve(l, f, x[..f]);
        return true;
    }
}
