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
    readonly TermIndex _index;   // looks n-grams up without allocating them
    // Per thread, a count per term and the terms a text touched: a dense array counts a gram in a few ns, where a
    // Dictionary of the text's terms cost more than the vocabulary lookups themselves.
    readonly ThreadLocal<(int[] Counts, List<int> Seen)> _scratch;

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
        _index = new TermIndex(terms, $"{analyzer} vocabulary");
        _scratch = new(() => (new int[terms.Count], new List<int>()));
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
        var (counts, seen) = _scratch.Value;
        var index = _index;
        int[] indices;
        var values = Array.Empty<double>();
        try
        {
            Analyze(preprocessed, Analyzer, MinN, MaxN, gram =>
            {
                int i = index.IndexOf(gram);
                if (i >= 0 && counts[i]++ == 0) seen.Add(i);
            });
            if (seen.Count == 0) return SparseRow.Empty;
            indices = [.. seen];
            Array.Sort(indices);
            values = new double[indices.Length];
            for (int j = 0; j < indices.Length; j++) values[j] = (1 + Math.Log(counts[indices[j]])) * Idf[indices[j]];
        }
        finally
        {
            foreach (int i in seen) counts[i] = 0;   // clean for the thread's next text, whatever happened
            seen.Clear();
        }
        double norm = 0;
        foreach (double v in values) norm += v * v;
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
