using TextTagger.Data;
using TextTagger.Inference.Engines;

namespace TextTagger.Training;

/// <summary>Everything that decides a task-adaptive pre-training run (masked-language-model training of the encoder on
/// the training texts, Gururangan et al. 2020, "Don't Stop Pretraining").</summary>
public sealed record PretrainingOptions
{
    /// <summary>"minilm" (the bundled all-MiniLM-L6-v2) or a Hugging Face BERT directory.</summary>
    public string Model { get; init; } = "minilm";
    public int Epochs { get; init; } = 1;
    /// <summary>Stop after this many optimizer steps (the schedule then spans these steps only).</summary>
    public int? MaxSteps { get; init; }
    public int BatchSize { get; init; } = 32;
    /// <summary>Tokens per text, [CLS] and [SEP] included.</summary>
    public int MaxTokens { get; init; } = 128;
    public double LearningRate { get; init; } = 5e-5;
    public double WarmupFraction { get; init; } = 0.06;
    public double WeightDecay { get; init; } = 0.01;
    public double GradientClipNorm { get; init; } = 1.0;
    /// <summary>Share of the (non-special) tokens chosen for prediction.</summary>
    public double MaskProbability { get; init; } = 0.15;
    /// <summary>Seed of the split (as `train --seed`), the masks, the head's initialisation and the batch order.</summary>
    public int Seed { get; init; } = DatasetSplitter.DefaultSeed;
    /// <summary>true (default): only the rows `train` with the same split options trains on; false: every row of the file.</summary>
    public bool TrainSplitOnly { get; init; } = true;
    public double ValidationFraction { get; init; } = DatasetSplitter.DefaultValidationFraction;
    public double TuneFraction { get; init; }
    public int UntaggedToKeep { get; init; } = DatasetSplitter.DefaultUntaggedToKeep;
    /// <summary>Texts of the pre-training set kept out of it to measure masked-token accuracy before and after (at most a tenth).</summary>
    public int HeldOutTexts { get; init; } = 256;
    public int? LimitRows { get; init; }
    public Precision Precision { get; init; } = Precision.Auto;
    /// <summary>0 lets libtorch take its fused attention kernel (as `train` does by default).</summary>
    public double AttentionDropout { get; init; }
    public int Threads { get; init; }
    /// <summary>How often a display prints a step line (every step goes to <see cref="ITrainingObserver.StepCompleted"/>).</summary>
    public int LogEverySteps { get; init; } = 20;

    public void Validate()
    {
        static void Require(bool ok, string option, string problem)
        {
            if (!ok) throw new InvalidOptionException(option, problem);
        }
        Require(Epochs >= 1, nameof(Epochs), $"must be ≥ 1, got {Epochs}");
        Require(MaxSteps is null or >= 1, nameof(MaxSteps), $"must be ≥ 1, got {MaxSteps}");
        Require(BatchSize >= 1, nameof(BatchSize), $"must be ≥ 1, got {BatchSize}");
        Require(MaxTokens is >= 8 and <= 512, nameof(MaxTokens), $"must be between 8 and 512, got {MaxTokens}");
        Require(LearningRate is > 0 and < 1, nameof(LearningRate), $"must be in (0, 1), got {LearningRate}");
        Require(WarmupFraction is >= 0 and <= 1, nameof(WarmupFraction), $"must be in [0, 1], got {WarmupFraction}");
        Require(WeightDecay >= 0, nameof(WeightDecay), $"must be ≥ 0, got {WeightDecay}");
        Require(MaskProbability is > 0 and < 1, nameof(MaskProbability), $"must be in (0, 1), got {MaskProbability}");
        Require(ValidationFraction is >= 0 and < 1, nameof(ValidationFraction), $"must be in [0, 1), got {ValidationFraction}");
        Require(TuneFraction >= 0 && TuneFraction + ValidationFraction < 1, nameof(TuneFraction), $"must be in [0, 1 - ValidationFraction), got {TuneFraction}");
        Require(HeldOutTexts >= 0, nameof(HeldOutTexts), $"must be ≥ 0, got {HeldOutTexts}");
        Require(LimitRows is null or >= 2, nameof(LimitRows), $"must be ≥ 2, got {LimitRows}");
        Require(AttentionDropout is >= 0 and < 1, nameof(AttentionDropout), $"must be in [0, 1), got {AttentionDropout}");
        Require(Threads >= 0, nameof(Threads), $"must be ≥ 0, got {Threads}");
    }
}
