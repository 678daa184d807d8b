using TextTagger.Evaluation;
using TextTagger.Inference.Engines;
using TextTagger.Tokenization;

namespace TextTagger.Inference;

/// <summary>
/// A trained model ready to tag texts, whatever it is and whatever runs it: an <see cref="ITextScorer"/> (a transformer
/// on TorchSharp or ONNX Runtime, the n-gram model, an ensemble) with its labels and per-label thresholds.
/// Thread-safe; the scorer batches internally.
/// </summary>
public sealed class Tagger : IDisposable
{
    public const int DefaultBatchSize = 32;

    readonly ITextScorer _scorer;

    public Tagger(ITextScorer scorer, IReadOnlyList<string> labels, IReadOnlyList<double> thresholds, string source = "")
    {
        if (labels.Count != scorer.LabelCount || thresholds.Count != labels.Count)
            throw new TextTaggerException($"{labels.Count} labels and {thresholds.Count} thresholds for a model with {scorer.LabelCount} outputs");
        _scorer = scorer;
        Labels = labels;
        Thresholds = thresholds;
        Source = source;
    }

    /// <summary>A transformer behind an engine (see <see cref="TransformerScorer"/>).</summary>
    public Tagger(IInferenceEngine engine, BertTokenizer tokenizer, IReadOnlyList<string> labels, IReadOnlyList<double> thresholds,
                  int maxTokens, int batchSize = DefaultBatchSize, string source = "", int? maxBatchTokens = null,
                  LongTextMode longTexts = LongTextMode.Truncate, int? windowStride = null)
        : this(new TransformerScorer(engine, tokenizer, maxTokens, batchSize, maxBatchTokens, longTexts, windowStride), labels, thresholds, source)
    {
    }

    /// <summary>Loads a model directory: one saved by training (a transformer or the n-gram model), exported by
    /// <c>texttagger export</c>, built by <c>texttagger ensemble</c>, or any Hugging Face BERT classifier.</summary>
    /// <param name="modelDirectory">A model directory, or "minilm" for the bundled encoder with a fresh random head
    /// (TorchSharp engine; quick experiments only: its predictions mean nothing until trained).</param>
    /// <param name="labels">Labels for a fresh head ("minilm"); null: the model's own labels.</param>
    /// <param name="threshold">One threshold for every label instead of the model's tuned thresholds.</param>
    /// <param name="maxTokens">Token limit; null: the limit the model was trained with (else 512).</param>
    /// <param name="precision">"fp32" (exact), "bf16" (TorchSharp: bfloat16 matrix products, faster on CPUs with native
    /// bfloat16, probabilities differ by about 1e-2) or "auto" (bf16 where native). An ONNX model runs as exported.</param>
    /// <param name="engine">Auto: model.onnx when the directory has one, else TorchSharp weights.</param>
    /// <param name="maxBatchTokens">Cut forward calls at this many padded tokens too (see <see cref="LogitsRunner"/>).</param>
    /// <param name="longTexts">Texts past the token limit: truncated, or scored in overlapping windows.</param>
    /// <param name="windowStride">Tokens between window starts (default: half a window).</param>
    public static Tagger Load(string modelDirectory, IReadOnlyList<string>? labels = null, double? threshold = null,
                              int? maxTokens = null, int batchSize = DefaultBatchSize, Precision precision = Engines.Precision.Fp32,
                              EngineKind engine = EngineKind.Auto, int threads = 0, int? maxBatchTokens = null,
                              LongTextMode longTexts = LongTextMode.Truncate, int? windowStride = null)
    {
        if (threshold is { } t) LabelThresholds.Validate(t);
        if (batchSize < 1) throw new TextTaggerException($"batch size must be ≥ 1, got {batchSize}");
        var loaded = ModelLoader.Open(modelDirectory, new LoadRequest(labels, maxTokens, batchSize, precision, engine, threads,
                                                                      maxBatchTokens, longTexts, windowStride));
        try
        {
            var thresholds = loaded.Labels
                .Select(l => threshold ?? (loaded.Thresholds != null && loaded.Thresholds.TryGetValue(l, out var own) ? own : LabelThresholds.Default))
                .ToArray();
            return new Tagger(loaded.Scorer, loaded.Labels, thresholds, loaded.Source);
        }
        catch
        {
            loaded.Scorer.Dispose();
            throw;
        }
    }

    public IReadOnlyList<string> Labels { get; }
    public IReadOnlyList<double> Thresholds { get; }
    /// <summary>What scores the texts.</summary>
    public ITextScorer Scorer => _scorer;
    /// <summary>Tokens of a text the model reads at most (null: the whole text).</summary>
    public int? MaxTokens => _scorer.MaxTokens;
    /// <summary>"onnxruntime", "torchsharp", "ml.net" or "ensemble(…)".</summary>
    public string EngineName => _scorer.EngineName;
    public Precision Precision => _scorer.Precision;
    /// <summary>Raised after every forward call, whoever asked for it (predict, explain, evaluate): what it held.
    /// The service's metrics listen here.</summary>
    public event Action<ScoredBatch>? BatchScored;

    /// <summary>Where the model came from.</summary>
    public string Source { get; }

    public Prediction Predict(string text) => Predict([text])[0];

    public IReadOnlyList<Prediction> Predict(IReadOnlyList<string> texts)
    {
        var scored = Score(texts, null);
        var probabilities = LogitsRunner.Probabilities(scored.Logits);
        var predictions = new Prediction[texts.Count];
        for (int i = 0; i < texts.Count; i++) predictions[i] = ToPrediction(probabilities, i, scored.Truncated[i]);
        return predictions;
    }

    /// <summary>Row <paramref name="row"/> of probabilities [texts, labels] with its tags at this tagger's thresholds.</summary>
    public Prediction ToPrediction(double[,] probabilities, int row, bool truncated = false)
    {
        var p = new double[Labels.Count];
        var tags = new List<string>();
        for (int l = 0; l < p.Length; l++)
        {
            p[l] = probabilities[row, l];
            if (LabelThresholds.IsPositive(p[l], Thresholds[l])) tags.Add(Labels[l]);
        }
        return new Prediction(Labels, p, tags, truncated);
    }

    /// <summary>Which words made the model say what it says about <paramref name="text"/>: a signed score per word and
    /// label (occlusion, <see cref="Explaining.OcclusionExplainer"/>). In a long text, the words that move
    /// <paramref name="labels"/> (default: all) most are the ones scored alone.</summary>
    public Explaining.Explanation Explain(string text, IReadOnlyCollection<string>? labels = null) =>
        Explaining.OcclusionExplainer.Explain(this, text, labels?.Select(l => Explaining.Explanation.LabelIndex(Labels, l)).ToArray());

    /// <summary>Probabilities [texts, labels].</summary>
    public double[,] PredictProbabilities(IReadOnlyList<string> texts, Action<int>? rowsDone = null) =>
        LogitsRunner.Probabilities(PredictLogits(texts, rowsDone));

    /// <summary>Logits [texts, labels] (for losses and calibration).</summary>
    public float[,] PredictLogits(IReadOnlyList<string> texts, Action<int>? rowsDone = null) => Score(texts, rowsDone).Logits;

    TextScores Score(IReadOnlyList<string> texts, Action<int>? textsDone)
    {
        ArgumentNullException.ThrowIfNull(texts);
        return _scorer.Score(texts, textsDone, BatchScored);
    }

    public void Dispose() => _scorer.Dispose();
}
