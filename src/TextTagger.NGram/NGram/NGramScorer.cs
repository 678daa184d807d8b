using TextTagger.Inference;
using TextTagger.Inference.Engines;
using TextTagger.Inference.Explaining;
using TextTagger.ModelFiles;
using TextTagger.NGram.Featurizing;

namespace TextTagger.NGram;

/// <summary>
/// Scores with the n-gram model: the featurizer turns texts into sparse rows, and each label's logit is its
/// weights · features + bias (the logistic regressions ML.NET trained). It reads the whole text.
/// </summary>
public sealed class NGramScorer : ITextScorer
{
    readonly INGramFeaturizer _featurizer;
    readonly float[][] _weights;
    readonly float[] _bias;
    readonly int _batchSize;

    NGramScorer(INGramFeaturizer featurizer, float[][] weights, float[] bias, int batchSize)
    {
        _featurizer = featurizer;
        _weights = weights;
        _bias = bias;
        _batchSize = batchSize;
    }

    public static LoadedModel Open(string directory, TaggerOptions request)
    {
        directory = Path.GetFullPath(directory);
        var files = NGramFiles.Read(directory);
        var weights = files.ReadWeights(directory);
        var featurizer = files.ReadFeaturizer(directory);
        if (featurizer.FeatureCount != files.FeatureCount)
            throw new TextTaggerException($"{Path.Combine(directory, files.FeaturizerFile)}: {featurizer.FeatureCount:N0} features, but {NGramFiles.FileName} says {files.FeatureCount:N0}");
        var scorer = new NGramScorer(featurizer, weights, [.. files.Bias], request.BatchSize);
        return new LoadedModel(scorer, files.Labels, HfFiles.ReadThresholds(directory),
                               $"n-gram model {directory} (format {files.Format}, {files.FeatureCount:N0} features)");
    }

    /// <summary>Wraps a featurizer and weights just trained.</summary>
    internal static NGramScorer FromTrained(INGramFeaturizer featurizer, float[][] weights, float[] bias) => new(featurizer, weights, bias, 256);

    public int LabelCount => _weights.Length;
    public string EngineName => "ml.net";
    public Precision Precision => Precision.Fp32;
    public int? MaxTokens => null;
    public int CountTokens(string text) => TextWords.Split(text).Count;
    public int WordsSeen(string text, IReadOnlyList<WordSpan> words) => words.Count;

    public TextScores Score(IReadOnlyList<string> texts, Action<int>? textsDone = null, Action<ScoredBatch>? batchScored = null)
    {
        ArgumentNullException.ThrowIfNull(texts);
        var logits = new float[texts.Count, LabelCount];
        for (int start = 0; start < texts.Count; start += _batchSize)
        {
            int count = Math.Min(_batchSize, texts.Count - start);
            var rows = _featurizer.Featurize(texts.Skip(start).Take(count).ToArray());
            for (int i = 0; i < count; i++)
                for (int l = 0; l < _weights.Length; l++) logits[start + i, l] = (float)(rows[i].Dot(_weights[l]) + _bias[l]);
            textsDone?.Invoke(start + count);
            if (batchScored != null)
            {
                int words = Enumerable.Range(start, count).Sum(i => CountTokens(texts[i]));
                batchScored(new ScoredBatch(count, words, words));
            }
        }
        return new TextScores(logits, new bool[texts.Count]);
    }

    public void Dispose()
    {
    }
}
