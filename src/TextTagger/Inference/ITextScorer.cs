using TextTagger.Inference.Engines;
using TextTagger.Inference.Explaining;

namespace TextTagger.Inference;

/// <summary>
/// What a <see cref="Tagger"/> runs: texts in, one logit per label out. A transformer behind an engine
/// (<see cref="TransformerScorer"/>), the n-gram model (NGramScorer (TextTagger.NGram)) or an ensemble of models
/// (<see cref="TextTagger.Ensembles.EnsembleScorer"/>). Labels, thresholds, tags, explanations and streaming are the tagger's and
/// the same for all of them. Implementations are thread-safe.
/// </summary>
public interface ITextScorer : IDisposable
{
    int LabelCount { get; }
    /// <summary>What runs it: "onnxruntime", "torchsharp", "ml.net", or "ensemble(…)" of its members'.</summary>
    string EngineName { get; }
    Precision Precision { get; }
    /// <summary>Tokens of a text the model reads at most; null: it reads the whole text.</summary>
    int? MaxTokens { get; }
    /// <summary>A text's size in the units batching budgets and metrics count (tokens up to the limit, or words).</summary>
    int CountTokens(string text);
    /// <summary>How many of a text's leading <paramref name="words"/> the model reads (the rest cannot matter).</summary>
    int WordsSeen(string text, IReadOnlyList<WordSpan> words);
    /// <summary>Logits [texts, labels] in label order.</summary>
    /// <param name="textsDone">Called as texts are scored, with the number done so far.</param>
    /// <param name="batchScored">Called after every forward call with what it held.</param>
    TextScores Score(IReadOnlyList<string> texts, Action<int>? textsDone = null, Action<ScoredBatch>? batchScored = null);
}

/// <summary>Logits [texts, labels], and which texts were cut at the token limit.</summary>
public sealed record TextScores(float[,] Logits, bool[] Truncated);
