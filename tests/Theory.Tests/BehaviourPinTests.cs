using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using SimplicityBias.Dynamics.Network;
using SimplicityBias.Dynamics.Ode;
using SimplicityBias.Theory.Data;
using Xunit.Abstractions;

namespace SimplicityBias.Theory.Tests;

/// <summary>
/// The safety net of refactorings of the training code: each solver's run on a fixed small problem is pinned bit for
/// bit (a hash of the final parameters, of the early-phase end and of every trajectory point) together with its work
/// counters. A refactoring that is meant to change nothing keeps every pin; a change that moves bits on purpose says
/// why in its commit and updates the pins. The data come from the paper's model (hence this project).
/// </summary>
public class BehaviourPinTests
{
    private readonly ITestOutputHelper _out;
    public BehaviourPinTests(ITestOutputHelper output) => _out = output;

    /// <summary>80 points in d = 3, y = x_1 + noise, with a 500-point test set; m = 10 balanced neurons at lambda = 1e-2.</summary>
    private static (Dataset Train, Dataset Test, NetworkParameters Init) Small()
    {
        var model = DataModel.StandardLinear(80, 3, 1.0, 3);
        return (model.Generate(), model.GenerateTest(500), Initialization.Create(InitKind.Balanced, 10, 3, 1e-2, 4));
    }

    private static FlowOptions SmallFlow(Dataset test) => new() { Horizon = 300, Lambda = 1e-2, TestSet = test, PointsPerDecade = 4 };

    private static DiscreteTrainingOptions SmallDiscrete(Dataset test) => new()
    {
        LearningRate = 0.05, Horizon = 60, Lambda = 1e-2, TestSet = test, PointsPerDecade = 4,
    };

    /// <summary>
    /// Everything of a result that must not move: return code, final time, counters, and hashes of the bits of the
    /// final parameters, of the early-phase end and of the trajectory. Wall time is left out.
    /// </summary>
    internal static string Fingerprint(FlowResult r)
    {
        var s = r.Statistics;
        var inv = CultureInfo.InvariantCulture;
        string counters = string.Join(" ", new (string, object)[]
        {
            ("code", r.Code), ("t", Bits(r.Time)), ("rhs", s.RhsEvaluations), ("jac", s.JacobianEvaluations),
            ("lu", s.LuFactorizations), ("accepted", s.AcceptedSteps), ("rejected", s.RejectedSteps),
            ("crossingRejections", s.CrossingRejections), ("retained", s.RetainedReleases), ("resweeps", s.Resweeps),
            ("crossings", s.Crossings), ("maxSliding", s.MaxSlidingPairs), ("captures", s.Captures),
            ("releases", s.Releases), ("recaptures", s.Recaptures), ("refused", s.RefusedCaptures),
            ("origin", s.NeuronsAtOrigin), ("stiff", s.StiffSteps), ("switches", s.StiffSwitches),
            ("rho", s.SpectralRadiusEstimates), ("maxRise", Bits(s.MaxLossIncrease)),
            ("defect", Bits(s.MaxBalancednessDefect)), ("field", s.FieldBackend),
        }.Select(kv => string.Create(inv, $"{kv.Item1}={kv.Item2}")));
        var traj = new List<double>();
        foreach (var p in r.Trajectory)
            traj.AddRange([p.Time, p.Loss, p.GradNorm, p.TestLoss, p.MaxNeuronNorm, p.SlidingPairs, p.Crossings, p.BalancednessDrift]);
        string sliding = r.SlidingSets is null ? "none" : string.Join(";", r.SlidingSets.Select(set => string.Join(",", set)));
        return $"{counters} final={Hash(r.Final.Theta)} early={Bits(r.EarlyPhaseTime)}/{(r.EarlyPhaseEnd is null ? "none" : Hash(r.EarlyPhaseEnd.Theta))} " +
               $"trajectory={r.Trajectory.Count}/{Hash(traj.ToArray())} sliding={Hash(Encoding.UTF8.GetBytes(sliding))}";
    }

    private static string Bits(double v) => BitConverter.DoubleToInt64Bits(v).ToString("x16", CultureInfo.InvariantCulture);

    private static string Hash(double[] values)
    {
        var bytes = new byte[values.Length * 8];
        for (int i = 0; i < values.Length; i++) BitConverter.TryWriteBytes(bytes.AsSpan(8 * i), BitConverter.DoubleToInt64Bits(values[i]));
        return Hash(bytes);
    }

    private static string Hash(byte[] bytes) => Convert.ToHexString(SHA256.HashData(bytes))[..16].ToLowerInvariant();

    private void Pin(string expected, FlowResult r)
    {
        string actual = Fingerprint(r);
        _out.WriteLine(actual);
        Assert.True(expected == actual, $"the run's bits moved:\nexpected {expected}\nactual   {actual}");
    }

    /// <summary>
    /// R1 (bench/Flow/ReferenceProblems.cs) to t = 1e4 with the bench's options: 11,187 right-hand sides. About 2.4 CPU
    /// seconds; the plain flows below stop early (t = 3 and t = 1) because they chatter once pairs slide.
    /// </summary>
    [Fact]
    public void R1_to_1e4_keeps_its_bits()
    {
        var model = DataModel.StandardLinear(500, 5, 1.0, 1);
        var train = model.Generate();
        var test = model.GenerateTest(10_000);
        var init = Initialization.Create(InitKind.Balanced, 100, 5, 1e-3, 2);
        var r = GradientFlow.Integrate(train, init, new FlowOptions { Horizon = 1e4, Lambda = 1e-3, TestSet = test });
        Assert.Equal(11_187, r.Statistics.RhsEvaluations);
        Pin("code=Success t=40c3880000000000 rhs=11187 jac=0 lu=0 accepted=1325 rejected=216 crossingRejections=58 retained=822 resweeps=514 crossings=45131 maxSliding=377 captures=6338 releases=5995 recaptures=636 refused=10 origin=1 stiff=321 switches=5 rho=39 maxRise=3eada23ca704c8fd defect=3e328582854f7fa4 field=Direct final=8305af3aec929813 early=40136c2fe38b747a/bb1c58256aea3710 trajectory=40/271df199d67aa420 sliding=aaafc526e1d2fd8c",
             r);
    }

    [Fact]
    public void Filippov_flow_keeps_its_bits()
    {
        var (train, test, init) = Small();
        Pin("code=Success t=4072c00000000000 rhs=2761 jac=0 lu=0 accepted=342 rejected=90 crossingRejections=57 retained=4 resweeps=9 crossings=449 maxSliding=18 captures=48 releases=36 recaptures=1 refused=0 origin=0 stiff=28 switches=1 rho=7 maxRise=0000000000000000 defect=3e522ff3507da869 field=Direct final=eba197cf7f2b5443 early=3ff8b58ecb8ece2d/970ca6304dca0683 trajectory=17/193901240f940cae sliding=81a507e8b9d1e986",
             GradientFlow.Integrate(train, init, SmallFlow(test)));
    }

    /// <summary>Crossing times on Dormand-Prince's dense output (FlowOptions.DenseOutputCrossings) instead of the cubic Hermite.</summary>
    [Fact]
    public void Filippov_flow_with_dense_output_crossings_keeps_its_bits()
    {
        var (train, test, init) = Small();
        Pin("code=Success t=4072c00000000000 rhs=2644 jac=0 lu=0 accepted=333 rejected=78 crossingRejections=49 retained=4 resweeps=7 crossings=451 maxSliding=18 captures=48 releases=31 recaptures=1 refused=0 origin=0 stiff=23 switches=1 rho=4 maxRise=0000000000000000 defect=3e52ffe62f3395bc field=Direct final=1ea69d1f00391ece early=3ff8b58e941342e6/adc741497806c748 trajectory=17/db35f38b965aef11 sliding=94d3e2cd07750eb7",
             GradientFlow.Integrate(train, init, SmallFlow(test) with { DenseOutputCrossings = true }));
    }

    [Fact]
    public void Filippov_flow_in_block_form_keeps_its_bits()
    {
        var (train, test, init) = Small();
        Pin("code=Success t=4072c00000000000 rhs=2764 jac=0 lu=0 accepted=342 rejected=91 crossingRejections=57 retained=4 resweeps=9 crossings=449 maxSliding=18 captures=48 releases=36 recaptures=1 refused=0 origin=0 stiff=28 switches=1 rho=8 maxRise=0000000000000000 defect=3e52372ede31bf0f field=Block final=2125785c289a7cd6 early=3ff8b58ecb8ed797/04041fc3b567c9ff trajectory=17/1caf72853b1b686b sliding=81a507e8b9d1e986",
             GradientFlow.Integrate(train, init, SmallFlow(test) with { FieldBackend = FieldBackend.Block }));
    }

    [Fact]
    public void Plain_flow_with_Dopri5_keeps_its_bits()
    {
        var (train, test, init) = Small();
        Pin("code=Success t=4008000000000000 rhs=25202 jac=0 lu=0 accepted=1315 rejected=2885 crossingRejections=0 retained=0 resweeps=0 crossings=0 maxSliding=0 captures=0 releases=0 recaptures=0 refused=0 origin=0 stiff=0 switches=0 rho=0 maxRise=0000000000000000 defect=0000000000000000 field=Direct final=02d7f97fcd8d211c early=3ff856fd4b373d96/b3b8ca0ff2a16d4c trajectory=13/ff972aeed71d508a sliding=140bedbf9c3f6d56",
             GradientFlow.Integrate(train, init, SmallFlow(test) with { Mode = FlowMode.Plain, Horizon = 3 }));
    }

    [Fact]
    public void Plain_flow_with_Rodas4_keeps_its_bits()
    {
        var (train, test, init) = Small();
        Pin("code=Success t=3ff0000000000000 rhs=16387 jac=1115 lu=3054 accepted=1115 rejected=1939 crossingRejections=0 retained=0 resweeps=0 crossings=0 maxSliding=0 captures=0 releases=0 recaptures=0 refused=0 origin=0 stiff=1115 switches=0 rho=0 maxRise=0000000000000000 defect=0000000000000000 field=Direct final=21bbd461960c9772 early=fff8000000000000/none trajectory=12/c523ad78c75539bf sliding=140bedbf9c3f6d56",
             GradientFlow.Integrate(train, init, SmallFlow(test) with { Mode = FlowMode.Plain, Horizon = 1, PlainAlgorithm = new Rodas4() }));
    }

    [Fact]
    public void Gelu_flow_keeps_its_bits()
    {
        var (train, test, init) = Small();
        Pin("code=Success t=4072c00000000000 rhs=1173 jac=71 lu=76 accepted=186 rejected=10 crossingRejections=0 retained=0 resweeps=0 crossings=0 maxSliding=0 captures=0 releases=0 recaptures=0 refused=0 origin=0 stiff=71 switches=0 rho=0 maxRise=0000000000000000 defect=0000000000000000 field=Direct final=d2dcff16e4da44da early=3ffd7dfed4e7535d/def14d116eeb3189 trajectory=16/655c0f0c2b207761 sliding=140bedbf9c3f6d56",
             GradientFlow.Integrate(train, init, SmallFlow(test) with { Activation = Activation.Gelu }));
    }

    [Fact]
    public void Gradient_descent_keeps_its_bits()
    {
        var (train, test, init) = Small();
        Pin("code=Success t=404e000000000000 rhs=1201 jac=0 lu=0 accepted=1200 rejected=0 crossingRejections=0 retained=0 resweeps=0 crossings=3623 maxSliding=0 captures=0 releases=0 recaptures=0 refused=0 origin=0 stiff=0 switches=0 rho=0 maxRise=0000000000000000 defect=0000000000000000 field=Direct final=dd7481fd8d996c29 early=3ff999999999999a/b3a98cf3d774c0e6 trajectory=15/bfbb2f4841f3ff14 sliding=140bedbf9c3f6d56",
             GradientDescent.Run(train, init, SmallDiscrete(test)));
    }

    [Fact]
    public void Adam_keeps_its_bits()
    {
        var (train, test, init) = Small();
        Pin("code=Success t=404e000000000000 rhs=6001 jac=0 lu=0 accepted=6000 rejected=0 crossingRejections=0 retained=0 resweeps=0 crossings=18996 maxSliding=0 captures=0 releases=0 recaptures=0 refused=0 origin=0 stiff=0 switches=0 rho=0 maxRise=0000000000000000 defect=0000000000000000 field=Direct final=3deb412071975a88 early=3f947ae147ae147b/c27eba3f04f3360d trajectory=18/864af92ff5a47641 sliding=140bedbf9c3f6d56",
             Adam.Run(train, init, SmallDiscrete(test) with { LearningRate = 0.01 }));
    }
}
