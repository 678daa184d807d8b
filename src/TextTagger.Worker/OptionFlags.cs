namespace TextTagger.Worker;

/// <summary>
/// The command-line flag of each options property, so a library message about a property ("LearningRate must be in
/// (0, 1), got 2") reaches a command-line user in their terms ("--lr must be in (0, 1), got 2"). Shared by the CLI and
/// the worker program.
/// </summary>
public static class OptionFlags
{
    static readonly Dictionary<string, string> Flags = new()
    {
        // TaggerOptions
        ["ModelPath"] = "--model", ["Threshold"] = "--threshold", ["MaxTokens"] = "--max-tokens", ["BatchSize"] = "--batch-size",
        ["Threads"] = "--threads", ["MaxBatchTokens"] = "--max-batch-tokens", ["WindowStride"] = "--window-stride", ["LongTexts"] = "--long-texts",
        // TrainingOptions
        ["Epochs"] = "--epochs", ["LearningRate"] = "--lr", ["HeadLearningRate"] = "--head-lr", ["LayerRateDecay"] = "--layer-lr-decay",
        ["WarmupFraction"] = "--warmup-fraction", ["WeightDecay"] = "--weight-decay", ["Patience"] = "--patience",
        ["MaxSteps"] = "--max-steps", ["LimitRows"] = "--limit-rows", ["PositiveWeightCap"] = "--pos-weight-cap",
        ["Precision"] = "--precision", ["AttentionDropout"] = "--attention-dropout", ["RareLabelRepeat"] = "--oversample-rare",
        ["RareLabelShare"] = "--rare-label-share", ["SelectBy"] = "--select-by", ["EmaDecay"] = "--ema",
        ["TuneFraction"] = "--tune-fraction", ["ValidationFraction"] = "--val-fraction", ["ValidateEverySteps"] = "--validate-every",
        ["CheckpointEverySteps"] = "--checkpoint-every", ["CheckpointInterval"] = "--checkpoint-every",
        // TaggerServerOptions (serve)
        ["MaxBatchTexts"] = "--max-batch-texts", ["MaxBatchDelay"] = "--max-batch-delay-ms", ["ConcurrentBatches"] = "--concurrent-batches", ["MaxTextsPerRequest"] = "--max-texts",
        ["MaxTextLength"] = "--max-text-length", ["MaxQueueTexts"] = "--max-queue-texts", ["RequestTimeout"] = "--request-timeout",
        ["ShutdownTimeout"] = "--shutdown-timeout", ["MaxFileTexts"] = "--max-file-texts", ["MaxRequestBodyBytes"] = "--max-body-bytes",
        // StreamOptions, WorkerOptions (worker)
        ["Redis"] = "--redis", ["Stream"] = "--stream", ["Group"] = "--group", ["Consumer"] = "--consumer", ["Batch"] = "--batch",
        ["Block"] = "--block-ms", ["ClaimIdle"] = "--claim-idle-ms", ["MaxDeliveries"] = "--max-deliveries",
        // NGramOptions
        ["WordNgrams"] = "--ngram-words", ["CharNgrams"] = "--ngram-chars", ["MinCount"] = "--ngram-min-count",
        // TuningOptions (train, ensemble, calibrate)
        ["ThresholdPolicy"] = "--threshold-policy", ["Calibration"] = "--calibration",
        ["L2Regularization"] = "--ngram-l2", ["Weighting"] = "--ngram-weighting", ["MaxIterations"] = "--ngram-max-iterations",
        ["Featurizer"] = "--ngram-featurizer", ["Classifier"] = "--ngram-classifier", ["MaxWordFeatures"] = "--ngram-max-word-features",
        ["MaxCharFeatures"] = "--ngram-max-char-features", ["NaiveBayesCounts"] = "--ngram-nb-counts",
    };

    /// <summary>The message of <paramref name="error"/> as a command-line user should read it.</summary>
    public static string Describe(TextTaggerException error) =>
        error is InvalidOptionException invalid && Flags.TryGetValue(invalid.Option, out var flag)
            ? invalid.MessageFor(flag).Replace("1 - ValidationFraction", "1 - --val-fraction").Replace("LongTexts = Window", "--long-texts window")
            : error.Message;
}
