using SimplicityBias.Dynamics.Network;
using SimplicityBias.Dynamics.Ode;

namespace SimplicityBias.Dynamics.Tests.Network;

/// <summary><see cref="Training.Solve"/>: its observers, its algorithms and its bad input.</summary>
public class TrainingApiTests
{
    static TrainingProblem Problem(double horizon = 50)
    {
        var data = GradientFlowTests.Linear(60, 3, 1.0, 5);
        return new TrainingProblem(data, Initialization.Create(InitKind.Balanced, 8, 3, 1e-2, 6), horizon);
    }

    /// <summary>The same run through Solve and through the options-based entry point gives the same bits.</summary>
    [Fact]
    public void Solve_and_the_options_entry_point_agree_bit_for_bit()
    {
        var p = Problem();
        var test = GradientFlowTests.Linear(100, 3, 1.0, 7);
        var trajectory = new TrajectoryObserver(4, test);
        var early = FirstTimeObserver.MaxNeuronNormAbove(RoundedPow.Pow(1e-2, 0.5) / Math.Sqrt(8));
        var solved = Training.Solve(p, new FilippovFlowAlgorithm(), [trajectory, early]);
        var integrated = GradientFlow.Integrate(p.Train, p.Initial,
            new FlowOptions { Horizon = 50, PointsPerDecade = 4, TestSet = test, Lambda = 1e-2 });
        Assert.Equal(integrated.Final.Theta, solved.Final.Theta);
        Assert.Equal(integrated.Trajectory, trajectory.Points);
        Assert.Same(trajectory.Points, solved.Trajectory);
        Assert.False(double.IsNaN(early.Time));
        Assert.Equal(integrated.EarlyPhaseTime, early.Time);
        Assert.Equal(integrated.EarlyPhaseEnd!.Theta, early.Parameters!.Theta);
        Assert.All(trajectory.Points, q => Assert.False(double.IsNaN(q.TestLoss)));
    }

    /// <summary>Every algorithm calls its observers once at the start, once per accepted step and once at the end.</summary>
    [Theory]
    [InlineData("filippov")]
    [InlineData("plain")]
    [InlineData("rkc")]
    [InlineData("gd")]
    [InlineData("adam")]
    public void Every_algorithm_reports_start_steps_and_end(string name)
    {
        TrainingAlgorithm algorithm = name switch
        {
            "filippov" => new FilippovFlowAlgorithm(),
            "plain" => new PlainFlowAlgorithm(),
            "rkc" => new PlainFlowAlgorithm { Algorithm = new Rkc() },
            "gd" => new GradientDescentAlgorithm { LearningRate = 0.05 },
            _ => new AdamAlgorithm { LearningRate = 0.01 },
        };
        var counter = new Counter();
        var r = Training.Solve(Problem(horizon: 2), algorithm, [counter]);
        Assert.Equal(1, counter.Starts);
        Assert.Equal(1, counter.Ends);
        Assert.Equal(r.Statistics.AcceptedSteps, counter.Steps);
        Assert.Equal(r.Time, counter.LastTime);
        Assert.Equal(0.0, r.Trajectory[0].Time); // the default trajectory observer
        Assert.Equal(r.Time, r.Trajectory[^1].Time);
    }

    [Fact]
    public void Bad_input_names_the_field()
    {
        var p = Problem();
        Assert.Contains("Horizon", Assert.Throws<ArgumentException>(() => Training.Solve(p with { Horizon = -1 }, new FilippovFlowAlgorithm())).Message);
        var wrongD = new NetworkParameters(8, 2, new double[8 * 3]);
        Assert.Equal("Initial", Assert.Throws<ArgumentException>(() => Training.Solve(p with { Initial = wrongD }, new GradientDescentAlgorithm())).ParamName);
        Assert.Equal("observers", Assert.Throws<ArgumentException>(() => Training.Solve(p, new AdamAlgorithm(), [null!])).ParamName);
        Assert.Contains("RelativeTolerance", Assert.Throws<ArgumentException>(() => Training.Solve(p, new FilippovFlowAlgorithm { RelativeTolerance = 0 })).Message);
    }

    sealed class Counter : TrainingObserver
    {
        public int Starts, Ends;
        public long Steps;
        public double LastTime = double.NaN;
        public override void OnStart(TrainingView run) => Starts++;
        public override void OnStep(TrainingView run) { Steps++; LastTime = run.Time; }
        public override void OnEnd(TrainingView run) { Ends++; LastTime = run.Time; }
    }
}
