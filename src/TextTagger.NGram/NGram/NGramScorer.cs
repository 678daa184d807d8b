using Microsoft.ML;
using Microsoft.ML.Data;
using TextTagger.Inference;
using TextTagger.Inference.Engines;
using TextTagger.Inference.Explaining;
using TextTagger.ModelFiles;

namespace TextTagger.NGram;

/// <summary>
/// Scores with the n-gram model: ML.NET's fitted featurizer turns texts into sparse TF-IDF vectors, and each label's
/// logit is its weights · features + bias (the logistic regressions ML.NET trained). It reads the whole text.
/// </summary>
public sealed class NGramScorer : ITextScorer
{
    /// <summary>The column names of the featurizer's input and output.</summary>
    internal const string TextColumn = "Text", FeaturesColumn = "Features";

    readonly MLContext _ml = new();
    readonly ITransformer _featurizer;
    readonly float[][] _weights;
    readonly float[] _bias;
    readonly int _batchSize;
    readonly Lock _gate = new();   // ML.NET's context and views are not documented as thread-safe

    NGramScorer(ITransformer featurizer, float[][] weights, float[] bias, int batchSize)
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
        var ml = new MLContext();
        ITransformer featurizer;
        try
        {
            featurizer = ml.Model.Load(Path.Combine(directory, NGramFiles.FeaturizerFile), out _);
        }
        catch (Exception e) when (e is not TextTaggerException)
        {
            throw new TextTaggerException($"{Path.Combine(directory, NGramFiles.FeaturizerFile)}: not an ML.NET model ({e.Message})", e);
        }
        var scorer = new NGramScorer(featurizer, weights, [.. files.Bias], request.BatchSize);
        return new LoadedModel(scorer, files.Labels, HfFiles.ReadThresholds(directory),
                               $"n-gram model {directory} ({files.FeatureCount:N0} features)");
    }

    /// <summary>Wraps a featurizer and weights just trained.</summary>
    internal static NGramScorer FromTrained(ITransformer featurizer, float[][] weights, float[] bias) => new(featurizer, weights, bias, 256);

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
            lock (_gate) ScoreBatch(texts, start, count, logits);
            textsDone?.Invoke(start + count);
            if (batchScored != null)
            {
                int words = Enumerable.Range(start, count).Sum(i => CountTokens(texts[i]));
                batchScored(new ScoredBatch(count, words, words));
            }
        }
        return new TextScores(logits, new bool[texts.Count]);
    }

    void ScoreBatch(IReadOnlyList<string> texts, int start, int count, float[,] logits)
    {
        var input = _ml.Data.LoadFromEnumerable(Enumerable.Range(start, count).Select(i => new TextRow { Text = texts[i] ?? "" }));
        var features = _featurizer.Transform(input);
        var column = features.Schema[FeaturesColumn];
        using var cursor = features.GetRowCursor([column]);
        var getter = cursor.GetGetter<VBuffer<float>>(column);
        VBuffer<float> row = default;
        for (int i = start; cursor.MoveNext(); i++)
        {
            getter(ref row);
            for (int l = 0; l < _weights.Length; l++) logits[i, l] = Dot(_weights[l], row) + _bias[l];
        }
    }

    internal static float Dot(float[] weights, in VBuffer<float> features)
    {
        var values = features.GetValues();
        double sum = 0;
        if (features.IsDense)
            for (int j = 0; j < values.Length; j++) sum += weights[j] * values[j];
        else
        {
            var indices = features.GetIndices();
            for (int j = 0; j < values.Length; j++) sum += weights[indices[j]] * values[j];
        }
        return (float)sum;
    }

    public void Dispose()
    {
    }

    internal sealed class TextRow
    {
        public string Text { get; set; } = "";
    }
}
