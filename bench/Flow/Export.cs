using System.Globalization;
using SimplicityBias.Dynamics.Network;

namespace SimplicityBias.Bench.Flow;

/// <summary>
/// `bench export r1|r2|r3 DIR`: writes the inputs of a reference problem for the side-by-side comparison
/// (bench/sidebyside): train.csv and test.csv (x1..xd,y) and theta0.csv (one row per neuron: a,w1..wd).
/// </summary>
public static class Export
{
    /// <summary>Runs the command; returns the exit code.</summary>
    public static int Run(string[] args)
    {
        if (args.Length < 3) { Console.Error.WriteLine("usage: bench export r1|r2|r3 DIR"); return 2; }
        string name = args[1], dir = args[2];
        Directory.CreateDirectory(dir);
        var (train, test, init) = ReferenceProblems.Build(name);
        train.SaveCsv(Path.Combine(dir, "train.csv"));
        test.SaveCsv(Path.Combine(dir, "test.csv"));
        SaveTheta(init, Path.Combine(dir, "theta0.csv"));
        Console.WriteLine($"exported {name}: n={train.N} d={train.D} m={init.M} test={test.N} to {dir}");
        return 0;
    }

    /// <summary>Writes parameters as CSV, one row per neuron (a,w1..wd, round-trip precision), atomically.</summary>
    public static void SaveTheta(NetworkParameters p, string path)
    {
        string tmp = path + ".tmp";
        using (var w = new StreamWriter(tmp))
        {
            w.Write('a');
            for (int i = 0; i < p.D; i++) w.Write($",w{i + 1}");
            w.WriteLine();
            for (int j = 0; j < p.M; j++)
            {
                int o = j * p.Stride;
                for (int i = 0; i < p.Stride; i++)
                {
                    if (i > 0) w.Write(',');
                    w.Write(p.Theta[o + i].ToString("R", CultureInfo.InvariantCulture));
                }
                w.WriteLine();
            }
        }
        File.Move(tmp, path, overwrite: true);
    }
}
