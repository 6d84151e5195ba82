using SimplicityBias.Dynamics.Network;
using SimplicityBias.Verify.Specs;

namespace SimplicityBias.Verify.Running;

/// <summary>The data of one run: training set, optional test set, and whether the population is the spec's (synthetic) or unknown (user data).</summary>
/// <param name="Train">Training data.</param>
/// <param name="Test">Test data or null.</param>
/// <param name="Synthetic">True when the data were drawn from the spec's data model (population claims apply).</param>
/// <param name="Description">"synthetic" or the file name(s).</param>
public sealed record RunInputs(Dataset Train, Dataset? Test, bool Synthetic, string Description)
{
    /// <summary>Parameters to start from instead of the spec's initialization (<c>--init</c>), or null.</summary>
    public InitFile? Init { get; init; }

    /// <summary>Draws the training and test sets of a spec.</summary>
    public static RunInputs FromSpec(ExperimentSpec spec) => new(spec.Train(), spec.Test(), true, "synthetic");
}
