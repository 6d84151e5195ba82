using System.Globalization;
using SimplicityBias.Verify.Running;

namespace SimplicityBias.Verify.Reports;

/// <summary>How reports and figures name a run's settings, with the parameters that make them distinct.</summary>
public static class RunLabels
{
    /// <summary>The solver with what sets it apart: gd and adam with their learning rate, e.g. "gd (lr 0.01)".</summary>
    public static string Solver(RunRecord r)
    {
        var s = r.SpecString("solver");
        double lr = r.SpecDouble("learningRate");
        return s is "gd" or "adam" && double.IsFinite(lr) ? $"{s} (lr {lr.ToString("G3", CultureInfo.InvariantCulture)})" : s;
    }
}
