using System.Globalization;
using SimplicityBias.Verify.Checks;
using SimplicityBias.Verify.Running;

namespace SimplicityBias.Verify.Reports;

/// <summary>
/// The orders a report reads in: what needs attention first (errors, failures, then inconclusive checks),
/// and numbers as numbers (16 before 1024), so a reader triages from the top instead of scanning every row.
/// </summary>
public static class ReportOrder
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>0 for a failed check, 1 for an inconclusive one, 2 for a pass.</summary>
    public static int Rank(Verdict v) => v switch { Verdict.Fail => 0, Verdict.Inconclusive => 1, _ => 2 };

    /// <summary>0 for a run that could not be done, then its checks' worst verdict ranked as for a check, plus 1.</summary>
    public static int Rank(RunRecord r) => r.Status != "ok" ? 0 : 1 + Rank(r.Verdict);

    /// <summary>Position of a check's claim in <see cref="Claims.All"/> (the order of the claims table); unknown names last.</summary>
    public static int ClaimPosition(string name)
    {
        for (int i = 0; i < Claims.All.Count; i++)
            if (name == Claims.All[i].Name || name.StartsWith(Claims.All[i].Name + " ", StringComparison.Ordinal)) return i;
        return Claims.All.Count;
    }

    /// <summary>Checks in triage order: failures, then inconclusive, then passes; within each, the claims' order (stable).</summary>
    public static IEnumerable<CheckResult> Triage(IEnumerable<CheckResult> checks)
        => checks.OrderBy(c => Rank(c.Verdict)).ThenBy(c => ClaimPosition(c.Name));

    /// <summary>Runs in triage order: errors, failures, inconclusive, passes; within each by d, n and seed as numbers, then index.</summary>
    public static IEnumerable<RunRecord> Triage(IEnumerable<RunRecord> runs)
        => runs.OrderBy(Rank).ThenBy(r => r.SpecDouble("d")).ThenBy(r => r.SpecDouble("n")).ThenBy(r => r.SpecDouble("seed")).ThenBy(r => r.Index);

    /// <summary>Compares texts as numbers when both parse as numbers (JSON or invariant culture), numbers before other text, else ordinally.</summary>
    public static readonly IComparer<string> NumbersAsNumbers = Comparer<string>.Create((a, b) =>
    {
        bool na = TryNumber(a, out double x), nb = TryNumber(b, out double y);
        if (na && nb) { int c = x.CompareTo(y); return c != 0 ? c : string.CompareOrdinal(a, b); }
        if (na != nb) return na ? -1 : 1;
        return string.CompareOrdinal(a, b);
    });

    /// <summary>
    /// Compares labels with numbers inside ("d = 5, ..." before "d = 10, ...", "gd (lr 0.01)" before "gd (lr 0.1)"):
    /// runs of digits (with a decimal point or exponent) compare as numbers, the text between them ordinally.
    /// </summary>
    public static readonly IComparer<string> NumbersInText = Comparer<string>.Create((a, b) =>
    {
        var pa = Pieces(a);
        var pb = Pieces(b);
        for (int i = 0; i < Math.Min(pa.Count, pb.Count); i++)
        {
            int c = NumbersAsNumbers.Compare(pa[i], pb[i]);
            if (c != 0) return c;
        }
        return pa.Count != pb.Count ? pa.Count.CompareTo(pb.Count) : string.CompareOrdinal(a, b);
    });

    private static readonly System.Text.RegularExpressions.Regex Number = new(@"\d+(\.\d+)?([eE][-+]?\d+)?");

    private static List<string> Pieces(string s)
    {
        var list = new List<string>();
        int at = 0;
        foreach (System.Text.RegularExpressions.Match m in Number.Matches(s))
        {
            if (m.Index > at) list.Add(s[at..m.Index]);
            list.Add(m.Value);
            at = m.Index + m.Length;
        }
        if (at < s.Length) list.Add(s[at..]);
        return list;
    }

    private static bool TryNumber(string s, out double x)
        => double.TryParse(s, NumberStyles.Float, Inv, out x) && !double.IsNaN(x);
}
