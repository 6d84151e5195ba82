using SimplicityBias.Dynamics.Network;
using SimplicityBias.Dynamics.Ode;

namespace SimplicityBias.Dynamics.Tests.Ode;

/// <summary>The step controller's options, each shown to change what it proposes.</summary>
public class PidControllerTests
{
    // The controller of the Filippov integrator: Hairer's code, history from 1e-4, growth right after a rejection.
    private static PidController Dopri5Code() => new()
    {
        Beta1 = 0.85, Beta2 = 0.2, Arithmetic = PidArithmetic.Dopri5Code, ErrorFloor = 1e-10, InitialError = 1e-4,
        GrowAfterRejection = true,
    };

    [Fact]
    public void Dopri5_code_arithmetic_gives_the_bits_of_Hairers_formula()
    {
        const double alpha = 0.2 - 0.75 * 0.04;
        var c = Dopri5Code();
        double h = c.Propose(1.0, 0.3, 5, out bool ok);
        Assert.True(ok);
        // The first step sees the history 1e-4 (clamped by MaxFactor otherwise: 0.3 keeps it inside).
        double expected = Math.Clamp(0.9 / (RoundedPow.Pow(0.3, alpha) / RoundedPow.Pow(1e-4, 0.04)), 0.2, 10);
        Assert.Equal(expected, h);
        h = c.Propose(2.0, 0.7, 5, out ok);
        Assert.Equal(2.0 * (0.9 / (RoundedPow.Pow(0.7, alpha) / RoundedPow.Pow(0.3, 0.04))), h);
        // A rejection shrinks by Safety * err^(-alpha).
        Assert.Equal(0.9 * RoundedPow.Pow(3.0, -alpha), c.Propose(1.0, 3.0, 5, out ok));
        Assert.False(ok);
        // The product form of the same controller rounds differently (0.85 / 5 is not 0.2 - 0.75 * 0.04).
        Assert.NotEqual(0.85 / 5, alpha);
    }

    [Fact]
    public void Growth_after_a_rejection_is_an_option()
    {
        var held = new PidController();
        var free = new PidController { GrowAfterRejection = true };
        foreach (var c in new[] { held, free }) c.Propose(1.0, 5.0, 5, out _);
        Assert.Equal(1.0, held.Propose(1.0, 1e-3, 5, out _));
        Assert.Equal(0.9 * RoundedPow.Pow(1e-3, -0.2), free.Propose(1.0, 1e-3, 5, out _));
    }

    [Fact]
    public void Growth_cap_error_floor_and_initial_error_act()
    {
        var c = new PidController();
        Assert.Equal(1.5, c.Propose(1.0, 0.01, 5, out bool ok, growthCap: 1.5));
        Assert.True(ok);
        Assert.Equal(0.2, c.Propose(1.0, 0.01, 5, out _, growthCap: 0.0)); // never below MinFactor
        // A zero error counts as the floor: with a floor of 0.5 the factor is 0.9 * 0.5^(-1/5), below MaxFactor.
        var floored = new PidController { ErrorFloor = 0.5 };
        Assert.Equal(0.9 * RoundedPow.Pow(0.5, -0.2), floored.Propose(1.0, 0.0, 5, out _));
        // The history a run starts from enters the first factor (and Reset returns to it).
        var pi = new PidController { Beta1 = 0.85, Beta2 = 0.2, InitialError = 0.5 };
        double first = pi.Propose(1.0, 0.3, 5, out _);
        Assert.Equal(0.9 * RoundedPow.Pow(0.3, -0.85 / 5) * RoundedPow.Pow(0.5, 0.2 / 5), first);
        pi.Reset();
        Assert.Equal(first, pi.Propose(1.0, 0.3, 5, out _));
        Assert.Equal((0.3, 0.5, false), pi.History);
    }

    [Fact]
    public void Integral_only_uses_the_current_error_and_keeps_the_history()
    {
        var c = Dopri5Code();
        c.Propose(1.0, 0.5, 5, out _);
        Assert.Equal(0.9 * RoundedPow.Pow(0.2, -1.0 / 3), c.Propose(1.0, 0.2, 3, out _, integralOnly: true));
        Assert.Equal(0.2, c.History.Previous); // the I step's error is remembered for the next PI step
        Assert.Equal(0.9 * RoundedPow.Pow(4.0, -1.0 / 3), c.Propose(1.0, 4.0, 3, out bool ok, integralOnly: true));
        Assert.False(ok);
        Assert.Equal(0.9 * RoundedPow.Pow(1e-10, -1.0 / 3), c.IntegralFactor(0.0, 3)); // the floor, unclamped
    }

    [Fact]
    public void Clone_keeps_the_options_and_forgets_the_history()
    {
        var c = Dopri5Code();
        c.Propose(1.0, 0.5, 5, out _);
        var d = c.Clone();
        Assert.Equal((1e-4, 1e-4, false), d.History);
        Assert.Equal(Dopri5Code().Propose(1.0, 0.3, 5, out _), d.Propose(1.0, 0.3, 5, out _));
    }

    [Theory]
    [InlineData("ErrorFloor")]
    [InlineData("InitialError")]
    [InlineData("Beta3")]
    [InlineData("Beta1")]
    public void Invalid_options_are_named(string field)
    {
        PidController c = field switch
        {
            "ErrorFloor" => new PidController { ErrorFloor = 0 },
            "InitialError" => new PidController { InitialError = 2 },
            "Beta3" => new PidController { Beta1 = 0.85, Beta2 = 0.2, Beta3 = 0.1, Arithmetic = PidArithmetic.Dopri5Code },
            _ => new PidController { Beta1 = 0.9, Beta2 = 0.2, Arithmetic = PidArithmetic.Dopri5Code },
        };
        var e = Assert.Throws<ArgumentException>(c.Validate);
        Assert.Contains("Controller." + field, e.Message);
    }

    [Fact]
    public void Initial_step_divides_before_or_after_the_norm_to_the_same_value()
    {
        OdeRhs f = (t, y, dy) => { dy[0] = -50 * y[0]; dy[1] = -0.3 * y[1] * y[1]; };
        double[] y0 = [1.0, 2.0], f0 = [-50.0, -1.2];
        double after = InitialStep.Select(f, 0, y0, f0, 5, 1e-6, [1e-6], double.PositiveInfinity, new double[2], new double[2]);
        double before = InitialStep.Select(f, 0, y0, f0, 5, 1e-6, [1e-6], double.PositiveInfinity, new double[2], new double[2], divideBeforeNorm: true);
        Assert.Equal(after, before, 1e-12 * after);
    }
}
