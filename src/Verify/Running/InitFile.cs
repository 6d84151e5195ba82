using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using SimplicityBias.Dynamics.Network;

namespace SimplicityBias.Verify.Running;

/// <summary>
/// Parameters to start a run from (<c>--init FILE</c>): one row per neuron, a_j then w_j (d values), as CSV or NPY.
/// The file's SHA-256 enters the run's key, so runs from two different files never share a results row.
/// </summary>
/// <param name="Name">The file name (without its directory), for records and messages.</param>
/// <param name="Sha256">Lower-case hex SHA-256 of the file's bytes.</param>
/// <param name="Parameters">The network it holds: m = rows, d = values per row - 1.</param>
public sealed record InitFile(string Name, string Sha256, NetworkParameters Parameters)
{
    /// <summary>Reads a file: NPY when it starts with the NPY magic, CSV otherwise. Throws <see cref="FormatException"/>
    /// naming the file, and the row and value at fault.</summary>
    public static InitFile Load(string path)
    {
        var bytes = File.ReadAllBytes(path);
        var name = Path.GetFileName(path);
        var rows = NpyArray.IsNpy(bytes) ? NpyArray.Read(bytes, name) : ReadCsv(bytes, name);
        return FromRows(rows, name, Convert.ToHexStringLower(SHA256.HashData(bytes)));
    }

    /// <summary>The network of rows [a_j, w_j...]; every row as wide, at least 2 values, all finite.</summary>
    internal static InitFile FromRows(IReadOnlyList<double[]> rows, string name, string sha256)
    {
        if (rows.Count == 0) throw new FormatException($"{name}: no rows; each row is one neuron: a, w_1, ..., w_d");
        int width = rows[0].Length;
        if (width < 2) throw new FormatException($"{name}: rows have {width} value(s); each row is one neuron: a, w_1, ..., w_d (at least 2 values)");
        var theta = new double[rows.Count * width];
        for (int j = 0; j < rows.Count; j++)
        {
            if (rows[j].Length != width) throw new FormatException($"{name}: row {j + 1} has {rows[j].Length} values, row 1 has {width}");
            for (int i = 0; i < width; i++)
                if (!double.IsFinite(rows[j][i])) throw new FormatException($"{name}: row {j + 1}, column {i + 1}: {rows[j][i].ToString(CultureInfo.InvariantCulture)} is not a finite number");
            rows[j].CopyTo(theta, j * width);
        }
        return new InitFile(name, sha256, new NetworkParameters(rows.Count, width - 1, theta));
    }

    /// <summary>CSV rows: comma-separated numbers (invariant culture); blank lines and lines starting with '#' skipped;
    /// the first line is a header when none of its cells is a number (the rule of data files).</summary>
    private static List<double[]> ReadCsv(byte[] bytes, string name)
    {
        var text = new UTF8Encoding(false).GetString(bytes).TrimStart('\uFEFF');
        var rows = new List<double[]>();
        bool header = false;
        int lineNo = 0;
        foreach (var raw in text.Split('\n'))
        {
            lineNo++;
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#')) continue;
            var cells = line.Split(',');
            var values = new double[cells.Length];
            int bad = -1, numbers = 0;
            for (int i = 0; i < cells.Length; i++)
            {
                if (double.TryParse(cells[i], NumberStyles.Float, CultureInfo.InvariantCulture, out values[i])) numbers++;
                else if (bad < 0) bad = i;
            }
            if (numbers == 0 && rows.Count == 0 && !header) { header = true; continue; }
            if (bad >= 0)
                throw new FormatException($"{name}: row {rows.Count + 1} (line {lineNo}), column {bad + 1}: '{cells[bad].Trim()}' is not a number");
            for (int i = 0; i < cells.Length; i++)
                if (!double.IsFinite(values[i]))
                    throw new FormatException($"{name}: row {rows.Count + 1} (line {lineNo}), column {i + 1}: '{cells[i].Trim()}' is not a finite number");
            if (rows.Count > 0 && cells.Length != rows[0].Length)
                throw new FormatException($"{name}: row {rows.Count + 1} (line {lineNo}) has {cells.Length} values, row 1 has {rows[0].Length}");
            rows.Add(values);
        }
        return rows;
    }
}
