using TextTagger.Evaluation;
using TextTagger.Modeling;
using TextTagger.Modeling.Pretrained;
using TextTagger.Tokenization;
using static TorchSharp.torch;

namespace TextTagger.Inference;

/// <summary>
/// A fine-tuned model ready to tag texts: tokenizer, classifier and per-label thresholds. Thread-safe (forward
/// passes are serialised); batches internally with dynamic padding, in eval mode without gradients.
/// </summary>
public sealed class Tagger : IDisposable
{
    public const int DefaultBatchSize = 32;

    readonly PretrainedModel _model;
    readonly Lock _forward = new();
    readonly ScalarType? _computeType;

    Tagger(PretrainedModel model, BertTokenizer tokenizer, IReadOnlyList<double> thresholds, int maxTokens, int batchSize,
           ScalarType? computeType)
    {
        _computeType = computeType;
        _model = model;
        Tokenizer = tokenizer;
        Thresholds = thresholds;
        MaxTokens = maxTokens;
        BatchSize = batchSize;
    }

    /// <summary>Loads a model directory saved by training (or any Hugging Face BERT classifier).</summary>
    /// <param name="modelDirectory">A saved model directory, or "minilm" for the bundled encoder with a fresh random head
    /// (quick experiments only: its predictions mean nothing until trained).</param>
    /// <param name="labels">Labels for a fresh head ("minilm"); null: the model's own labels.</param>
    /// <param name="threshold">One threshold for every label instead of the model's tuned thresholds.</param>
    /// <param name="maxTokens">Token limit; null: the limit the model was trained with (else 512).</param>
    /// <param name="precision">"fp32" (exact), "bf16" (bfloat16 matrix products: faster on CPUs with native bfloat16,
    /// probabilities differ by about 1e-2) or "auto" (bf16 where native).</param>
    public static Tagger Load(string modelDirectory, IReadOnlyList<string>? labels = null, double? threshold = null,
                              int? maxTokens = null, int batchSize = DefaultBatchSize, string precision = ComputePrecision.Float32)
    {
        var computeType = ComputePrecision.Resolve(precision);   // rejects unknown names before the model loads
        if (threshold is < 0 or > 1) throw new TextTaggerException($"threshold must be between 0 and 1, got {threshold}");
        if (batchSize < 1) throw new TextTaggerException($"batch size must be ≥ 1, got {batchSize}");
        var model = PretrainedModel.Load(modelDirectory, labels);
        try
        {
            if (model.Labels.Count == 0)
                throw new TextTaggerException($"{modelDirectory}: the model has no labels (config.json id2label); train one first or pass labels");
            var tokenizer = BertTokenizer.FromVocab(model.VocabPath, model.DoLowerCase);
            var thresholds = model.Labels
                .Select(l => threshold ?? (model.Thresholds != null && model.Thresholds.TryGetValue(l, out var t) ? t : LabelThresholds.Default))
                .ToArray();
            int limit = Math.Min(maxTokens ?? model.MaxTokens ?? BertTokenizer.DefaultMaxTokens, model.Config.MaxPositionEmbeddings);
            if (limit < 2) throw new TextTaggerException($"max tokens must be ≥ 2, got {limit}");
            return new Tagger(model, tokenizer, thresholds, limit, batchSize, computeType);
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    public BertTokenizer Tokenizer { get; }
    public IReadOnlyList<string> Labels => _model.Labels;
    public IReadOnlyList<double> Thresholds { get; }
    public int MaxTokens { get; }
    public int BatchSize { get; }
    /// <summary>"fp32" or "bf16": the type of the encoder's matrix products.</summary>
    public string Precision => ComputePrecision.Name(_computeType);
    public BertForMultiLabelClassification Model => _model.Model;
    /// <summary>Where the weights came from.</summary>
    public ModelSource Source => _model.Source;

    public Prediction Predict(string text) => Predict([text])[0];

    public IReadOnlyList<Prediction> Predict(IReadOnlyList<string> texts)
    {
        var probabilities = PredictProbabilities(texts);
        var predictions = new Prediction[texts.Count];
        for (int i = 0; i < texts.Count; i++)
        {
            var p = new double[Labels.Count];
            var tags = new List<string>();
            for (int l = 0; l < p.Length; l++)
            {
                p[l] = probabilities[i, l];
                if (LabelThresholds.IsPositive(p[l], Thresholds[l])) tags.Add(Labels[l]);
            }
            predictions[i] = new Prediction(Labels, p, tags);
        }
        return predictions;
    }

    /// <summary>Probabilities [texts, labels].</summary>
    public double[,] PredictProbabilities(IReadOnlyList<string> texts, Action<int>? rowsDone = null) =>
        LogitsRunner.Probabilities(PredictLogits(texts, rowsDone));

    /// <summary>Logits [texts, labels] (for losses and calibration).</summary>
    public float[,] PredictLogits(IReadOnlyList<string> texts, Action<int>? rowsDone = null)
    {
        ArgumentNullException.ThrowIfNull(texts);
        var ids = Tokenizer.EncodeAll(texts, MaxTokens);
        lock (_forward)
            return LogitsRunner.Run(Model, ids, Tokenizer.PadId, BatchSize, rowsDone: rowsDone, computeType: _computeType);
    }

    public void Dispose() => _model.Dispose();
}
