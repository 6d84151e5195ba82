using SimplicityBias.Dynamics.Ode;

namespace SimplicityBias.Dynamics.Tests.Ode;

/// <summary>Every rejected option throws an ArgumentException naming the option and the value, before any work.</summary>
public class BadInputTests
{
    private static readonly OdeRhs Decay = (t, y, dy) => { for (int i = 0; i < y.Length; i++) dy[i] = -y[i]; };
    private static OdeProblem Ok => new(Decay, [1.0, 2.0], 0, 1);

    public static TheoryData<string, string, string> BadOptions => new()
    {
        { "negative rtol", "RelativeTolerance", "-1E-06" },
        { "NaN rtol", "RelativeTolerance", "NaN" },
        { "rtol below rounding", "RelativeTolerance", "1E-17" },
        { "negative atol", "AbsoluteTolerance", "-1" },
        { "infinite atol", "AbsoluteTolerance", "Infinity" },
        { "both tolerances zero", "RelativeTolerance", "0" },
        { "atol vector length", "AbsoluteTolerances", "3" },
        { "atol vector negative entry", "AbsoluteTolerances[1]", "-0.1" },
        { "atol vector zero with rtol zero", "AbsoluteTolerances[0]", "0" },
        { "negative initial step", "InitialStep", "-0.1" },
        { "negative min step", "MinStep", "-1" },
        { "zero max step", "MaxStep", "0" },
        { "min step above max step", "MinStep", "MinStep=0.5" },
        { "zero max steps", "MaxSteps", "0" },
        { "negative fixed step", "FixedStep", "-0.01" },
        { "negative steady-state tolerance", "SteadyStateTolerance", "-1" },
        { "save time outside span", "SaveAt[1]", "2" },
        { "save times not ascending", "SaveAt", "SaveAt[1]=0.2" },
        { "NaN save time", "SaveAt[0]", "NaN" },
        { "null event", "Events[0]", "null" },
        { "controller safety", "Controller.Safety", "1.5" },
        { "controller min factor", "Controller.MinFactor", "0" },
        { "controller max factor", "Controller.MaxFactor", "0.5" },
        { "controller beta1", "Controller.Beta1", "-1" },
    };

    private static OdeOptions Make(string which) => which switch
    {
        "negative rtol" => new() { RelativeTolerance = -1e-6 },
        "NaN rtol" => new() { RelativeTolerance = double.NaN },
        "rtol below rounding" => new() { RelativeTolerance = 1e-17 },
        "negative atol" => new() { AbsoluteTolerance = -1 },
        "infinite atol" => new() { AbsoluteTolerance = double.PositiveInfinity },
        "both tolerances zero" => new() { RelativeTolerance = 0, AbsoluteTolerance = 0 },
        "atol vector length" => new() { AbsoluteTolerances = [1e-6, 1e-6, 1e-6] },
        "atol vector negative entry" => new() { AbsoluteTolerances = [1e-6, -0.1] },
        "atol vector zero with rtol zero" => new() { RelativeTolerance = 0, AbsoluteTolerances = [0, 1e-6] },
        "negative initial step" => new() { InitialStep = -0.1 },
        "negative min step" => new() { MinStep = -1 },
        "zero max step" => new() { MaxStep = 0 },
        "min step above max step" => new() { MinStep = 0.5, MaxStep = 0.1 },
        "zero max steps" => new() { MaxSteps = 0 },
        "negative fixed step" => new() { FixedStep = -0.01 },
        "negative steady-state tolerance" => new() { SteadyStateTolerance = -1 },
        "save time outside span" => new() { SaveAt = [0.5, 2.0] },
        "save times not ascending" => new() { SaveAt = [0.5, 0.2] },
        "NaN save time" => new() { SaveAt = [double.NaN] },
        "null event" => new() { Events = [null!] },
        "controller safety" => new() { Controller = new PidController { Safety = 1.5 } },
        "controller min factor" => new() { Controller = new PidController { MinFactor = 0 } },
        "controller max factor" => new() { Controller = new PidController { MaxFactor = 0.5 } },
        "controller beta1" => new() { Controller = new PidController { Beta1 = -1 } },
        _ => throw new ArgumentException(which),
    };

    [Theory]
    [MemberData(nameof(BadOptions))]
    public void Solve_rejects_invalid_option_naming_it(string which, string name, string value)
    {
        var ex = Assert.Throws<ArgumentException>(() => OdeSolver.Solve(Ok, new Dopri5(), Make(which)));
        Assert.Contains(name, ex.Message);
        Assert.Contains(value, ex.Message);
    }

    [Theory]
    [MemberData(nameof(BadOptions))]
    public void Enumerate_rejects_invalid_option_up_front(string which, string name, string value)
    {
        // Thrown by Enumerate itself, not at the first MoveNext.
        var ex = Assert.Throws<ArgumentException>(() => OdeSolver.Enumerate(Ok, new Rodas4(), Make(which)));
        Assert.Contains(name, ex.Message);
        Assert.Contains(value, ex.Message);
    }

    [Fact]
    public void Problem_rejects_t1_before_t0()
    {
        var ex = Assert.Throws<ArgumentException>(() => new OdeProblem(Decay, [1.0], 2, 1));
        Assert.Contains("T1", ex.Message);
        Assert.Contains("T0=2", ex.Message);
    }

    [Fact]
    public void Problem_rejects_nan_in_initial_state()
    {
        var ex = Assert.Throws<ArgumentException>(() => new OdeProblem(Decay, [1.0, double.NaN], 0, 1));
        Assert.Contains("InitialState[1]", ex.Message);
        Assert.Contains("NaN", ex.Message);
    }

    [Fact]
    public void Problem_rejects_infinite_initial_state() =>
        Assert.Contains("InitialState[0]", Assert.Throws<ArgumentException>(() => new OdeProblem(Decay, [double.NegativeInfinity], 0, 1)).Message);

    [Fact]
    public void Problem_rejects_empty_initial_state() =>
        Assert.Contains("length 0", Assert.Throws<ArgumentException>(() => new OdeProblem(Decay, ReadOnlySpan<double>.Empty, 0, 1)).Message);

    [Fact]
    public void Problem_rejects_nonfinite_times()
    {
        Assert.Contains("T0", Assert.Throws<ArgumentException>(() => new OdeProblem(Decay, [1.0], double.NaN, 1)).Message);
        Assert.Contains("T1", Assert.Throws<ArgumentException>(() => new OdeProblem(Decay, [1.0], 0, double.PositiveInfinity)).Message);
    }

    [Fact]
    public void Problem_rejects_null_rhs() =>
        Assert.Throws<ArgumentNullException>(() => new OdeProblem(null!, [1.0], 0, 1));

    [Fact]
    public void Auto_switch_rejects_invalid_thresholds()
    {
        var ex = Assert.Throws<ArgumentException>(() => OdeSolver.Solve(Ok, new AutoSwitch { StiffSteps = 0 }));
        Assert.Contains("StiffSteps", ex.Message);
        ex = Assert.Throws<ArgumentException>(() => OdeSolver.Solve(Ok, new AutoSwitch { NonStiffFraction = 2 }));
        Assert.Contains("NonStiffFraction", ex.Message);
    }

    [Fact]
    public void Building_blocks_reject_mismatched_lengths()
    {
        Assert.Throws<ArgumentException>(() => ErrorNorm.Rms([1.0, 2.0], [1.0], [1.0, 2.0], 1e-3, 1e-6));
        Assert.Throws<ArgumentException>(() => ErrorNorm.Rms([1.0, 2.0], [1.0, 2.0], [1.0, 2.0], 1e-3, [1e-6, 1e-6, 1e-6]));
        var stepper = new Dopri5Stepper(Decay, 2);
        Assert.Throws<ArgumentException>(() => stepper.Reset(0, [1.0, 2.0, 3.0]));
        Assert.Throws<ArgumentException>(() => new Dopri5Stepper(Decay, 0));
    }
}
