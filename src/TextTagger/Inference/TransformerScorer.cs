using TextTagger.Inference.Engines;
using TextTagger.Inference.Explaining;
using TextTagger.Tokenization;

namespace TextTagger.Inference;

/// <summary>
/// A BERT-family classifier: the WordPiece tokenizer, then an <see cref="IInferenceEngine"/> (TorchSharp weights or an
/// exported model.onnx) through <see cref="LogitsRunner"/> (length sorting, dynamic padding, token budgets), with
/// texts past the token limit truncated or scored in windows (<see cref="LongTextMode"/>).
/// </summary>
public sealed class TransformerScorer : ITextScorer
{
    readonly IInferenceEngine _engine;

    public TransformerScorer(IInferenceEngine engine, BertTokenizer tokenizer, int maxTokens, int batchSize = Tagger.DefaultBatchSize,
                             int? maxBatchTokens = null, LongTextMode longTexts = LongTextMode.Truncate, int? windowStride = null)
    {
        if (maxTokens < 2) throw new TextTaggerException($"max tokens must be ≥ 2, got {maxTokens}");
        if (batchSize < 1) throw new TextTaggerException($"batch size must be ≥ 1, got {batchSize}");
        if (maxBatchTokens < 1) throw new TextTaggerException($"max batch tokens must be ≥ 1, got {maxBatchTokens}");
        if (longTexts == LongTextMode.Window && windowStride is { } stride) EncodedTexts.CheckStride(stride, maxTokens);
        _engine = engine;
        Tokenizer = tokenizer;
        MaxTokens = maxTokens;
        BatchSize = batchSize;
        MaxBatchTokens = maxBatchTokens;
        LongTexts = longTexts;
        WindowStride = windowStride;
    }

    public BertTokenizer Tokenizer { get; }
    public int MaxTokens { get; }
    int? ITextScorer.MaxTokens => MaxTokens;
    public int BatchSize { get; }
    /// <summary>Padded tokens per forward call at most (null: <see cref="BatchSize"/> rows only).</summary>
    public int? MaxBatchTokens { get; }
    public LongTextMode LongTexts { get; }
    /// <summary>Tokens between window starts in <see cref="LongTextMode.Window"/> (null: half a window).</summary>
    public int? WindowStride { get; }
    /// <summary>What runs the model.</summary>
    public IInferenceEngine Engine => _engine;
    public int LabelCount => _engine.LabelCount;
    public string EngineName => _engine.Name;
    public Precision Precision => _engine.Precision;

    public int CountTokens(string text) => Math.Min(Tokenizer.CountTokens(text), MaxTokens);

    /// <summary>The rows the model scores for these texts (one each, or windows of the long ones).</summary>
    public EncodedTexts Encode(IReadOnlyList<string> texts)
    {
        ArgumentNullException.ThrowIfNull(texts);
        return EncodedTexts.Encode(Tokenizer, texts, MaxTokens, LongTexts, WindowStride);
    }

    public TextScores Score(IReadOnlyList<string> texts, Action<int>? textsDone = null, Action<ScoredBatch>? batchScored = null)
    {
        var encoded = Encode(texts);
        int rows = encoded.Rows.Length, count = encoded.TextCount;
        Action<int>? rowsDone = textsDone == null ? null : done => textsDone((int)((long)done * count / Math.Max(rows, 1)));
        var logits = LogitsRunner.Run(_engine, encoded.Rows, Tokenizer.PadId, BatchSize, rowsDone: rowsDone, maxBatchTokens: MaxBatchTokens,
                                      batchScored: batchScored);
        return new TextScores(encoded.Combine(logits), encoded.Truncated);
    }

    /// <summary>In window mode the model reads the whole text; else the largest prefix of words that fits in its limit
    /// ([CLS] and [SEP] included), found by bisection on the token count.</summary>
    public int WordsSeen(string text, IReadOnlyList<WordSpan> words)
    {
        if (LongTexts == LongTextMode.Window || Tokenizer.CountTokens(text) <= MaxTokens) return words.Count;
        int lo = 0, hi = words.Count;   // words[..lo] fit; words[..hi] may not
        while (lo < hi)
        {
            int mid = (lo + hi + 1) / 2;
            var end = words[mid - 1];
            if (Tokenizer.CountTokens(text[..(end.Start + end.Length)]) <= MaxTokens) lo = mid;
            else hi = mid - 1;
        }
        return lo;
    }

    public void Dispose() => _engine.Dispose();
}
