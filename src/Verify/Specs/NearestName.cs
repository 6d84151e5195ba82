namespace SimplicityBias.Verify.Specs;

/// <summary>
/// The "did you mean" of an unknown field: the single known name nearest to what was typed (Levenshtein distance,
/// ignoring case), if it is near enough to be a typo. Ties go to the ordinally first name, so the suggestion does not
/// depend on the order of the field table.
/// </summary>
internal static class NearestName
{
    /// <summary>The nearest of <paramref name="known"/> to <paramref name="typed"/>, or null when none is within reach.</summary>
    public static string? Find(string typed, IEnumerable<string> known)
    {
        // Within two edits, and fewer for short names: "x" is not a typo of "d", while "dd" is one of "d".
        int reach = Math.Min(typed.Length / 2, 2);
        string? best = null;
        int bestDistance = int.MaxValue;
        foreach (var name in known)
        {
            int dist = Distance(name.ToLowerInvariant(), typed.ToLowerInvariant());
            if (dist > reach) continue;
            if (dist < bestDistance || (dist == bestDistance && string.CompareOrdinal(name, best) < 0))
            {
                best = name;
                bestDistance = dist;
            }
        }
        return best;
    }

    /// <summary>Levenshtein distance: insertions, deletions and substitutions, each of cost 1.</summary>
    public static int Distance(string a, string b)
    {
        var prev = new int[b.Length + 1];
        var cur = new int[b.Length + 1];
        for (int j = 0; j <= b.Length; j++) prev[j] = j;
        for (int i = 1; i <= a.Length; i++)
        {
            cur[0] = i;
            for (int j = 1; j <= b.Length; j++)
                cur[j] = Math.Min(Math.Min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            (prev, cur) = (cur, prev);
        }
        return prev[b.Length];
    }
}
