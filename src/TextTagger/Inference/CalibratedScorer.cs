using TextTagger.Calibration;
using TextTagger.Inference.Engines;
using TextTagger.Inference.Explaining;

namespace TextTagger.Inference;

/// <summary>A model's scorer with its calibration.json applied to the logits it returns (see <see cref="ModelCalibration"/>).</summary>
internal sealed class CalibratedScorer(ITextScorer inner, IReadOnlyList<LabelCalibration> maps) : ITextScorer
{
    public int LabelCount => inner.LabelCount;
    public string EngineName => inner.EngineName;
    public Precision Precision => inner.Precision;
    public int? MaxTokens => inner.MaxTokens;
    public int CountTokens(string text) => inner.CountTokens(text);
    public int WordsSeen(string text, IReadOnlyList<WordSpan> words) => inner.WordsSeen(text, words);

    public TextScores Score(IReadOnlyList<string> texts, Action<int>? textsDone = null, Action<ScoredBatch>? batchScored = null)
    {
        var scores = inner.Score(texts, textsDone, batchScored);
        ModelCalibration.Apply(scores.Logits, maps);
        return scores;
    }

    public void Dispose() => inner.Dispose();
}
