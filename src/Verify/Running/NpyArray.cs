using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace SimplicityBias.Verify.Running;

/// <summary>
/// Reads a NumPy .npy file holding a 2-D float64 or float32 array in C order (either byte order), the only kind an
/// init file may be. The header (format versions 1.0, 2.0 and 3.0) is a Python dict literal with the keys 'descr',
/// 'fortran_order' and 'shape'; it is parsed here, and anything else (integers, 1-D or 3-D arrays, Fortran order,
/// object arrays, a data size that is not the shape's) is refused with a message saying what was found.
/// </summary>
internal static partial class NpyArray
{
    private static ReadOnlySpan<byte> Magic => [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    /// <summary>Whether the bytes start with the NPY magic string.</summary>
    public static bool IsNpy(byte[] bytes) => bytes.AsSpan().StartsWith(Magic);

    /// <summary>The rows of the array.</summary>
    public static List<double[]> Read(byte[] bytes, string name)
    {
        if (bytes.Length < 10) throw new FormatException($"{name}: NPY file cut short ({bytes.Length} bytes)");
        int major = bytes[6];
        int headerStart = major == 1 ? 10 : 12;
        long headerLength = major switch
        {
            1 => BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(8)),
            2 or 3 when bytes.Length >= 12 => BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(8)),
            2 or 3 => -1,
            _ => throw new FormatException($"{name}: NPY format version {major}.{bytes[7]} is not supported (1.0, 2.0 and 3.0 are)"),
        };
        if (headerLength < 0 || headerStart + headerLength > bytes.Length) throw new FormatException($"{name}: NPY header cut short");
        var header = (major == 3 ? Encoding.UTF8 : Encoding.Latin1).GetString(bytes, headerStart, (int)headerLength);

        var descr = DescrPattern().Match(header);
        if (!descr.Success) throw new FormatException($"{name}: NPY header has no simple 'descr' (structured arrays are not read): {header.Trim()}");
        int size = descr.Groups[1].Value switch
        {
            "<f8" or ">f8" => 8,
            "<f4" or ">f4" => 4,
            var other => throw new FormatException($"{name}: NPY dtype '{other}' is not read; an init file holds float64 ('<f8') or float32 ('<f4')"),
        };
        bool bigEndian = descr.Groups[1].Value[0] == '>';
        var order = FortranPattern().Match(header);
        if (!order.Success) throw new FormatException($"{name}: NPY header has no 'fortran_order': {header.Trim()}");
        if (order.Groups[1].Value == "True") throw new FormatException($"{name}: NPY array is in Fortran order; save it in C order (numpy.ascontiguousarray)");
        var shapeMatch = ShapePattern().Match(header);
        if (!shapeMatch.Success) throw new FormatException($"{name}: NPY header has no 'shape': {header.Trim()}");
        var dims = shapeMatch.Groups[1].Value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (dims.Length != 2)
            throw new FormatException($"{name}: NPY array of shape ({shapeMatch.Groups[1].Value.Trim()}) is {dims.Length}-D; an init file is 2-D, one row per neuron: a, w_1, ..., w_d");
        if (!long.TryParse(dims[0], NumberStyles.None, CultureInfo.InvariantCulture, out long m) || !long.TryParse(dims[1], NumberStyles.None, CultureInfo.InvariantCulture, out long k))
            throw new FormatException($"{name}: NPY shape ({shapeMatch.Groups[1].Value.Trim()}) is not two integers");

        long start = headerStart + headerLength;
        var expected = (Int128)m * k * size;
        if (bytes.Length - start != expected)
            throw new FormatException($"{name}: NPY data is {bytes.Length - start} bytes, the shape ({m}, {k}) of {size}-byte values needs {expected}");
        var rows = new List<double[]>((int)m);
        var data = bytes.AsSpan((int)start);
        for (int j = 0; j < m; j++)
        {
            var row = new double[k];
            for (int i = 0; i < k; i++)
            {
                var cell = data.Slice((int)((j * k + i) * size), size);
                row[i] = size == 8
                    ? BitConverter.Int64BitsToDouble(bigEndian ? BinaryPrimitives.ReadInt64BigEndian(cell) : BinaryPrimitives.ReadInt64LittleEndian(cell))
                    : BitConverter.Int32BitsToSingle(bigEndian ? BinaryPrimitives.ReadInt32BigEndian(cell) : BinaryPrimitives.ReadInt32LittleEndian(cell));
            }
            rows.Add(row);
        }
        return rows;
    }

    [GeneratedRegex(@"'descr'\s*:\s*'([^']*)'")]
    private static partial Regex DescrPattern();
    [GeneratedRegex(@"'fortran_order'\s*:\s*(True|False)")]
    private static partial Regex FortranPattern();
    [GeneratedRegex(@"'shape'\s*:\s*\(([^)]*)\)")]
    private static partial Regex ShapePattern();
}
