using SimplicityBias.Dynamics.Network;

namespace SimplicityBias.Theory.Tests.Experiments;

public class ExperimentTests
{
    [Fact]
    public void Every_choice_name_parses_back_to_its_value()
    {
        static void RoundTrip<T>(ChoiceNames<T> names) where T : struct, Enum
        {
            Assert.Equal(Enum.GetValues<T>().Length, names.Names.Count);
            foreach (var v in Enum.GetValues<T>())
            {
                Assert.True(names.TryParse(names.Name(v), out var back));
                Assert.Equal(v, back);
            }
            Assert.False(names.TryParse("no-such-choice", out _));
        }
        RoundTrip(ExperimentChoices.InputLaws);
        RoundTrip(ExperimentChoices.Teachers);
        RoundTrip(ExperimentChoices.Inits);
        RoundTrip(ExperimentChoices.Activations);
        RoundTrip(ExperimentChoices.Solvers);
    }

    [Fact]
    public void Build_gives_the_flow_or_the_discrete_options_by_method()
    {
        var flow = new Experiment { N = 20, D = 3, M = 4, TestN = 7, Solver = Solver.FlowPlain, Rtol = 1e-7 }.Build();
        Assert.Equal((20, 3, 7, 4), (flow.Train.N, flow.Train.D, flow.Test!.N, flow.Initial.M));
        Assert.NotNull(flow.Flow);
        Assert.Null(flow.Discrete);
        Assert.Equal((FlowMode.Plain, 1e-7), (flow.Flow!.Mode, flow.Flow.RelativeTolerance));
        Assert.Same(flow.Test, flow.Flow.TestSet);

        var gd = new Experiment { N = 20, D = 3, M = 4, TestN = 0, Solver = Solver.Gd, LearningRate = 0.05, Activation = Activation.Gelu }.Build();
        Assert.Null(gd.Test);
        Assert.Null(gd.Flow);
        Assert.Equal((0.05, Activation.Gelu), (gd.Discrete!.LearningRate, gd.Discrete.Activation));
    }

    [Fact]
    public void The_same_experiment_draws_the_same_bits_and_another_seed_other_ones()
    {
        var a = new Experiment { N = 10, D = 2, M = 3, TestN = 0, Seed = 4 };
        Assert.Equal(a.Train().X, a.Train().X);
        Assert.Equal(a.Initial().Theta, a.Initial().Theta);
        Assert.NotEqual(a.Train().X, (a with { Seed = 5 }).Train().X);
        Assert.NotEqual(a.Initial().Theta, (a with { Seed = 5 }).Initial().Theta);
    }

    [Theory]
    [InlineData("rtol")]
    [InlineData("n")]
    [InlineData("beta")]
    public void Validate_names_the_option_out_of_range_or_inconsistent(string field)
    {
        var bad = field switch
        {
            "rtol" => new Experiment { Rtol = 0 },
            "n" => new Experiment { DataModel = InputLawKind.Orthogonal, D = 3, N = 4 },
            _ => new Experiment { D = 3, Beta = [1, 0] },
        };
        var e = Assert.Throws<ArgumentException>(() => bad.Build());
        Assert.Equal(field, e.ParamName);
        Assert.StartsWith(field + " = ", e.Message);
    }

    [Fact]
    public void The_rtol_range_accepts_its_inclusive_end_and_refuses_the_open_one()
    {
        Assert.True(OptionRanges.Rtol.Contains(1e-14));
        Assert.False(OptionRanges.Rtol.Contains(0.99e-14));
        Assert.False(OptionRanges.Rtol.Contains(1));
        Assert.False(OptionRanges.Rtol.Contains(double.NaN));
        Assert.Equal("a number >= 1E-14 and < 1", OptionRanges.Rtol.Describe());
    }
}
