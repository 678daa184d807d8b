using TextTagger.Tests.TestSupport;
using TextTagger.Tokenization;

namespace TextTagger.Tests.Tokenization;

public class BertTokenizerTests(TokenizerFixture fixture) : IClassFixture<TokenizerFixture>
{
    BertTokenizer Tokenizer => fixture.Tokenizer;

    [Fact]
    public void Bundled_vocabulary_has_bert_uncased_ids_without_carriage_returns()
    {
        Assert.Equal(30522, Tokenizer.Vocabulary.Count);
        Assert.Equal((0L, 100L, 101L, 102L), (Tokenizer.PadId, Tokenizer.UnkId, Tokenizer.ClsId, Tokenizer.SepId));
        Assert.Equal(1996, Tokenizer.Vocabulary.IdOf("the"));
        Assert.DoesNotContain(Tokenizer.Vocabulary.Tokens, token => token.EndsWith('\r'));
        Assert.True(Tokenizer.Lowercase);
    }

    [Fact]
    public void Crlf_and_lf_vocab_files_give_the_same_ids()
    {
        string lf = string.Join('\n', Tokenizer.Vocabulary.Tokens) + "\n";
        using var directory = new TempFolder();
        File.WriteAllText(directory.Combine("lf.txt"), lf);
        File.WriteAllText(directory.Combine("crlf.txt"), lf.Replace("\n", "\r\n"));
        var fromLf = BertTokenizer.FromVocab(directory.Combine("lf.txt"));
        var fromCrlf = BertTokenizer.FromVocab(directory.Combine("crlf.txt"));
        const string text = "The quick brown fox can't jump over 42 lazy dogs!";
        Assert.Equal(30522, fromCrlf.Vocabulary.Count);
        Assert.Equal(fromLf.Encode(text), fromCrlf.Encode(text));
        Assert.Equal(Tokenizer.Encode(text), fromCrlf.Encode(text));
    }

    [Fact]
    public void Encode_wraps_lowercased_word_pieces_in_cls_and_sep()
    {
        Assert.Equal(["hello", ",", "world", "!", "token", "##ization"], Tokenizer.Tokens("Hello, WORLD! tokenization"));
        long[] ids = Tokenizer.Encode("Hello, WORLD!");
        Assert.Equal([101, 7592, 1010, 2088, 999, 102], ids);
        Assert.Equal([101, 102], Tokenizer.Encode(""));
    }

    [Fact]
    public void Smaller_max_tokens_after_a_larger_one_still_truncates()
    {
        // FastBertTokenizer's Encode(text, maximumTokens) keeps the buffer of an earlier, larger call and ignores
        // the smaller maximum (128 after 512 gave 512 ids). Our tokenizer must truncate to whatever it is asked.
        string text = string.Join(' ', SharedData.Comments.OrderByDescending(t => t.Length).First(), "end");
        long[] at512 = Tokenizer.Encode(text, 512);
        long[] at128 = Tokenizer.Encode(text, 128);
        long[] at512Again = Tokenizer.Encode(text, 512);
        Assert.Equal(512, at512.Length);
        Assert.Equal(128, at128.Length);
        Assert.Equal(Tokenizer.SepId, at128[^1]);
        Assert.Equal(at512[..127], at128[..127]);
        Assert.Equal(at512, at512Again);
        var batch = Tokenizer.EncodeBatch([text], maxTokens: 64);
        Assert.Equal(64, batch.SequenceLength);
    }

    [Fact]
    public void Count_tokens_does_not_truncate_and_matches_encode()
    {
        string text = string.Join(' ', Enumerable.Repeat("tokenization", 600));
        int count = Tokenizer.CountTokens(text);
        Assert.Equal(Tokenizer.Encode(text, int.MaxValue).Length, count);
        Assert.Equal(600 * Tokenizer.Tokens("tokenization").Count + 2, count);
        Assert.Equal(2, Tokenizer.CountTokens(""));
    }

    [Fact]
    public void One_instance_shared_by_all_threads_gives_the_sequential_ids()
    {
        var texts = SharedData.Comments.Take(4000).ToArray();
        var sequential = texts.Select(t => Tokenizer.Encode(t, 256)).ToArray();
        var parallel = new long[texts.Length][];
        Parallel.For(0, texts.Length, new ParallelOptions { MaxDegreeOfParallelism = 8 },
            i => parallel[i] = Tokenizer.Encode(texts[i], 256 - i % 2 * 128)); // mixed maxima on purpose
        for (int i = 0; i < texts.Length; i++)
        {
            var expected = i % 2 == 0 ? sequential[i] : Tokenizer.Encode(texts[i], 128);
            Assert.True(expected.SequenceEqual(parallel[i]), $"text {i} differs");
        }
    }

    [Fact]
    public void Model_directory_reads_do_lower_case_from_tokenizer_config()
    {
        using var directory = new TempFolder();
        File.WriteAllText(directory.Combine("vocab.txt"), string.Join("\r\n", Tokenizer.Vocabulary.Tokens));
        Assert.True(BertTokenizer.FromModel(directory.Path).Lowercase);
        File.WriteAllText(directory.Combine("tokenizer_config.json"), """{ "do_lower_case": false, "model_max_length": 512 }""");
        var cased = BertTokenizer.FromModel(directory.Path);
        Assert.False(cased.Lowercase);
        Assert.Equal(["hello"], cased.Tokens("hello"));
        Assert.NotEqual(["hello"], cased.Tokens("HELLO")); // not lowercased: the uncased vocab has no "HELLO"
    }

    [Fact]
    public void Missing_model_directory_or_vocab_is_a_user_error_naming_the_path()
    {
        using var directory = new TempFolder();
        string missing = System.IO.Path.Combine(directory.Path, "nope");
        var notFound = Assert.Throws<TextTaggerException>(() => BertTokenizer.FromModel(missing));
        Assert.Contains(missing, notFound.Message);
        var noVocab = Assert.Throws<TextTaggerException>(() => BertTokenizer.FromModel(directory.Path));
        Assert.Contains("No vocab.txt", noVocab.Message);
        File.WriteAllText(directory.Combine("vocab.txt"), "a\nb\n");
        var notBert = Assert.Throws<TextTaggerException>(() => BertTokenizer.FromModel(directory.Path));
        Assert.Contains("[PAD]", notBert.Message);
        File.WriteAllText(directory.Combine("vocab.txt"), string.Join('\n', Tokenizer.Vocabulary.Tokens));
        File.WriteAllText(directory.Combine("tokenizer_config.json"), "{ not json");
        Assert.Contains("tokenizer_config.json", Assert.Throws<TextTaggerException>(() => BertTokenizer.FromModel(directory.Path)).Message);
    }
}
