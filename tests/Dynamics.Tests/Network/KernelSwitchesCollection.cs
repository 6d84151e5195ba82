namespace SimplicityBias.Dynamics.Tests.Network;

/// <summary>Tests that set a static test switch (e.g. DiscreteTrainer.ForceCrossingsEveryStep) run alone, off other threads' runs.</summary>
[CollectionDefinition("Kernel switches", DisableParallelization = true)]
public class KernelSwitchesCollection { }
