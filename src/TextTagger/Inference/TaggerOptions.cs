using TextTagger.Inference.Engines;

namespace TextTagger.Inference;

/// <summary>
/// How to load and run a model: the one options type of <see cref="Tagger.Load(TaggerOptions)"/>, the ASP.NET Core
/// integration and the stream worker (bind it from configuration: <c>"TextTagger": { "ModelPath": "…" }</c>).
/// </summary>
public sealed record TaggerOptions
{
    /// <summary>A model directory (trained, exported, n-gram or ensemble), or "minilm" for the bundled encoder with a
    /// fresh random head (TorchSharp; quick experiments only: its predictions mean nothing until trained).</summary>
    public string ModelPath { get; set; } = "";
    /// <summary>Labels for a fresh head ("minilm"); null: the model's own labels.</summary>
    public IReadOnlyList<string>? Labels { get; set; }
    /// <summary>One threshold for every label instead of the model's tuned thresholds.</summary>
    public double? Threshold { get; set; }
    /// <summary>Token limit; null: the limit the model was trained with (else 512).</summary>
    public int? MaxTokens { get; set; }
    /// <summary>Texts per forward pass.</summary>
    public int BatchSize { get; set; } = Tagger.DefaultBatchSize;
    /// <summary>Fp32 (exact), Bf16 (TorchSharp: bfloat16 matrix products, faster on CPUs with native bfloat16,
    /// probabilities differ by about 1e-2) or Auto (bf16 where native). An ONNX model runs as exported.</summary>
    public Precision Precision { get; set; } = Precision.Fp32;
    /// <summary>Auto: model.onnx when the directory has one, else TorchSharp weights.</summary>
    public EngineKind Engine { get; set; } = EngineKind.Auto;
    /// <summary>Intra-op threads; 0: one per core.</summary>
    public int Threads { get; set; }
    /// <summary>Cut forward calls at this many padded tokens too (see <see cref="LogitsRunner"/>).</summary>
    public int? MaxBatchTokens { get; set; }
    /// <summary>Texts past the token limit: truncated, or scored in overlapping windows.</summary>
    public LongTextMode LongTexts { get; set; } = LongTextMode.Truncate;
    /// <summary>Apply the model's calibration.json to its logits (false: the model's own probabilities, which
    /// <c>texttagger calibrate</c> fits on).</summary>
    public bool ApplyCalibration { get; set; } = true;
    /// <summary>Tokens between window starts (default: half a window).</summary>
    public int? WindowStride { get; set; }

    /// <summary>Engines besides ONNX Runtime (TextTagger.Torch: <c>options.UseTorchSharp()</c>). When the app carries
    /// TextTagger.Torch, its engine is found without being added.</summary>
    public IList<IEngineProvider> Engines { get; init; } = new List<IEngineProvider>();
    /// <summary>Model kinds besides transformers and ensembles (TextTagger.NGram: <c>options.UseNGram()</c>). When the
    /// app carries TextTagger.NGram, its model is found without being added.</summary>
    public IList<IModelFormat> Formats { get; init; } = new List<IModelFormat>();

    /// <summary>Throws <see cref="InvalidOptionException"/> naming the first property with a value it cannot take.</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(ModelPath)) throw new InvalidOptionException(nameof(ModelPath), "is empty: give a model directory");
        if (Threshold is { } t) Evaluation.LabelThresholds.Validate(t, nameof(Threshold));
        if (MaxTokens is < 3) throw new InvalidOptionException(nameof(MaxTokens), $"must be ≥ 3 ([CLS], one token, [SEP]), got {MaxTokens}");
        if (BatchSize < 1) throw new InvalidOptionException(nameof(BatchSize), $"must be ≥ 1, got {BatchSize}");
        if (Threads < 0) throw new InvalidOptionException(nameof(Threads), $"must be ≥ 0 (0: one per core), got {Threads}");
        if (MaxBatchTokens is < 1) throw new InvalidOptionException(nameof(MaxBatchTokens), $"must be ≥ 1, got {MaxBatchTokens}");
        if (WindowStride != null && LongTexts != LongTextMode.Window)
            throw new InvalidOptionException(nameof(WindowStride), "needs LongTexts = Window");
        if (WindowStride is { } stride) EncodedTexts.CheckStride(stride, MaxTokens);
    }
}
