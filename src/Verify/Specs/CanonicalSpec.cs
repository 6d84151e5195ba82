using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace SimplicityBias.Verify.Specs;

/// <summary>
/// The canonical JSON of a spec (every field, defaults resolved, keys sorted, numbers in shortest
/// round-trip form) and its SHA-256: the key under which a run's result is stored.
/// Two specs that mean the same run have the same hash; the hash changes when any field does.
/// </summary>
public static class CanonicalSpec
{
    /// <summary>Canonical JSON text (compact, UTF-8 friendly, no insignificant whitespace).</summary>
    public static string ToJson(ExperimentSpec spec) => Encoding.UTF8.GetString(ToUtf8(spec));

    /// <summary>Canonical JSON bytes.</summary>
    public static byte[] ToUtf8(ExperimentSpec spec)
    {
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms, new JsonWriterOptions { Indented = false }))
        {
            w.WriteStartObject();
            foreach (var f in SpecFields.All.OrderBy(f => f.Name, StringComparer.Ordinal)) f.WriteCanonical(w, spec);
            w.WriteEndObject();
        }
        return ms.ToArray();
    }

    /// <summary>Lower-case hex SHA-256 of the canonical JSON (64 characters).</summary>
    public static string Hash(ExperimentSpec spec) => Convert.ToHexStringLower(SHA256.HashData(ToUtf8(spec)));

    /// <summary>The first 12 hex digits of the hash, for display.</summary>
    public static string ShortHash(ExperimentSpec spec) => Hash(spec)[..12];
}
