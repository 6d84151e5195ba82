namespace SimplicityBias.Dynamics.Network;

/// <summary>
/// Neurons that reach w_j = 0. Where |a_j| &gt; |w_j| (a dominated start: c_j = a_j^2 - |w_j|^2 &gt; 0), a neuron
/// pointing the wrong way shrinks at a speed that does not vanish with |w_j| (dw_j/dt = -a_j D(w_j), D of degree
/// 0), so it reaches the origin in finite time. There all n data hyperplanes meet: a neuron w_j != 0 can slide on
/// at most d - 1 of them, so stepping toward the origin, its pairs cross back and forth without end (millions of
/// crossings). At w_j = 0 every pattern of the neuron is a Clarke selection and eta = 0 gives the minimum-norm
/// element 0 (the selection used everywhere here): the neuron stays, with a_j = +-sqrt(c_j), contributing nothing.
/// So a neuron that the last step's radial speed would carry to the origin within a step is put there: a jump of
/// |w_j| &lt;= h |dw_j/dt|, the motion of one step. With w_j = 0 and its pairs masked off, its field is exactly 0
/// and no pair of it can flip again. Balanced neurons (c_j = 0) shrink only exponentially and never get here.
/// </summary>
internal sealed partial class FilippovIntegrator
{
    readonly List<int> _snapped = new();

    /// <summary>
    /// After an accepted step of size h, with _k1 = f(_y): puts every dominated neuron (|w_j|^2 &lt;= c_j) whose
    /// radial speed would reach the origin within h at w_j = 0 (pairs masked off, sliding set cleared). The snapped neurons are in
    /// _snapped; returns whether there was one.
    /// </summary>
    bool SnapNeuronsToOrigin(double h)
    {
        _snapped.Clear();
        int stride = _d + 1;
        for (int j = 0; j < _m; j++)
        {
            int o = j * stride;
            double ww = 0, wf = 0;
            for (int i = 1; i <= _d; i++) { ww += _y[o + i] * _y[o + i]; wf += _y[o + i] * _k1[o + i]; }
            // Only where |w_j|^2 <= c_j, so |a_j| >= sqrt(c_j) keeps the speed up: a balanced neuron's c_j is a
            // rounding error and its speed vanishes with |w_j|, and it must never be put here.
            if (ww == 0 || !(ww <= _c0[j])) continue;
            // Radial speed -<w, f_w>/|w| times h against |w|.
            if (-wf * h < ww) continue;
            for (int i = 1; i <= _d; i++) _y[o + i] = 0;
            _y[o] = Math.CopySign(Math.Sqrt(_c0[j]), _y[o]);
            SaveSliding(j);
            _field.Sliding[j].Clear();
            _field.Mask.ClearNeuron(j);
            _snapped.Add(j);
            _stats.NeuronsAtOrigin++;
        }
        if (_snapped.Count > 0) _field.RecountSliding();
        return _snapped.Count > 0;
    }
}
