using System.Collections.Concurrent;
using System.Runtime.InteropServices;

namespace TextTagger.NGram.Featurizing;

/// <summary>
/// One of scikit-learn's TfidfVectorizers (<c>sublinear_tf=True</c>, <c>smooth_idf=True</c>, <c>norm="l2"</c>) over
/// one analyzer: the vocabulary is the n-grams found in at least <c>min_df</c> training texts, cut to the
/// <c>max_features</c> most frequent by total count; a text's feature is (1 + ln count) × idf, idf = ln((1 + n) / (1 + df)) + 1,
/// and the row is scaled to unit length.
/// </summary>
public sealed class TfidfVectorizer
{
    readonly Dictionary<string, int> _index;
    readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _spanIndex;   // looks n-grams up without allocating them

    /// <summary>The analyzer: "word" or "char_wb", as in sklearn.</summary>
    public string Analyzer { get; }
    public int MinN { get; }
    public int MaxN { get; }
    /// <summary>The kept n-grams in ordinal order (sklearn sorts its vocabulary by code point; ordinal order differs
    /// only past U+FFFF, and only in which index a term gets).</summary>
    public IReadOnlyList<string> Terms { get; }
    public float[] Idf { get; }

    public TfidfVectorizer(string analyzer, int minN, int maxN, IReadOnlyList<string> terms, float[] idf)
    {
        if (analyzer is not ("word" or "char_wb")) throw new TextTaggerException($"unknown n-gram analyzer '{analyzer}' (word or char_wb)");
        if (terms.Count != idf.Length) throw new TextTaggerException($"{analyzer} vocabulary: {terms.Count} terms but {idf.Length} idf values");
        (Analyzer, MinN, MaxN, Terms, Idf) = (analyzer, minN, maxN, terms, idf);
        _index = new Dictionary<string, int>(terms.Count, StringComparer.Ordinal);
        for (int i = 0; i < terms.Count; i++)
            if (!_index.TryAdd(terms[i], i)) throw new TextTaggerException($"{analyzer} vocabulary: '{terms[i]}' twice");
        _spanIndex = _index.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    public int Count => Terms.Count;

    /// <summary>Learns the vocabulary and idf from preprocessed training texts (<see cref="SklearnAnalyzers.Preprocess"/>).</summary>
    public static TfidfVectorizer Fit(IReadOnlyList<string> preprocessed, string analyzer, int minN, int maxN, int minDf, int maxFeatures)
    {
        // Per term: texts containing it and total count. Counted per text in parallel, merged under a lock per chunk.
        var stats = new Dictionary<string, (int Df, long Tf)>(StringComparer.Ordinal);
        var gate = new Lock();
        Parallel.ForEach(Partitioner.Create(0, preprocessed.Count, 256), range =>
        {
            var local = new Dictionary<string, (int Df, long Tf)>(StringComparer.Ordinal);
            for (int i = range.Item1; i < range.Item2; i++)
                foreach (var (term, count) in CountNGrams(preprocessed[i], analyzer, minN, maxN))
                {
                    var s = local.GetValueOrDefault(term);
                    local[term] = (s.Df + 1, s.Tf + count);
                }
            lock (gate)
                foreach (var (term, s) in local)
                {
                    var t = stats.GetValueOrDefault(term);
                    stats[term] = (t.Df + s.Df, t.Tf + s.Tf);
                }
        });
        var kept = stats.Where(p => p.Value.Df >= minDf).ToList();
        if (kept.Count > maxFeatures)   // the most frequent; sklearn breaks ties at the cut arbitrarily, here by term
            kept = [.. kept.OrderByDescending(p => p.Value.Tf).ThenBy(p => p.Key, StringComparer.Ordinal).Take(maxFeatures)];
        kept.Sort((a, b) => string.CompareOrdinal(a.Key, b.Key));
        int n = preprocessed.Count;
        var idf = kept.Select(p => (float)(Math.Log((1.0 + n) / (1.0 + p.Value.Df)) + 1)).ToArray();
        return new TfidfVectorizer(analyzer, minN, maxN, [.. kept.Select(p => p.Key)], idf);
    }

    /// <summary>The unit-length TF-IDF row of one preprocessed text, indices shifted by <paramref name="offset"/>.</summary>
    public SparseRow Transform(string preprocessed, int offset = 0)
    {
        var counts = new Dictionary<int, int>();
        var index = _spanIndex;
        Analyze(preprocessed, Analyzer, MinN, MaxN, gram =>
        {
            if (index.TryGetValue(gram, out int i)) CollectionsMarshal.GetValueRefOrAddDefault(counts, i, out _)++;
        });
        if (counts.Count == 0) return SparseRow.Empty;
        var indices = counts.Keys.ToArray();
        Array.Sort(indices);
        var values = new double[indices.Length];
        double norm = 0;
        for (int j = 0; j < indices.Length; j++)
        {
            values[j] = (1 + Math.Log(counts[indices[j]])) * Idf[indices[j]];
            norm += values[j] * values[j];
        }
        norm = Math.Sqrt(norm);
        var shifted = new int[indices.Length];
        var scaled = new float[indices.Length];
        for (int j = 0; j < indices.Length; j++) (shifted[j], scaled[j]) = (indices[j] + offset, (float)(values[j] / norm));
        return new SparseRow(shifted, scaled);
    }

    static Dictionary<string, int> CountNGrams(string preprocessed, string analyzer, int minN, int maxN)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        var lookup = counts.GetAlternateLookup<ReadOnlySpan<char>>();
        Analyze(preprocessed, analyzer, minN, maxN, gram => CollectionsMarshal.GetValueRefOrAddDefault(lookup, gram, out _)++);
        return counts;
    }

    static void Analyze(string preprocessed, string analyzer, int minN, int maxN, SklearnAnalyzers.GramSink gram)
    {
        if (analyzer == "word") SklearnAnalyzers.WordNGrams(preprocessed, minN, maxN, gram);
        else SklearnAnalyzers.CharWbNGrams(preprocessed, minN, maxN, gram);
    }
}
