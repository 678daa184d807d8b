using System.Text.Json;
using TextTagger.NGram;
using TextTagger.NGram.Featurizing;
using TextTagger.Tests.TestSupport;

namespace TextTagger.Tests.NGram.Featurizing;

/// <summary>Our TF-IDF against scikit-learn's TfidfVectorizer: NGram/Fixtures/sklearn_tfidf.json, written by
/// make_tfidf_fixture.py (accents, ligatures, full-width letters, emoji, non-Latin scripts, odd white space).</summary>
public class TfidfFeaturizerTests
{
    static readonly JsonElement Fixture = JsonDocument.Parse(
        File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "NGram", "Fixtures", "sklearn_tfidf.json"))).RootElement;

    static string[] Texts(string name) => [.. Fixture.GetProperty(name).EnumerateArray().Select(t => t.GetString()!)];

    public static TheoryData<int> Cases() => [.. Enumerable.Range(0, Fixture.GetProperty("cases").GetArrayLength())];

    [Theory]
    [MemberData(nameof(Cases))]
    public void Vocabulary_idf_and_rows_are_scikit_learns(int index)
    {
        var expected = Fixture.GetProperty("cases")[index];
        string analyzer = expected.GetProperty("analyzer").GetString()!;
        var train = Texts("train").Select(SklearnAnalyzers.Preprocess).ToArray();
        var vectorizer = TfidfVectorizer.Fit(train, analyzer, expected.GetProperty("ngram_min").GetInt32(), expected.GetProperty("ngram_max").GetInt32(),
                                             expected.GetProperty("min_df").GetInt32(), expected.GetProperty("max_features").GetInt32());

        var idf = expected.GetProperty("idf").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetDouble());
        Assert.Equal(idf.Keys.Order(StringComparer.Ordinal), vectorizer.Terms.Order(StringComparer.Ordinal));
        for (int i = 0; i < vectorizer.Count; i++) Assert.Equal(idf[vectorizer.Terms[i]], vectorizer.Idf[i], 1e-6);

        foreach (var part in new[] { "train", "unseen" })
        {
            var texts = Texts(part);
            var rows = expected.GetProperty(part);
            for (int t = 0; t < texts.Length; t++)
            {
                var row = vectorizer.Transform(SklearnAnalyzers.Preprocess(texts[t]));
                var want = rows[t].EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetDouble());
                var got = row.Indices.Zip(row.Values).ToDictionary(p => vectorizer.Terms[p.First], p => (double)p.Second);
                Assert.True(want.Keys.Order(StringComparer.Ordinal).SequenceEqual(got.Keys.Order(StringComparer.Ordinal)),
                            $"{analyzer} {part}[{t}] \"{texts[t]}\": missing [{string.Join("|", want.Keys.Except(got.Keys))}], extra [{string.Join("|", got.Keys.Except(want.Keys))}]");
                foreach (var (term, value) in want) Assert.Equal(value, got[term], 1e-6);
                Assert.True(row.Indices.Zip(row.Indices.Skip(1)).All(p => p.First < p.Second), "indices ascending");
            }
        }
    }

    [Fact]
    public void The_featurizer_places_words_then_characters_and_survives_a_round_trip()
    {
        var options = new NGramOptions { MinCount = 1 };
        var featurizer = TfidfFeaturizer.Fit(Texts("train"), options);
        Assert.Equal(["word", "char_wb"], featurizer.Vectorizers.Select(v => v.Analyzer));
        int words = featurizer.Vectorizers[0].Count;
        var row = featurizer.Featurize("You idiot 😀");
        // Each half is unit-length on its own (sklearn's hstack of two L2-normalised matrices).
        double wordNorm = row.Indices.Zip(row.Values).Where(p => p.First < words).Sum(p => (double)p.Second * p.Second);
        double charNorm = row.Indices.Zip(row.Values).Where(p => p.First >= words).Sum(p => (double)p.Second * p.Second);
        Assert.Equal(1, wordNorm, 1e-5);
        Assert.Equal(1, charNorm, 1e-5);

        using var folder = new TempFolder();
        featurizer.Save(folder.Path);
        var loaded = TfidfFeaturizer.Load(folder.Path);
        Assert.Equal(featurizer.FeatureCount, loaded.FeatureCount);
        var again = loaded.Featurize("You idiot 😀");
        Assert.Equal(row.Indices, again.Indices);
        Assert.Equal(row.Values, again.Values);

        File.WriteAllText(Path.Combine(folder.Path, TfidfFeaturizer.FileName), "{\"vectorizers\": [{\"analyzer\": \"word\", \"terms\": [\"a\"], \"idf\": []}]}");
        var e = Assert.Throws<TextTaggerException>(() => TfidfFeaturizer.Load(folder.Path));
        Assert.Contains(TfidfFeaturizer.FileName, e.Message);
        Assert.Contains("1 terms but 0 idf values", e.Message);
    }
}
