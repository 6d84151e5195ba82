using SimplicityBias.Dynamics.Ode;

namespace SimplicityBias.Dynamics.Tests.Ode;

/// <summary>The trial projection of <see cref="Dopri5Stepper"/>: a projection method on a textbook invariant.</summary>
public class ProjectionTests
{
    /// <summary>
    /// The harmonic oscillator's energy y0^2 + y1^2 is invariant. Projected onto its circle after every attempt, the
    /// accepted states keep it to rounding, where plain Dormand-Prince at a loose tolerance drifts; and f is evaluated
    /// at the projected state (FSAL), so the next step starts from the state that was kept.
    /// </summary>
    [Fact]
    public void Projection_onto_the_energy_circle_keeps_the_invariant_plain_steps_lose()
    {
        OdeRhs f = (t, y, dy) => { dy[0] = y[1]; dy[1] = -y[0]; };
        double Drift(OdeStateProjection? projection)
        {
            var stepper = new Dopri5Stepper(f, 2) { ProjectTrial = projection };
            var controller = PidController.HairerPi();
            stepper.Reset(0, [1.0, 0.0]);
            double h = 0.1, worst = 0;
            while (stepper.T < 200)
            {
                h = Math.Min(h, 200 - stepper.T);
                double err = stepper.Attempt(h, 1e-4, [1e-6]);
                if (projection is not null)
                {
                    // The FSAL stage is f at the projected trial state.
                    var y = stepper.TrialState;
                    Assert.Equal(y[1], stepper.TrialDerivative[0]);
                    Assert.Equal(-y[0], stepper.TrialDerivative[1]);
                }
                double next = controller.Propose(h, err, stepper.ErrorOrder, out bool ok);
                if (ok)
                {
                    stepper.Accept();
                    worst = Math.Max(worst, Math.Abs(stepper.Y[0] * stepper.Y[0] + stepper.Y[1] * stepper.Y[1] - 1));
                }
                h = next;
            }
            return worst;
        }
        double plain = Drift(null);
        double projected = Drift((t, y) =>
        {
            double r = Math.Sqrt(y[0] * y[0] + y[1] * y[1]);
            y[0] /= r; y[1] /= r;
        });
        Assert.True(plain > 1e-4, $"plain Dormand-Prince drifted only {plain:G3}: the case does not test the projection");
        Assert.True(projected < 1e-14, $"projected steps drifted {projected:G3}");
    }
}
