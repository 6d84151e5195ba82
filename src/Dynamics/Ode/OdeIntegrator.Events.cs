namespace SimplicityBias.Dynamics.Ode;

/// <summary>Events of the integrator: their values at the start of a step, the sign changes over a step, and the location of a root on the dense output.</summary>
public sealed partial class OdeIntegrator
{
    private void InitEventValues(int firedEvent)
    {
        for (int i = 0; i < _events.Length; i++)
        {
            _gPrev[i] = _events[i].Function(_t, _y);
            // At a restart from an event g sits (numerically) on zero; its sign just after the restart decides which
            // crossing comes next, e.g. a ball leaving the ground and falling back within one step.
            _probe[i] = i == firedEvent || _gPrev[i] == 0;
        }
    }

    // Returns the index of the event that cuts the step (terminal or with an affect), or -1.
    private int HandleEvents()
    {
        int m = _events.Length;
        bool any = false;
        for (int i = 0; i < m; i++)
        {
            double g = _events[i].Function(_t, _y);
            _gNew[i] = g;
            double ta = _tPrev;
            if (_probe[i])
            {
                _probe[i] = false;
                double tp = _tPrev + 1e-6 * (_t - _tPrev);
                _stepper.Interpolate(tp, _work1);
                double gp0 = _events[i].Function(tp, _work1);
                if (gp0 != 0)
                {
                    _gPrev[i] = gp0;
                    ta = tp;
                }
            }
            double gp = _gPrev[i];
            bool rising = gp < 0 && g >= 0, falling = gp > 0 && g <= 0;
            _pending[i] = _events[i].Direction switch
            {
                EventDirection.Rising => rising,
                EventDirection.Falling => falling,
                _ => rising || falling,
            };
            if (_pending[i])
            {
                _roots[i] = Locate(i, ta, _t, gp, g);
                any = true;
            }
        }
        int cut = -1;
        if (any)
        {
            while (true)
            {
                int next = -1;
                for (int i = 0; i < m; i++)
                    if (_pending[i] && (next < 0 || _roots[i] < _roots[next])) next = i;
                if (next < 0) break;
                _pending[next] = false;
                double tr = _roots[next];
                var state = new double[_y.Length];
                if (tr == _t) _y.CopyTo(state);
                else _stepper.Interpolate(tr, state);
                _eventRecords.Add(new OdeEventRecord(next, tr, state, _gPrev[next] < 0));
                Statistics.Events++;
                OdeEvent ev = _events[next];
                if (ev.Terminal || ev.Affect != null)
                {
                    cut = next;
                    _t = tr;
                    state.CopyTo(_y, 0);
                    break;
                }
            }
        }
        if (cut < 0) Array.Copy(_gNew, _gPrev, m);
        return cut;
    }

    // Illinois (modified regula falsi) on g(t, interpolant(t)); returns the end of the final bracket on the
    // post-crossing side, so g there already has its new sign.
    private double Locate(int index, double ta, double tb, double ga, double gb)
    {
        if (gb == 0) return tb;
        OdeEventFunction g = _events[index].Function;
        double tol = 1e-12 * Math.Max(Math.Max(Math.Abs(ta), Math.Abs(tb)), tb - ta);
        double a = ta, fa = ga, b = tb, fb = gb;
        int side = 0, slow = 0;
        for (int it = 0; it < 200 && b - a > tol; it++)
        {
            double width = b - a;
            double c = slow >= 2 ? 0.5 * (a + b) : (a * fb - b * fa) / (fb - fa);
            if (!(c > a && c < b)) c = 0.5 * (a + b);
            if (!(c > a && c < b)) break;
            _stepper.Interpolate(c, _work1);
            double fc = g(c, _work1);
            if (fc == 0) return c;
            if (Math.Sign(fc) == Math.Sign(fb))
            {
                b = c; fb = fc;
                if (side == 1) fa *= 0.5;
                side = 1;
            }
            else
            {
                a = c; fa = fc;
                if (side == -1) fb *= 0.5;
                side = -1;
            }
            slow = b - a > 0.5 * width ? slow + 1 : 0;
            if (slow > 2) slow = 0;
        }
        return b;
    }
}
