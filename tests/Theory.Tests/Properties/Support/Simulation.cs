using SimplicityBias.Dynamics.Network;
using SimplicityBias.Dynamics.Ode;

namespace SimplicityBias.Theory.Tests.Properties;

/// <summary>Runs the flow of a case and checks the invariants of property 1 on it (every integrated flow is checked; by default the claims not affected by the known integrator bug).</summary>
public static class Simulation
{
    /// <summary>The flow of a case with its data and initial state, and the property-1 verdict on it.</summary>
    public sealed record Run(ExperimentCase Case, Dataset Train, NetworkParameters Initial, FlowResult Result, Verdict Invariants);

    public static Run Flow(ExperimentCase c, Func<FlowOptions, FlowOptions>? adjust = null, FlowInvariants.Claims claims = FlowInvariants.Claims.Core)
    {
        var train = c.Train();
        var init = c.Initial();
        var options = c.FlowOptions();
        if (adjust is not null) options = adjust(options);
        var result = GradientFlow.Integrate(train, init, options);
        return new Run(c, train, init, result, FlowInvariants.Check(train, init, result, options.RelativeTolerance, claims));
    }

    /// <summary>A copy of a result with some fields replaced (for the checkers' broken-input demonstrations).</summary>
    public static FlowResult With(FlowResult r, NetworkParameters? final = null, OdeReturnCode? code = null, IReadOnlyList<TrajectoryPoint>? trajectory = null) => new()
    {
        Final = final ?? r.Final, Code = code ?? r.Code, Reason = r.Reason, Time = r.Time,
        Trajectory = trajectory ?? r.Trajectory, Statistics = r.Statistics, EarlyPhaseEnd = r.EarlyPhaseEnd, EarlyPhaseTime = r.EarlyPhaseTime,
    };

    /// <summary>grad L at theta with relu'(0) = 0, written out plainly (reference for the broken-optimizer demonstrations).</summary>
    public static double[] Gradient(Dataset data, NetworkParameters net)
    {
        int n = data.N, d = data.D, stride = d + 1;
        var g = new double[net.Theta.Length];
        for (int k = 0; k < n; k++)
        {
            var x = data.Row(k);
            double r = net.Predict(x) - data.Y[k];
            for (int j = 0; j < net.M; j++)
            {
                double z = 0;
                var w = net.W(j);
                for (int i = 0; i < d; i++) z += w[i] * x[i];
                if (z <= 0) continue;
                g[j * stride] += r * z / n;
                for (int i = 0; i < d; i++) g[j * stride + 1 + i] += net.A(j) * r * x[i] / n;
            }
        }
        return g;
    }
}
