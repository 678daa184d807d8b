using TextTagger.Evaluation;
using TextTagger.Inference.Engines;
using TextTagger.Tokenization;

namespace TextTagger.Inference;

/// <summary>
/// A fine-tuned model ready to tag texts, whatever runs it: tokenizer, per-label thresholds and an
/// <see cref="IInferenceEngine"/> (TorchSharp weights or an exported model.onnx). Thread-safe; batches internally
/// with length sorting and dynamic padding (<see cref="LogitsRunner"/>).
/// </summary>
public sealed class Tagger : IDisposable
{
    public const int DefaultBatchSize = 32;

    readonly IInferenceEngine _engine;

    public Tagger(IInferenceEngine engine, BertTokenizer tokenizer, IReadOnlyList<string> labels, IReadOnlyList<double> thresholds,
                  int maxTokens, int batchSize = DefaultBatchSize, string source = "", int? maxBatchTokens = null,
                  LongTextMode longTexts = LongTextMode.Truncate, int? windowStride = null)
    {
        if (labels.Count != engine.LabelCount || thresholds.Count != labels.Count)
            throw new TextTaggerException($"{labels.Count} labels and {thresholds.Count} thresholds for an engine with {engine.LabelCount} outputs");
        if (maxTokens < 2) throw new TextTaggerException($"max tokens must be ≥ 2, got {maxTokens}");
        if (batchSize < 1) throw new TextTaggerException($"batch size must be ≥ 1, got {batchSize}");
        if (maxBatchTokens < 1) throw new TextTaggerException($"max batch tokens must be ≥ 1, got {maxBatchTokens}");
        _engine = engine;
        MaxBatchTokens = maxBatchTokens;
        LongTexts = longTexts;
        WindowStride = windowStride;
        if (longTexts == LongTextMode.Window && (windowStride < 1 || windowStride > maxTokens - 2))
            throw new TextTaggerException($"window stride must be in 1..{maxTokens - 2} tokens (the limit minus [CLS] and [SEP]), got {windowStride}");
        Tokenizer = tokenizer;
        Labels = labels;
        Thresholds = thresholds;
        MaxTokens = maxTokens;
        BatchSize = batchSize;
        Source = source;
    }

    /// <summary>Loads a model directory: one saved by training, exported by <c>texttagger export</c>, or any Hugging
    /// Face BERT classifier.</summary>
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
        var loaded = InferenceEngines.Open(modelDirectory, engine, new EngineRequest(labels, precision, threads));
        try
        {
            if (loaded.Labels.Count == 0)
                throw new TextTaggerException($"{modelDirectory}: the model has no labels (config.json id2label); train one first or pass labels");
            var tokenizer = BertTokenizer.FromVocab(loaded.VocabPath, loaded.DoLowerCase);
            var thresholds = loaded.Labels
                .Select(l => threshold ?? (loaded.Thresholds != null && loaded.Thresholds.TryGetValue(l, out var own) ? own : LabelThresholds.Default))
                .ToArray();
            int limit = Math.Min(maxTokens ?? loaded.MaxTokens ?? BertTokenizer.DefaultMaxTokens, loaded.MaxPositions);
            return new Tagger(loaded.Engine, tokenizer, loaded.Labels, thresholds, limit, batchSize, loaded.Source, maxBatchTokens,
                              longTexts, windowStride);
        }
        catch
        {
            loaded.Engine.Dispose();
            throw;
        }
    }

    public BertTokenizer Tokenizer { get; }
    public IReadOnlyList<string> Labels { get; }
    public IReadOnlyList<double> Thresholds { get; }
    public int MaxTokens { get; }
    public int BatchSize { get; }
    /// <summary>Padded tokens per forward call at most (null: <see cref="BatchSize"/> rows only).</summary>
    public int? MaxBatchTokens { get; }
    public LongTextMode LongTexts { get; }
    /// <summary>Tokens between window starts in <see cref="LongTextMode.Window"/> (null: half a window).</summary>
    public int? WindowStride { get; }
    /// <summary>What runs the model.</summary>
    public IInferenceEngine Engine => _engine;

    public Precision Precision => _engine.Precision;
    /// <summary>Raised after every forward call, whoever asked for it (predict, explain, evaluate): what it held.
    /// The service's metrics listen here.</summary>
    public event Action<ScoredBatch>? BatchScored;

    /// <summary>Where the model came from.</summary>
    public string Source { get; }

    public Prediction Predict(string text) => Predict([text])[0];

    public IReadOnlyList<Prediction> Predict(IReadOnlyList<string> texts)
    {
        var encoded = Encode(texts);
        var probabilities = LogitsRunner.Probabilities(Score(encoded, null));
        var predictions = new Prediction[texts.Count];
        for (int i = 0; i < texts.Count; i++) predictions[i] = ToPrediction(probabilities, i, encoded.Truncated[i]);
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
    public float[,] PredictLogits(IReadOnlyList<string> texts, Action<int>? rowsDone = null) => Score(Encode(texts), rowsDone);

    /// <summary>The rows the model scores for these texts (one each, or windows of the long ones).</summary>
    public EncodedTexts Encode(IReadOnlyList<string> texts)
    {
        ArgumentNullException.ThrowIfNull(texts);
        return EncodedTexts.Encode(Tokenizer, texts, MaxTokens, LongTexts, WindowStride);
    }

    float[,] Score(EncodedTexts encoded, Action<int>? textsDone)
    {
        int rows = encoded.Rows.Length, texts = encoded.TextCount;
        Action<int>? rowsDone = textsDone == null ? null : done => textsDone((int)((long)done * texts / Math.Max(rows, 1)));
        var logits = LogitsRunner.Run(_engine, encoded.Rows, Tokenizer.PadId, BatchSize, rowsDone: rowsDone, maxBatchTokens: MaxBatchTokens,
                                      batchScored: BatchScored);
        return encoded.Combine(logits);
    }

    public void Dispose() => _engine.Dispose();
}
