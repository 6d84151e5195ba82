using SimplicityBias.Dynamics.Network;

namespace SimplicityBias.Theory.Experiments;

/// <summary>The law of the inputs x (each scaled so that E[x x^T] = I but the shifted one; see <see cref="Experiment"/>).</summary>
public enum InputLawKind
{
    /// <summary>N(0, I).</summary>
    Gaussian,
    /// <summary>N(mu, I), mu = shift (1, ..., 1) / sqrt(d).</summary>
    ShiftedGaussian,
    /// <summary>Uniform on the sphere of radius sqrt(d).</summary>
    Sphere,
    /// <summary>n &lt;= d orthogonal inputs of norm sqrt(d).</summary>
    Orthogonal,
    /// <summary>Uniform in the ball of radius sqrt(d + 2).</summary>
    Ball,
    /// <summary>Independent +-1 coordinates.</summary>
    Rademacher,
}

/// <summary>The teacher function of the labels.</summary>
public enum TeacherKind
{
    /// <summary>y = &lt;beta*, x&gt; + noise.</summary>
    Linear,
    /// <summary>A sum of k random ReLU units drawn from the seed, plus noise.</summary>
    Relu,
}

/// <summary>The label noise. Not a spec field of its own: sigma = 0 means none, sigma &gt; 0 Gaussian.</summary>
public enum NoiseKind
{
    /// <summary>Noise-free labels.</summary>
    None,
    /// <summary>Centred Gaussian noise of standard deviation sigma.</summary>
    Gaussian,
}

/// <summary>The training method.</summary>
public enum Solver
{
    /// <summary>The exact (Filippov) gradient flow.</summary>
    Flow,
    /// <summary>The gradient flow on a generic ODE solver (a baseline that ignores the switching).</summary>
    FlowPlain,
    /// <summary>Gradient descent.</summary>
    Gd,
    /// <summary>Adam.</summary>
    Adam,
}

/// <summary>The names of the values of one choice, as users write them (spec files, --set, printed cases).</summary>
public sealed class ChoiceNames<T> where T : struct, Enum
{
    private readonly (T Value, string Name)[] pairs;

    internal ChoiceNames(params (T Value, string Name)[] pairs)
    {
        // Every value named once: a new enum member without a name would otherwise be unwritable.
        if (pairs.Length != Enum.GetValues<T>().Length || pairs.Select(p => p.Value).Distinct().Count() != pairs.Length)
            throw new InvalidOperationException($"{typeof(T).Name}: every value needs exactly one name");
        this.pairs = pairs;
    }

    /// <summary>All names, in the order of the table.</summary>
    public IReadOnlyList<string> Names => pairs.Select(p => p.Name).ToArray();

    /// <summary>The name of <paramref name="value"/>.</summary>
    public string Name(T value) => Array.Find(pairs, p => p.Value.Equals(value)).Name
        ?? throw new ArgumentOutOfRangeException(nameof(value), value, $"no name for {typeof(T).Name}.{value}");

    /// <summary>The value named <paramref name="name"/> (exact, case-sensitive match).</summary>
    public bool TryParse(string name, out T value)
    {
        foreach (var p in pairs)
            if (p.Name == name) { value = p.Value; return true; }
        value = default;
        return false;
    }
}

/// <summary>The name tables of the experiment's choices: parsed once where text enters, enums everywhere after.</summary>
public static class ExperimentChoices
{
    /// <summary>dataModel.</summary>
    public static readonly ChoiceNames<InputLawKind> InputLaws = new(
        (InputLawKind.Gaussian, "gaussian"), (InputLawKind.ShiftedGaussian, "shifted-gaussian"), (InputLawKind.Sphere, "sphere"),
        (InputLawKind.Orthogonal, "orthogonal"), (InputLawKind.Ball, "ball"), (InputLawKind.Rademacher, "rademacher"));

    /// <summary>teacher.</summary>
    public static readonly ChoiceNames<TeacherKind> Teachers = new((TeacherKind.Linear, "linear"), (TeacherKind.Relu, "relu"));

    /// <summary>init.</summary>
    public static readonly ChoiceNames<InitKind> Inits = new(
        (InitKind.Balanced, "balanced"), (InitKind.Dominated, "dominated"), (InitKind.Unbalanced, "unbalanced"));

    /// <summary>activation.</summary>
    public static readonly ChoiceNames<Activation> Activations = new((Activation.Relu, "relu"), (Activation.Gelu, "gelu"));

    /// <summary>solver.</summary>
    public static readonly ChoiceNames<Solver> Solvers = new(
        (Solver.Flow, "flow"), (Solver.FlowPlain, "flow-plain"), (Solver.Gd, "gd"), (Solver.Adam, "adam"));
}
