namespace SimplicityBias.Dynamics.Ode;

/// <summary>Work counters of one integration (or of one stepper used on its own).</summary>
public sealed class OdeStatistics
{
    /// <summary>Evaluations of f, including those spent on finite-difference Jacobians and the initial step.</summary>
    public long FunctionEvaluations { get; set; }
    /// <summary>Jacobian evaluations (analytic or by finite differences).</summary>
    public long JacobianEvaluations { get; set; }
    /// <summary>LU factorizations.</summary>
    public long LuFactorizations { get; set; }
    /// <summary>Linear solves with a factorized matrix.</summary>
    public long LinearSolves { get; set; }
    /// <summary>Accepted steps.</summary>
    public long AcceptedSteps { get; set; }
    /// <summary>Rejected steps.</summary>
    public long RejectedSteps { get; set; }
    /// <summary>Events that happened (recorded zero crossings).</summary>
    public long Events { get; set; }
    /// <summary>Switches between the explicit and the stiff method (automatic switching only).</summary>
    public long MethodSwitches { get; set; }
    /// <summary>Accepted steps taken by the stiff method (automatic switching only; all steps for Rosenbrock).</summary>
    public long StiffSteps { get; set; }
    /// <summary>Steps that passed the error test and were vetoed by the step validator (counted among the rejected).</summary>
    public long VetoedSteps { get; set; }
    /// <summary>Restarts after an event affect or a step callback that changed the state.</summary>
    public long Restarts { get; set; }

    /// <summary>A one-line summary.</summary>
    public override string ToString()
        => $"nf={FunctionEvaluations} njac={JacobianEvaluations} nlu={LuFactorizations} accepted={AcceptedSteps} rejected={RejectedSteps} events={Events} switches={MethodSwitches}";

    /// <summary>A copy of the counters.</summary>
    public OdeStatistics Clone() => (OdeStatistics)MemberwiseClone();
}
