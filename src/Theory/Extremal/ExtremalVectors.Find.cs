using SimplicityBias.Dynamics.Network;

namespace SimplicityBias.Theory.Extremal;

public static partial class ExtremalVectors
{
    /// <summary>
    /// Every extremal vector when that is affordable, otherwise as many as the face search finds,
    /// with the set saying which: d = 2 by arcs, then the arrangement enumeration when
    /// <see cref="ArrangementCost"/> is at most <paramref name="maxEnumerationCandidates"/> (both
    /// <see cref="ExtremalSet.Complete"/> unless a degenerate vertex was skipped, in which case the
    /// face search runs instead), else <see cref="SearchFaces"/> (incomplete, with its coverage).
    /// </summary>
    /// <param name="data">The dataset.</param>
    /// <param name="maxEnumerationCandidates">Largest enumeration attempted (default <see cref="DefaultMaxCandidates"/>).</param>
    /// <param name="search">Options of the face search when the enumeration does not fit.</param>
    /// <param name="starts">Extra start directions for the face search (e.g. the neurons').</param>
    /// <param name="known">Vectors already found, handed to the face search (ignored by the enumerations).</param>
    public static ExtremalSet Find(Dataset data, long maxEnumerationCandidates = DefaultMaxCandidates, FaceSearchOptions? search = null,
        IEnumerable<double[]>? starts = null, IEnumerable<ExtremalVector>? known = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (maxEnumerationCandidates < 0)
            throw new ArgumentException($"maxEnumerationCandidates must be >= 0, got {maxEnumerationCandidates}", nameof(maxEnumerationCandidates));
        if (data.D == 2) return Enumerate2D(data);
        if (ArrangementCost(data) <= maxEnumerationCandidates)
        {
            var set = EnumerateArrangement(data, long.MaxValue);
            if (set.Complete) return set;
        }
        return SearchFaces(data, search, starts, known);
    }
}
