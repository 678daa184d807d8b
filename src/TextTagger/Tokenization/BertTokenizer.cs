using Fast = FastBertTokenizer;

namespace TextTagger.Tokenization;

/// <summary>
/// BERT WordPiece tokenizer over FastBertTokenizer that gives Hugging Face's ids (see <see cref="BertTextNormalizer"/>).
/// Thread-safe: one instance may be shared by all threads (FastBertTokenizer's span overload keeps no state in the
/// instance; its <c>Encode(text, maximumTokens)</c> overload does, and ignores a smaller maximum after a larger
/// one, so it is never called here).
/// </summary>
public sealed class BertTokenizer
{
    public const int DefaultMaxTokens = 512;
    /// <summary>Scratch room past the maximum, so a word cut by truncation is still looked up whole
    /// (a word that turns out unknown is one [UNK], as in Hugging Face). Words are at most 100 characters.</summary>
    const int TruncationSlack = BertTextNormalizer.MaxCharsPerWord + 2;

    readonly Fast.BertTokenizer _fast;

    [ThreadStatic] static long[]? t_ids;
    [ThreadStatic] static long[]? t_mask;

    BertTokenizer(Fast.BertTokenizer fast, Vocabulary vocabulary, bool lowercase)
    {
        _fast = fast;
        Vocabulary = vocabulary;
        Lowercase = lowercase;
        PadId = vocabulary.IdOf("[PAD]");
        UnkId = vocabulary.IdOf("[UNK]");
        ClsId = vocabulary.IdOf("[CLS]");
        SepId = vocabulary.IdOf("[SEP]");
    }

    /// <summary>A model directory's tokenizer (vocab.txt, do_lower_case); the bundled "minilm" is
    /// <c>BundledMiniLm.Tokenizer()</c> in TextTagger.Torch.</summary>
    public static BertTokenizer FromModel(string directory) => TokenizerFiles.Load(directory);

    /// <summary>Loads a vocab.txt file. <paramref name="lowercase"/>: an uncased model (lowercase, strip accents).</summary>
    public static BertTokenizer FromVocab(string vocabPath, bool lowercase = true)
    {
        if (!File.Exists(vocabPath)) throw new TextTaggerException($"Vocabulary file not found: {vocabPath}");
        return FromVocabText(File.ReadAllText(vocabPath), lowercase);
    }

    /// <summary>Loads the text of a vocab.txt (LF or CRLF line ends).</summary>
    public static BertTokenizer FromVocabText(string vocabText, bool lowercase = true)
    {
        var vocabulary = Vocabulary.Parse(vocabText);
        foreach (var special in new[] { "[PAD]", "[UNK]", "[CLS]", "[SEP]" })
            if (!vocabulary.Contains(special))
                throw new TextTaggerException($"The vocabulary has no {special} token: is it a BERT vocab.txt?");
        var fast = new Fast.BertTokenizer();
        using (var reader = new StringReader(vocabText)) fast.LoadVocabulary(reader, lowercase);
        return new BertTokenizer(fast, vocabulary, lowercase);
    }

    public Vocabulary Vocabulary { get; }
    /// <summary>True for an uncased model: text is lowercased and accents are stripped.</summary>
    public bool Lowercase { get; }
    public long PadId { get; }
    public long UnkId { get; }
    public long ClsId { get; }
    public long SepId { get; }

    /// <summary>The word pieces of a text, without [CLS]/[SEP] and without truncation.</summary>
    public IReadOnlyList<string> Tokens(string text)
    {
        var ids = Encode(text, int.MaxValue);
        var tokens = new string[ids.Length - 2];
        for (int i = 0; i < tokens.Length; i++) tokens[i] = Vocabulary[ids[i + 1]];
        return tokens;
    }

    /// <summary>[CLS] pieces… [SEP], truncated to <paramref name="maxTokens"/> ids (the last one stays [SEP]).</summary>
    public long[] Encode(string text, int maxTokens = DefaultMaxTokens)
    {
        int count = EncodeInto(text, maxTokens, out var ids);
        return ids.AsSpan(0, count).ToArray();
    }

    /// <summary>Number of ids the text needs, [CLS] and [SEP] included, without truncation.</summary>
    public int CountTokens(string text) => EncodeInto(text, int.MaxValue, out _);

    /// <summary>[CLS] … [SEP] ids of every text, truncated to <paramref name="maxTokens"/>, encoded on all cores
    /// (for pre-encoding a dataset once; pad batches of them with <see cref="PaddedBatch.FromIds"/>).</summary>
    public long[][] EncodeAll(IReadOnlyList<string> texts, int maxTokens = DefaultMaxTokens) => BatchEncoder.EncodeAll(this, texts, maxTokens);

    /// <summary>Encodes texts on all cores and pads them into one batch.</summary>
    public PaddedBatch EncodeBatch(IReadOnlyList<string> texts, int maxTokens = DefaultMaxTokens, BatchPadding padding = BatchPadding.Longest) =>
        PaddedBatch.Encode(this, texts, maxTokens, padding);

    /// <summary>
    /// Encodes into this thread's scratch buffer (valid until the thread's next call) and returns the id count.
    /// </summary>
    internal int EncodeInto(string text, int maxTokens, out long[] ids)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (maxTokens < 2) throw new ArgumentOutOfRangeException(nameof(maxTokens), "At least 2 ([CLS] and [SEP]).");
        string input = BertTextNormalizer.IsFastPathSafe(text) ? text : BertTextNormalizer.Normalize(text, Lowercase);

        // Every piece covers at least one char, so length + 2 ids hold the untruncated encoding.
        int room = (int)Math.Min((long)input.Length + 2, (long)maxTokens + TruncationSlack);
        ids = Scratch(ref t_ids, room);
        var mask = Scratch(ref t_mask, room);
        int count = _fast.Encode(input, ids.AsSpan(0, room), mask.AsSpan(0, room));
        if (count > maxTokens)
        {
            count = maxTokens;
            ids[count - 1] = SepId;
        }
        return count;
    }

    static long[] Scratch(ref long[]? buffer, int length)
    {
        if (buffer == null || buffer.Length < length) buffer = new long[Math.Max(length, 1024)];
        return buffer;
    }
}
