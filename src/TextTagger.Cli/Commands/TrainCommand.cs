using TextTagger.Inference.Engines;
using System.CommandLine;
using Spectre.Console;
using TextTagger.Data;
using TextTagger.Modeling;
using TextTagger.Training;

namespace TextTagger.Cli.Commands;

/// <summary>`texttagger train`: fine-tune on a labelled CSV (or continue an interrupted run with --resume).</summary>
static class TrainCommand
{
    public static Command Create()
    {
        var defaults = new TrainingOptions();
        var command = new Command("train", "Fine-tune a pre-trained BERT (default: the bundled MiniLM) on a labelled CSV.");
        var dataOptions = new DataOptions(dataRequired: false);
        var splitOptions = new SplitOptions();
        dataOptions.AddTo(command);
        splitOptions.AddTo(command);
        var model = Add(command, new Option<string>("--model")
        {
            Description = "\"minilm\" (bundled all-MiniLM-L6-v2), \"arctic-xs\" (bundled snowflake-arctic-embed-xs), a Hugging Face BERT directory, or \"ngram\" (word + character n-gram TF-IDF, NB-SVM: a logistic regression per label on Naive Bayes-scaled features; minutes)",
            DefaultValueFactory = _ => defaults.Model,
        });
        var output = Add(command, new Option<string>("--out") { Description = "Output folder: model/, checkpoint/, tensorboard/, train.json, validation.csv", DefaultValueFactory = _ => "runs/latest" });
        var epochs = Add(command, new Option<int>("--epochs") { DefaultValueFactory = _ => defaults.Epochs });
        var batchSize = Add(command, new Option<int>("--batch-size") { DefaultValueFactory = _ => defaults.BatchSize });
        var maxTokens = Add(command, new Option<int>("--max-tokens") { Description = "Truncate texts to this many tokens", DefaultValueFactory = _ => defaults.MaxTokens });
        var rate = Add(command, new Option<double>("--lr") { Description = "Peak learning rate of the encoder", DefaultValueFactory = _ => defaults.LearningRate });
        var headRate = Add(command, new Option<double?>("--head-lr") { Description = "Peak learning rate of the freshly initialised classifier head", DefaultValueFactory = _ => defaults.HeadLearningRate });
        var layerDecay = Add(command, new Option<double>("--layer-lr-decay") { Description = "Layer-wise learning-rate decay: each encoder layer below the top gets this × the rate above it (1: off)", DefaultValueFactory = _ => defaults.LayerRateDecay });
        var warmup = Add(command, new Option<double>("--warmup-fraction") { Description = "Share of steps spent warming up", DefaultValueFactory = _ => defaults.WarmupFraction });
        var decay = Add(command, new Option<double>("--weight-decay") { DefaultValueFactory = _ => defaults.WeightDecay });
        var pooling = Add(command, new Option<string?>("--pooling") { Description = "cls or mean (default: the model's; mean for minilm)" });
        pooling.AcceptOnlyFromAmong([.. LowercaseEnumConverter<PoolingMode>.Names]);
        var posWeightCap = Add(command, new Option<double?>("--pos-weight-cap") { Description = "Weight positives in the loss by negatives/positives per label, capped at this (1: plain BCE)", DefaultValueFactory = _ => defaults.PositiveWeightCap });
        var oversampleRare = Add(command, new Option<int>("--oversample-rare") { Description = "Repeat each training row that carries a rare label this many times per epoch (1: off)", DefaultValueFactory = _ => defaults.RareLabelRepeat });
        var rareShare = Add(command, new Option<double>("--rare-label-share") { Description = "A label is rare when fewer than this share of the training rows carry it", DefaultValueFactory = _ => defaults.RareLabelShare });
        var selectBy = Add(command, new Option<string>("--select-by") { Description = "Validation number that picks the saved model and drives early stopping: loss or auroc (mean ROC AUC)", DefaultValueFactory = _ => LowercaseEnumConverter<SelectionMetric>.Name(defaults.SelectBy) });
        selectBy.AcceptOnlyFromAmong([.. LowercaseEnumConverter<SelectionMetric>.Names]);
        var attentionDropout = Add(command, new Option<double?>("--attention-dropout") { Description = "Dropout on attention probabilities while training (0 lets libtorch use its fused attention kernel; the model's own is 0.1)", DefaultValueFactory = _ => defaults.AttentionDropout });
        var precision = Add(command, new Option<string>("--precision") { Description = "Training steps' matrix products: bf16 (float32 master weights), fp32, or auto (bf16 where the CPU has native bfloat16)", DefaultValueFactory = _ => defaults.Precision.Name() });
        precision.AcceptOnlyFromAmong(Precisions.Requestable);
        var maxBatchTokens = Add(command, new Option<int>("--max-batch-tokens")
        {
            Description = "Run batches of more padded tokens than this as micro-batches, adding up their gradients: the same update in less memory (0: whole batches)",
            DefaultValueFactory = _ => TrainingOptions.DefaultMaxBatchTokens,
        });
        var ema = Add(command, new Option<double?>("--ema") { Description = "Validate and save an exponential moving average of the weights with this decay, e.g. 0.99 (default: off)" });
        var trainSeed = Add(command, new Option<int?>("--train-seed") { Description = "Seed of head initialisation, dropout and batch order (default: --seed); changing it alone keeps the same split" });
        var threads = Add(command, new Option<int>("--threads") { Description = "libtorch threads (0: one per core)", DefaultValueFactory = _ => defaults.Threads });
        var patience = Add(command, new Option<int>("--patience") { Description = "Stop after this many epochs without a better validation loss (or AUROC, see --select-by)", DefaultValueFactory = _ => defaults.Patience });
        var maxSteps = Add(command, new Option<int?>("--max-steps") { Description = "Stop after this many steps (quick runs)" });
        var limitRows = Add(command, new Option<int?>("--limit-rows") { Description = "Use only the first N rows of the file (quick runs)" });
        var fixedPadding = Add(command, new Option<bool>("--fixed-padding") { Description = "Pad every batch to --max-tokens (the seed recipe) instead of to its longest text" });
        var validateEvery = Add(command, new Option<int?>("--validate-every") { Description = "Also validate every N steps" });
        var checkpointEvery = Add(command, new Option<string>("--checkpoint-every")
        {
            Description = "A resumable checkpoint this often within an epoch: a time (5m, 90s) or a step count (200steps), or off (epoch ends only)",
            DefaultValueFactory = _ => "5m",
        });
        var logEvery = Add(command, new Option<int>("--log-every") { Description = "Progress line every N steps when output is redirected", DefaultValueFactory = _ => defaults.LogEverySteps });
        var teacher = Add(command, new Option<string?>("--teacher") { Description = "Distill: this model directory (transformer, n-gram or ensemble) scores the training rows once and its probabilities become the targets" });
        var distillWeight = Add(command, new Option<double>("--distill-weight") { Description = "With --teacher: target = A × teacher probability + (1 − A) × label (1: pure soft labels)", DefaultValueFactory = _ => defaults.DistillWeight });
        var resume = Add(command, new Option<string?>("--resume") { Description = "Continue the interrupted run in this output folder (its options are used)" });
        var overwrite = Add(command, new Option<bool>("--overwrite") { Description = "Replace an earlier run in --out" });
        var ngram = new NGramTraining();
        var tuning = new TuningFlags();
        tuning.AddTo(command);
        ngram.AddTo(command);

        command.SetAction((parse, cancel) =>
        {
            var console = CliSupport.Console(parse);
            var writer = parse.InvocationConfiguration.Output;
            bool live = ReferenceEquals(writer, Console.Out) && !Console.IsOutputRedirected;
            var display = new TrainingConsole(console, writer, live, Math.Max(1, parse.GetValue(logEvery)));

            Trainer trainer;
            string outputDirectory;
            if (parse.GetValue(resume) is { } resumeDirectory)
            {
                outputDirectory = resumeDirectory;
                trainer = Trainer.Resume(resumeDirectory, display);
            }
            else
            {
                string data = parse.GetValue(dataOptions.Data) ?? throw new TextTaggerException("--data FILE is required (or --resume DIR)");
                outputDirectory = parse.GetValue(output)!;
                if (parse.GetValue(overwrite)) RemoveEarlierRun(outputDirectory);
                if (parse.GetValue(model)!.Equals(NGramTraining.ModelName, StringComparison.OrdinalIgnoreCase))
                {
                    if (parse.GetValue(teacher) != null)
                        throw new TextTaggerException("--teacher distills into a transformer; the n-gram model (--model ngram) trains on hard labels only");
                    if (Directory.Exists(Path.Combine(outputDirectory, Trainer.ModelFolder)))
                        throw new TextTaggerException($"--out {outputDirectory} already holds a model; pass --overwrite to replace the run, or choose another --out");
                    string ngramModel = NGramTraining.Run(console, writer, data, dataOptions.LoadOptions(parse), splitOptions.Settings(parse),
                                                          parse.GetValue(limitRows), ngram.Options(parse, parse.GetValue(threads)), outputDirectory,
                                                          tuning.Options(parse));
                    var heldOut = CsvDatasetReader.Load(Path.Combine(outputDirectory, Trainer.ValidationFile), dataOptions.LoadOptions(parse));
                    EvaluateCommand.EvaluateAndWrite(console, writer, ngramModel, heldOut, Path.Combine(outputDirectory, EvaluateCommand.DefaultOutFolder));
                    return Task.FromResult(0);
                }
                var options = new TrainingOptions
                {
                    Model = parse.GetValue(model)!,
                    Epochs = parse.GetValue(epochs),
                    BatchSize = parse.GetValue(batchSize),
                    MaxTokens = parse.GetValue(maxTokens),
                    LearningRate = parse.GetValue(rate),
                    HeadLearningRate = parse.GetValue(headRate),
                    LayerRateDecay = parse.GetValue(layerDecay),
                    WarmupFraction = parse.GetValue(warmup),
                    WeightDecay = parse.GetValue(decay),
                    Pooling = parse.GetValue(pooling) is { } chosen ? LowercaseEnumConverter<PoolingMode>.Parse(chosen, "--pooling") : null,
                    PositiveWeightCap = parse.GetValue(posWeightCap),
                    RareLabelRepeat = parse.GetValue(oversampleRare),
                    RareLabelShare = parse.GetValue(rareShare),
                    SelectBy = LowercaseEnumConverter<SelectionMetric>.Parse(parse.GetValue(selectBy), "--select-by"),
                    UntaggedToKeep = parse.GetValue(splitOptions.Balance),
                    ValidationFraction = parse.GetValue(splitOptions.ValidationFraction),
                    TuneFraction = parse.GetValue(splitOptions.TuneFraction),
                    Seed = parse.GetValue(splitOptions.Seed),
                    TrainSeed = parse.GetValue(trainSeed),
                    EmaDecay = parse.GetValue(ema),
                    MaxBatchTokens = parse.GetValue(maxBatchTokens) is 0 ? null : parse.GetValue(maxBatchTokens),
                    Threads = parse.GetValue(threads),
                    Precision = Precisions.Parse(parse.GetValue(precision), "--precision"),
                    AttentionDropout = parse.GetValue(attentionDropout),
                    Patience = parse.GetValue(patience),
                    MaxSteps = parse.GetValue(maxSteps),
                    LimitRows = parse.GetValue(limitRows),
                    DynamicPadding = !parse.GetValue(fixedPadding),
                    ValidateEverySteps = parse.GetValue(validateEvery),
                    CheckpointInterval = CheckpointEvery.Parse(parse.GetValue(checkpointEvery)!).Interval,
                    CheckpointEverySteps = CheckpointEvery.Parse(parse.GetValue(checkpointEvery)!).Steps,
                    LogEverySteps = Math.Max(1, parse.GetValue(logEvery)),
                    ThresholdPolicy = tuning.Options(parse).ThresholdPolicy,
                    Calibration = tuning.Options(parse).Calibration,
                    Teacher = parse.GetValue(teacher),
                    DistillWeight = parse.GetValue(distillWeight),
                };
                trainer = new Trainer(data, dataOptions.LoadOptions(parse), options, outputDirectory, display);
            }

            // Ctrl+C: finish the current step, save a resumable checkpoint, exit 130.
            using var interrupt = CancellationTokenSource.CreateLinkedTokenSource(cancel);
            ConsoleCancelEventHandler onCancel = (_, e) => { e.Cancel = true; interrupt.Cancel(); };
            Console.CancelKeyPress += onCancel;
            try
            {
                var summary = display.Run(() => trainer.Run(interrupt.Token));
                if (trainer.AlreadyFinished) return Task.FromResult(0);   // --resume of a finished run: said so, nothing rewritten
                TrainingReport.Write(console, summary);

                // The seed ends with an evaluation of the best model on the held-out rows: do the same.
                var validation = CsvDatasetReader.Load(Path.Combine(outputDirectory, Trainer.ValidationFile), trainer.LoadOptions);
                EvaluateCommand.EvaluateAndWrite(console, writer, summary.ModelDirectory, validation,
                    Path.Combine(outputDirectory, EvaluateCommand.DefaultOutFolder), maxTokens: null);
                return Task.FromResult(0);
            }
            finally
            {
                Console.CancelKeyPress -= onCancel;
            }
        });
        return command;
    }

    /// <summary>Deletes an earlier run's folder, but only one that looks like a run (never an arbitrary folder).</summary>
    static void RemoveEarlierRun(string directory)
    {
        if (!Directory.Exists(directory) || !Directory.EnumerateFileSystemEntries(directory).Any()) return;
        if (!TrainingCheckpoint.Exists(directory) && !File.Exists(Path.Combine(directory, Trainer.SummaryFile)))
            throw new TextTaggerException($"--out {directory} is not an earlier training run (no checkpoint or {Trainer.SummaryFile}); not replacing it");
        Directory.Delete(directory, recursive: true);
    }

    static Option<T> Add<T>(Command command, Option<T> option)
    {
        command.Options.Add(option);
        return option;
    }
}
