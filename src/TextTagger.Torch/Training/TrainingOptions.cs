using TextTagger.Inference.Engines;
using System.Text.Json.Serialization;
using TextTagger.Data;

namespace TextTagger.Training;

/// <summary>
/// Everything that decides a fine-tuning run. The seed recipe was lr 2e-5, warm-up a fifth, 3 epochs, 128 tokens, no
/// head rate and no pos_weight; the defaults below won on the shared Jigsaw sample (QUALITY.md: validation mean AUROC
/// 0.9533 → 0.9820, threat 0.8477 → 0.9895, in 12 instead of 44 minutes).
/// </summary>
public sealed record TrainingOptions
{
    /// <summary>"minilm" (the bundled all-MiniLM-L6-v2), "arctic-xs" (snowflake-arctic-embed-xs; <see cref="Modeling.Pretrained.BundledEncoder"/>) or a Hugging Face checkpoint directory.</summary>
    public string Model { get; init; } = "minilm";
    /// <summary>Passes over the training rows; the learning rate decays to 0 over all of them. One pass with rare rows
    /// repeated 3 times scored as well as two (QUALITY.md, rows J–L) in half the time.</summary>
    public int Epochs { get; init; } = 1;
    public int BatchSize { get; init; } = 32;
    /// <summary>Tokens per text, [CLS] and [SEP] included (all-MiniLM-L6-v2 was trained with 256; 6 % of the shared
    /// comments are longer, 18 % longer than 128).</summary>
    public int MaxTokens { get; init; } = 256;
    public double LearningRate { get; init; } = 1e-4;
    /// <summary>Learning rate of the freshly initialised classifier head; null: same as <see cref="LearningRate"/>.</summary>
    public double? HeadLearningRate { get; init; } = 1e-3;
    /// <summary>Layer-wise learning-rate decay: each encoder layer below the top learns at this × the rate of the one
    /// above (the embeddings lowest); 1: one rate for the whole encoder.</summary>
    public double LayerRateDecay { get; init; } = 1.0;
    /// <summary>Share of all optimizer steps spent warming the learning rate up linearly (the seed: a fifth).</summary>
    public double WarmupFraction { get; init; } = 0.1;
    /// <summary>AdamW weight decay, not applied to biases and LayerNorm weights.</summary>
    public double WeightDecay { get; init; } = 0.01;
    public double GradientClipNorm { get; init; } = 1.0;
    /// <summary>Up-weights positives of rare labels in the loss: pos_weight = negatives / positives per label, from the
    /// training rows, kept between 1 and this cap; null or 1: plain BCE (the default: with rare rows over-sampled, a cap of 10 scored
    /// 0.0006–0.0012 lower and raised the validation loss from 0.084 to 0.130, QUALITY.md). Validation loss stays unweighted.</summary>
    public double? PositiveWeightCap { get; init; } = 1;
    /// <summary>"auto", "fp32" or "bf16": the type of the encoder's matrix products during training steps (bf16 keeps
    /// float32 master weights, see <see cref="Modeling.Autocast"/>); auto: bf16 where the CPU has native bfloat16.
    /// Validation and prediction run in float32.</summary>
    public Precision Precision { get; init; } = Precision.Auto;
    /// <summary>Dropout on the attention probabilities while training; null: the model's attention_probs_dropout_prob
    /// (0.1 for BERT and MiniLM). 0 lets libtorch use its fused attention kernel: 1.2–1.6× faster training with the same
    /// validation AUROC on the shared data (QUALITY.md). Saved in the model's config.json.</summary>
    public double? AttentionDropout { get; init; } = 0;
    /// <summary>"cls" or "mean"; null: what the model's config says (cls unless set).</summary>
    public PoolingMode? Pooling { get; init; }
    /// <summary>Each training row that carries a rare label appears this many times per epoch (1: off); see
    /// <see cref="RareLabelOversampler"/>. pos_weight is then computed from the over-sampled rows. On the shared data
    /// 3 lifted threat's validation AUROC from 0.978 to 0.988–0.990 (QUALITY.md).</summary>
    public int RareLabelRepeat { get; init; } = 3;
    /// <summary>A label is rare when fewer than this share of the (balanced) training rows carry it.</summary>
    public double RareLabelShare { get; init; } = RareLabelOversampler.DefaultRareShare;
    /// <summary>Which validation number picks the saved model and drives early stopping: "loss" (lowest validation
    /// loss, the seed recipe) or "auroc" (highest mean ROC AUC over the labels).</summary>
    public SelectionMetric SelectBy { get; init; } = SelectionMetric.Loss;
    /// <summary>What <see cref="SelectBy"/> compares, in words for messages.</summary>
    [JsonIgnore] public string SelectionMetricName => SelectBy == SelectionMetric.Auroc ? "mean AUROC" : "loss";

    /// <summary>Distillation: a model directory (transformer, n-gram, ensemble) whose probabilities on the training rows
    /// become the targets (see <see cref="TeacherTargets"/>); null: hard labels only.</summary>
    public string? Teacher { get; init; }
    /// <summary>With <see cref="Teacher"/>: target = A·teacher probability + (1 − A)·hard label; 1 is pure soft labels.</summary>
    public double DistillWeight { get; init; } = 1.0;

    public int UntaggedToKeep { get; init; } = DatasetSplitter.DefaultUntaggedToKeep;
    public double ValidationFraction { get; init; } = DatasetSplitter.DefaultValidationFraction;
    /// <summary>Share of all rows held out of training besides validation and written as tune.csv (0: none): rows an
    /// ensemble's weights can be fit on without flattering the validation number.</summary>
    public double TuneFraction { get; init; }
    /// <summary>Validate and save an exponential moving average of the weights with this decay (null: off; e.g. 0.99
    /// averages over about the last 100 steps). See <see cref="WeightAverage"/>.</summary>
    public double? EmaDecay { get; init; }
    /// <summary>Run a batch whose padded tokens (rows × longest row) exceed this as micro-batches within it, adding up
    /// their gradients: the same update with less activation memory (null: whole batches). The default job's 32×256
    /// batches run as two halves: peak RSS 3,226 → 2,247 MB, the epoch as fast, validation AUROC 0.9820 → 0.9824
    /// (BENCHMARKS.md, training).</summary>
    public int? MaxBatchTokens { get; init; } = DefaultMaxBatchTokens;
    public const int DefaultMaxBatchTokens = 4096;
    /// <summary>Seed of the split and the balancing (and of training, unless <see cref="TrainSeed"/> is set).</summary>
    public int Seed { get; init; } = DatasetSplitter.DefaultSeed;
    /// <summary>Seed of the head's initialisation, dropout and batch order; null: <see cref="Seed"/>. Changing it alone
    /// keeps the same training and validation rows, which measures how much a result owes to chance.</summary>
    public int? TrainSeed { get; init; }
    /// <summary>libtorch threads; 0: one per core.</summary>
    public int Threads { get; init; }

    /// <summary>Stop after this many epochs without a better validation loss (or AUROC, see <see cref="SelectBy"/>).</summary>
    public int Patience { get; init; } = 2;
    /// <summary>Stop after this many optimizer steps in all (quick runs, smoke tests); the schedule still spans all epochs.</summary>
    public int? MaxSteps { get; init; }
    /// <summary>Use only the first N rows of the file (quick runs).</summary>
    public int? LimitRows { get; init; }
    /// <summary>Pad each batch to its longest text and group similar lengths; false: pad every batch to MaxTokens.</summary>
    public bool DynamicPadding { get; init; } = true;
    /// <summary>Validate every N steps as well as at each epoch end; null: only at epoch ends.</summary>
    public int? ValidateEverySteps { get; init; }
    /// <summary>A resumable checkpoint this often within an epoch, as well as at each epoch end (a crash or kill -9
    /// loses at most this much work); null: epoch ends and Ctrl+C only.</summary>
    public TimeSpan? CheckpointInterval { get; init; } = TimeSpan.FromMinutes(5);
    /// <summary>…or every N steps instead of by time.</summary>
    public int? CheckpointEverySteps { get; init; }
    /// <summary>Print a progress line every N steps when the output is not a terminal.</summary>
    public int LogEverySteps { get; init; } = 20;
    public int EvaluationBatchSize { get; init; } = 64;
    /// <summary>How the saved model's thresholds are chosen on the validation rows: f1, precision:P or recall:R, for all
    /// labels or per label (<c>threat=precision:0.9,…</c>); see <see cref="Evaluation.ThresholdTuning"/>.</summary>
    public string ThresholdPolicy { get; init; } = "f1";
    /// <summary>Per-label calibration of the saved model, fit on the validation rows (none, platt or temperature).
    /// <c>texttagger calibrate</c> refits it on rows the run never saw (tune.csv).</summary>
    public TextTagger.Calibration.CalibrationMethod Calibration { get; init; } = TextTagger.Calibration.CalibrationMethod.None;
    [JsonIgnore] public TextTagger.Calibration.TuningOptions Tuning => new() { ThresholdPolicy = ThresholdPolicy, Calibration = Calibration };

    public void Validate()
    {
        static void Require(bool ok, string option, string problem)
        {
            if (!ok) throw new InvalidOptionException(option, problem);
        }
        Require(Epochs >= 1, nameof(Epochs), $"must be ≥ 1, got {Epochs}");
        Require(BatchSize >= 1, nameof(BatchSize), $"must be ≥ 1, got {BatchSize}");
        Require(MaxTokens is >= 8 and <= 512, nameof(MaxTokens), $"must be between 8 and 512, got {MaxTokens}");
        Require(LearningRate > 0 && LearningRate < 1, nameof(LearningRate), $"must be in (0, 1), got {LearningRate}");
        Require(HeadLearningRate is null or > 0 and < 1, nameof(HeadLearningRate), $"must be in (0, 1), got {HeadLearningRate}");
        Require(LayerRateDecay is > 0 and <= 1, nameof(LayerRateDecay), $"must be in (0, 1], got {LayerRateDecay}");
        Require(WarmupFraction is >= 0 and <= 1, nameof(WarmupFraction), $"must be in [0, 1], got {WarmupFraction}");
        Require(WeightDecay >= 0, nameof(WeightDecay), $"must be ≥ 0, got {WeightDecay}");
        Require(Patience >= 1, nameof(Patience), $"must be ≥ 1, got {Patience}");
        Require(MaxSteps is null or >= 1, nameof(MaxSteps), $"must be ≥ 1, got {MaxSteps}");
        Require(LimitRows is null or >= 2, nameof(LimitRows), $"must be ≥ 2, got {LimitRows}");
        Require(PositiveWeightCap is null or >= 1, nameof(PositiveWeightCap), $"must be ≥ 1, got {PositiveWeightCap}");
        Require(Precision is Precision.Auto or Precision.Fp32 or Precision.Bf16, nameof(Precision), $"must be one of {string.Join(", ", Precisions.Requestable)}, got '{Precision.Name()}'");
        Require(AttentionDropout is null or >= 0 and < 1, nameof(AttentionDropout), $"must be in [0, 1), got {AttentionDropout}");
        Require(RareLabelRepeat >= 1, nameof(RareLabelRepeat), $"must be ≥ 1, got {RareLabelRepeat}");
        Require(RareLabelShare is > 0 and <= 1, nameof(RareLabelShare), $"must be in (0, 1], got {RareLabelShare}");
        Require(Enum.IsDefined(SelectBy), nameof(SelectBy), $"must be loss or auroc, got '{SelectBy}'");
        Require(Threads >= 0, nameof(Threads), $"must be ≥ 0, got {Threads}");
        Require(MaxBatchTokens is null or >= 8, nameof(MaxBatchTokens), $"must be ≥ 8, got {MaxBatchTokens}");
        Require(EmaDecay is null or > 0 and < 1, nameof(EmaDecay), $"must be a decay in (0, 1), e.g. 0.99; got {EmaDecay}");
        Require(TuneFraction >= 0 && TuneFraction + ValidationFraction < 1, nameof(TuneFraction), $"must be in [0, 1 - ValidationFraction), got {TuneFraction}");
        Require(ValidateEverySteps is null or >= 1, nameof(ValidateEverySteps), $"must be ≥ 1, got {ValidateEverySteps}");
        Require(CheckpointEverySteps is null or >= 1, nameof(CheckpointEverySteps), $"must be at least 1 step, got {CheckpointEverySteps}");
        Require(DistillWeight is >= 0 and <= 1, nameof(DistillWeight), $"must be in [0, 1], got {DistillWeight}");
        Require(Teacher is null || !string.IsNullOrWhiteSpace(Teacher), nameof(Teacher), "is empty: give a model directory");
        Tuning.Validate();
        Require(CheckpointInterval is null || CheckpointInterval > TimeSpan.Zero, nameof(CheckpointInterval), $"must be a positive time, got {CheckpointInterval}");
    }
}

/// <summary>Which validation number picks the saved model and drives early stopping (--select-by).</summary>
[JsonConverter(typeof(LowercaseEnumConverter<SelectionMetric>))]
public enum SelectionMetric
{
    /// <summary>The lowest validation loss (binary cross-entropy).</summary>
    Loss,
    /// <summary>The highest mean ROC AUC over the labels.</summary>
    Auroc,
}
