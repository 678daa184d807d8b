using TextTagger.Evaluation;
using TextTagger.Inference.Engines;
using TextTagger.Tokenization;

namespace TextTagger.Inference;

/// <summary>
/// A trained model ready to tag texts, whatever it is and whatever runs it: an <see cref="ITextScorer"/> (a transformer
/// on TorchSharp or ONNX Runtime, the n-gram model, an ensemble) with its labels and per-label thresholds.
/// Thread-safe; the scorer batches internally.
/// </summary>
public sealed class Tagger : ITagger, IDisposable
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
    public static Tagger Load(TaggerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var loaded = ModelLoader.Open(options);
        try
        {
            var thresholds = loaded.Labels
                .Select(l => options.Threshold ?? (loaded.Thresholds != null && loaded.Thresholds.TryGet(l, out var own) ? own : LabelThresholds.Default))
                .ToArray();
            return new Tagger(loaded.Scorer, loaded.Labels, thresholds, loaded.Source)
            {
                Rules = options.Threshold == null ? loaded.Thresholds : null,
            };
        }
        catch
        {
            loaded.Scorer.Dispose();
            throw;
        }
    }

    /// <summary>Loads <paramref name="modelPath"/> with the default options (see <see cref="Load(TaggerOptions)"/>).</summary>
    public static Tagger Load(string modelPath) => Load(new TaggerOptions { ModelPath = modelPath });

    public IReadOnlyList<string> Labels { get; }
    public IReadOnlyList<double> Thresholds { get; }
    /// <summary>The model's stored rules (policy, tune precision and recall per label) when <see cref="Thresholds"/>
    /// are the model's own; null when one threshold was given for all labels, or the model has no thresholds.json.</summary>
    public ModelFiles.ModelThresholds? Rules { get; init; }
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
        return ToPredictions(texts, Score(texts, null));
    }

    public Task<IReadOnlyList<Prediction>> PredictAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(texts);
        cancellationToken.ThrowIfCancellationRequested();
        return Task.Run(() => ToPredictions(texts, Score(texts, null, cancellationToken)), cancellationToken);
    }

    public async IAsyncEnumerable<Prediction> PredictAsync(IAsyncEnumerable<string> texts,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(texts);
        int chunk = Math.Max(StreamChunkTexts, 1);
        var pending = new List<string>(chunk);
        await foreach (var text in texts.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            pending.Add(text ?? throw new ArgumentException($"text {pending.Count} of the stream is null", nameof(texts)));
            if (pending.Count < chunk) continue;
            foreach (var p in await PredictAsync(pending.ToArray(), cancellationToken).ConfigureAwait(false))
            {
                cancellationToken.ThrowIfCancellationRequested();   // a consumer that cancelled gets no more of the chunk
                yield return p;
            }
            pending.Clear();
        }
        if (pending.Count > 0)
            foreach (var p in await PredictAsync(pending.ToArray(), cancellationToken).ConfigureAwait(false))
            {
                cancellationToken.ThrowIfCancellationRequested();
                yield return p;
            }
    }

    /// <summary>Texts gathered from a stream before they are scored together (length sorting and padding work within
    /// such a chunk).</summary>
    public int StreamChunkTexts { get; init; } = 256;

    IReadOnlyList<Prediction> ToPredictions(IReadOnlyList<string> texts, TextScores scored)
    {
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

    /// <param name="cancellation">Checked after every forward pass (one long text may take thousands of windows).</param>
    TextScores Score(IReadOnlyList<string> texts, Action<int>? textsDone, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(texts);
        lock (_lifetime)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _inFlight++;
        }
        try
        {
            if (!cancellation.CanBeCanceled) return _scorer.Score(texts, textsDone, BatchScored);
            return _scorer.Score(texts, textsDone, batch =>
            {
                BatchScored?.Invoke(batch);
                cancellation.ThrowIfCancellationRequested();
            });
        }
        finally
        {
            bool last;
            lock (_lifetime) last = --_inFlight == 0 && _disposed;
            if (last) _scorer.Dispose();
        }
    }

    // Dispose may come while a call is scoring (a host whose shutdown timeout passed, a server stopping): the model's
    // native memory is freed when the last such call ends, never under a running forward pass.
    readonly Lock _lifetime = new();
    int _inFlight;
    bool _disposed;

    /// <summary>Frees the model now, or when the calls scoring at this moment end; later calls throw
    /// <see cref="ObjectDisposedException"/>.</summary>
    public void Dispose()
    {
        bool now;
        lock (_lifetime)
        {
            if (_disposed) return;
            _disposed = true;
            now = _inFlight == 0;
        }
        if (now) _scorer.Dispose();
    }
}
