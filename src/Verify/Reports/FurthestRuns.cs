using System.Text.Json;
using SimplicityBias.Verify.Running;

namespace SimplicityBias.Verify.Reports;

/// <summary>
/// One record per flow: records whose specs differ only in their horizon are the same flow stopped at different times
/// (a study extends its open runs by running them again with a longer horizon). The one that went furthest stands for
/// the flow: a stationary end first (it is the limit), else the latest end. Its trajectory holds the earlier times too,
/// so reading the flow at an earlier T loses nothing.
/// </summary>
public static class FurthestRuns
{
    /// <summary>The furthest record of each flow, in the order of first appearance.</summary>
    public static List<RunRecord> Select(IEnumerable<RunRecord> records)
    {
        ArgumentNullException.ThrowIfNull(records);
        var best = new Dictionary<string, int>(StringComparer.Ordinal);
        var list = new List<RunRecord>();
        foreach (var r in records)
        {
            string key = FlowKey(r.Spec);
            if (!best.TryGetValue(key, out int at)) { best[key] = list.Count; list.Add(r); continue; }
            if (Further(r, list[at])) list[at] = r;
        }
        return list;
    }

    /// <summary>Whether <paramref name="a"/> went further than <paramref name="b"/>: a stationary end beats an open one, then the later end.</summary>
    public static bool Further(RunRecord a, RunRecord b)
    {
        if (a.Stationary != b.Stationary) return a.Stationary;
        return a.Time > b.Time;
    }

    /// <summary>The spec without its horizon, as a canonical string (properties in name order).</summary>
    public static string FlowKey(JsonElement spec)
    {
        if (spec.ValueKind != JsonValueKind.Object) return spec.GetRawText();
        var parts = spec.EnumerateObject().Where(p => p.Name != "horizon").OrderBy(p => p.Name, StringComparer.Ordinal)
            .Select(p => p.Name + "=" + p.Value.GetRawText());
        return string.Join(";", parts);
    }
}
