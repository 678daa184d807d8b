using TextTagger.NGram.Featurizing;

namespace TextTagger.Tests.NGram.Featurizing;

public class TermIndexTests
{
    [Fact]
    public void Finds_exactly_the_terms_a_dictionary_finds()
    {
        // Lengths around the eight chars kept inline, NULs (a padded slot must not match a shorter term), surrogate
        // pairs, and terms that share their first eight chars.
        var random = new Random(7);
        char[] alphabet = ['a', 'b', ' ', '\0', 'é', '\uD83D', '\uDE00'];
        string Term() => new([.. Enumerable.Range(0, random.Next(1, 14)).Select(_ => alphabet[random.Next(alphabet.Length)])]);
        var terms = Enumerable.Range(0, 5000).Select(_ => Term()).Distinct().ToList();
        terms.AddRange(["abcdefgh", "abcdefghi", "abcdefghij", "abcdefghik", "a", "a\0", "a\0\0"]);
        terms = [.. terms.Distinct()];
        var expected = terms.Select((t, i) => (t, i)).ToDictionary(p => p.t, p => p.i, StringComparer.Ordinal);

        var index = new TermIndex(terms, "test vocabulary");

        var queries = terms.Concat(Enumerable.Range(0, 20000).Select(_ => Term())).Concat(["", "abcdefg", "abcdefghijk", "\0"]);
        foreach (var query in queries)
            Assert.Equal(expected.GetValueOrDefault(query, -1), index.IndexOf(query));
    }

    [Fact]
    public void A_repeated_or_empty_term_is_refused_by_name()
    {
        Assert.Equal("char_wb vocabulary: 'abc' twice", Assert.Throws<TextTaggerException>(() => new TermIndex(["abc", "x", "abc"], "char_wb vocabulary")).Message);
        Assert.Equal("word vocabulary: an empty term", Assert.Throws<TextTaggerException>(() => new TermIndex(["x", ""], "word vocabulary")).Message);
    }
}
