using System.Text.Json;
using System.Text.Json.Serialization;

namespace TextTagger.NGram.Featurizing;

/// <summary>
/// The n-gram model's features (model format 2): scikit-learn's word 1–2-gram and char_wb 2–5-gram TF-IDF, each row
/// unit-length per vectorizer and the two placed side by side (sklearn's <c>hstack</c>), as the peer
/// bench/python/tfidf_baseline.py builds them. Saved as ngram-vocabulary.json. Read-only once built, so thread-safe.
/// </summary>
public sealed class TfidfFeaturizer : INGramFeaturizer
{
    public const string FileName = "ngram-vocabulary.json";

    public IReadOnlyList<TfidfVectorizer> Vectorizers { get; }
    readonly int[] _offsets;

    public TfidfFeaturizer(IReadOnlyList<TfidfVectorizer> vectorizers)
    {
        Vectorizers = vectorizers;
        _offsets = new int[vectorizers.Count];
        for (int v = 1; v < vectorizers.Count; v++) _offsets[v] = _offsets[v - 1] + vectorizers[v - 1].Count;
        FeatureCount = vectorizers.Sum(v => v.Count);
    }

    public int FeatureCount { get; }

    /// <summary>Fits the word and char_wb vocabularies on the training texts.</summary>
    public static TfidfFeaturizer Fit(IReadOnlyList<string> texts, NGramOptions o)
    {
        var preprocessed = Preprocess(texts);
        return new TfidfFeaturizer([
            TfidfVectorizer.Fit(preprocessed, "word", 1, o.WordNgrams, o.MinCount, o.MaxWordFeatures),
            TfidfVectorizer.Fit(preprocessed, "char_wb", 2, o.CharNgrams, o.MinCount, o.MaxCharFeatures),
        ]);
    }

    public SparseRow Featurize(string text)
    {
        string preprocessed = SklearnAnalyzers.Preprocess(text ?? "");
        if (Vectorizers.Count == 1) return Vectorizers[0].Transform(preprocessed);
        var parts = Vectorizers.Select((v, i) => v.Transform(preprocessed, _offsets[i])).ToArray();
        return new SparseRow([.. parts.SelectMany(p => p.Indices)], [.. parts.SelectMany(p => p.Values)]);
    }

    /// <summary>Every text's row, in parallel.</summary>
    public SparseRow[] Featurize(IReadOnlyList<string> texts)
    {
        var rows = new SparseRow[texts.Count];
        Parallel.For(0, texts.Count, i => rows[i] = Featurize(texts[i]));
        return rows;
    }

    static string[] Preprocess(IReadOnlyList<string> texts)
    {
        var preprocessed = new string[texts.Count];
        Parallel.For(0, texts.Count, i => preprocessed[i] = SklearnAnalyzers.Preprocess(texts[i] ?? ""));
        return preprocessed;
    }

    static readonly JsonSerializerOptions Json = new() { WriteIndented = false };

    public void Save(string directory)
    {
        var stored = Vectorizers.Select(v => new StoredVectorizer(v.Analyzer, v.MinN, v.MaxN, v.Terms, v.Idf)).ToList();
        using var file = File.Create(Path.Combine(directory, FileName));
        JsonSerializer.Serialize(file, new StoredVocabulary(stored), Json);
    }

    public static TfidfFeaturizer Load(string directory)
    {
        string path = Path.Combine(directory, FileName);
        if (!File.Exists(path)) throw new TextTaggerException($"{directory}: {FileName} is missing");
        StoredVocabulary? stored;
        try
        {
            using var file = File.OpenRead(path);
            stored = JsonSerializer.Deserialize<StoredVocabulary>(file, Json);
        }
        catch (JsonException e)
        {
            throw new TextTaggerException($"{path}: not a valid n-gram vocabulary ({e.Message})", e);
        }
        if (stored?.Vectorizers is not { Count: > 0 } || stored.Vectorizers.Any(v => v.Terms is null || v.Idf is null))
            throw new TextTaggerException($"{path}: not a valid n-gram vocabulary (needs vectorizers, each with terms and idf)");
        try
        {
            return new TfidfFeaturizer([.. stored.Vectorizers.Select(v => new TfidfVectorizer(v.Analyzer, v.MinN, v.MaxN, v.Terms, v.Idf))]);
        }
        catch (TextTaggerException e)
        {
            throw new TextTaggerException($"{path}: {e.Message}", e);
        }
    }

    sealed record StoredVocabulary([property: JsonPropertyName("vectorizers")] IReadOnlyList<StoredVectorizer> Vectorizers);

    sealed record StoredVectorizer(
        [property: JsonPropertyName("analyzer")] string Analyzer,
        [property: JsonPropertyName("ngram_min")] int MinN,
        [property: JsonPropertyName("ngram_max")] int MaxN,
        [property: JsonPropertyName("terms")] IReadOnlyList<string> Terms,
        [property: JsonPropertyName("idf")] float[] Idf);
}
