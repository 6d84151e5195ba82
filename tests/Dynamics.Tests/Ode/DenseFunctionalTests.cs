using SimplicityBias.Dynamics.Ode;

namespace SimplicityBias.Dynamics.Tests.Ode;

/// <summary>
/// A linear functional of the dense output, as a polynomial in theta, is the dense output contracted: the same values
/// inside the step, slopes that match its difference quotient, and the end values at theta = 0 and 1.
/// </summary>
public class DenseFunctionalTests
{
    static OdeProblem Problem() => new(
        (t, y, dy) => { dy[0] = y[1]; dy[1] = -y[0]; dy[2] = -y[2] * y[0] + 0.1 * y[3]; dy[3] = -3 * y[3]; },
        [1.0, 0.0, 2.0, 1.0], 0, 5,
        (t, y, j) =>
        {
            j.Clear();
            j[1] = 1; j[4] = -1; j[8] = -y[2]; j[10] = -y[0]; j[11] = 0.1; j[15] = -3;
        })
    { IsAutonomous = true };

    public static TheoryData<string> Methods => new() { "Dopri5", "Rodas4", "Rkc", "AutoSwitch" };

    static OdeAlgorithm Make(string name) => name switch
    {
        "Dopri5" => new Dopri5(),
        "Rodas4" => new Rodas4(),
        "Rkc" => new Rkc(),
        _ => new AutoSwitch(),
    };

    [Theory]
    [MemberData(nameof(Methods))]
    public void The_functional_follows_the_interpolated_state(string method)
    {
        var integrator = new OdeIntegrator(Problem(), Make(method), new OdeOptions { RelativeTolerance = 1e-6 });
        double[] v = [0.7, -1.3, 0.4], y = new double[4];
        for (int step = 0; step < 6; step++)
        {
            Assert.True(integrator.Step());
            var stepper = integrator.Stepper;
            var u = stepper.InterpolateFunctional(1, v);
            double t0 = stepper.TPrevious, h = stepper.T - t0;
            foreach (double theta in new[] { 0.0, 0.25, 0.6, 1.0 })
            {
                stepper.Interpolate(t0 + theta * h, y);
                double expected = v[0] * y[1] + v[1] * y[2] + v[2] * y[3];
                Assert.True(Math.Abs(u.Value(theta) - expected) <= 1e-13 * (1 + Math.Abs(expected)), $"{method} step {step} theta {theta}: {u.Value(theta):R} vs {expected:R}");
            }
            const double e = 1e-6;
            double quotient = (u.Value(0.5 + e) - u.Value(0.5 - e)) / (2 * e);
            Assert.True(Math.Abs(u.Slope(0.5) - quotient) <= 1e-6 * (1 + Math.Abs(quotient)), $"{method}: slope {u.Slope(0.5):R} vs {quotient:R}");
        }
    }

    [Fact]
    public void Less_chord_vanishes_at_both_ends_and_hermite_matches_its_data()
    {
        var p = DensePolynomial.Hermite(1.5, -0.5, 0.3, -2.0);
        Assert.Equal(1.5, p.Value(0), 14);
        Assert.Equal(-0.5, p.Value(1), 14);
        Assert.Equal(0.3, p.Slope(0), 14);
        Assert.Equal(-2.0, p.Slope(1), 14);
        var q = new DensePolynomial(1, 2, -3, 0.5, 4).LessChord();
        Assert.Equal(0, q.Value(0));
        Assert.Equal(0, q.Value(1), 14);
    }

    [Fact]
    public void A_dense_output_of_higher_degree_is_refused_and_bad_components_are_named()
    {
        var dop853 = new OdeIntegrator(Problem(), new Dop853());
        dop853.Step();
        Assert.Throws<NotSupportedException>(() => dop853.Stepper.InterpolateFunctional(0, [1.0]));
        var dopri = new OdeIntegrator(Problem(), new Dopri5());
        dopri.Step();
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => dopri.Stepper.InterpolateFunctional(2, [1.0, 1.0, 1.0]));
        Assert.Contains("[2, 5)", error.Message);
        Assert.Throws<InvalidOperationException>(() => new Dopri5Stepper(Problem().Rhs, 4).InterpolateFunctional(0, [1.0]));
    }
}
