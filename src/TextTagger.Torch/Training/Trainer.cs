using System.Diagnostics;
using TextTagger.Data;
using TextTagger.Evaluation;
using TextTagger.Inference;
using TextTagger.Modeling;
using TextTagger.Modeling.Pretrained;
using TextTagger.Tokenization;
using static TorchSharp.torch;

namespace TextTagger.Training;

/// <summary>
/// Fine-tunes a pre-trained BERT with a multi-label head, as the seed recipe does: split then balance, AdamW with
/// linear warm-up and decay, validation every epoch, best model by validation loss (or mean AUROC), early stopping;
/// plus over-sampling of rare labels, dynamic padding with length bucketing, resumable checkpoints, TensorBoard logs
/// and a train.json summary.
/// </summary>
/// <remarks>Output folder: model/ (the best model, a Hugging Face directory with thresholds.json), checkpoint/
/// (resumable state), tensorboard/, train.json.</remarks>
public sealed class Trainer
{
    public const string ModelFolder = "model";
    public const string TensorBoardFolder = "tensorboard";
    public const string SummaryFile = "train.json";
    /// <summary>The held-out rows, as CSV, so `texttagger evaluate` can score the model on exactly them.</summary>
    public const string ValidationFile = "validation.csv";

    readonly string _dataPath;
    readonly CsvLoadOptions _loadOptions;
    readonly TrainingOptions _options;
    readonly string _outputDirectory;
    readonly ITrainingObserver _observer;
    readonly ScalarType? _computeType;   // of the training steps' matrix products (Autocast); null: float32
    bool _resuming;

    public Trainer(string dataPath, CsvLoadOptions loadOptions, TrainingOptions options, string outputDirectory, ITrainingObserver? observer = null)
    {
        options.Validate();
        TorchEngine.Register();   // so Tagger.Load opens the model this trainer saves
        _dataPath = dataPath;
        _loadOptions = loadOptions;
        _options = options;
        _computeType = ComputePrecision.Resolve(options.Precision);
        _outputDirectory = outputDirectory;
        _observer = observer ?? new TrainingObservers();
    }

    /// <summary>Continues an interrupted run from its output folder with the options it was started with.</summary>
    public static Trainer Resume(string outputDirectory, ITrainingObserver? observer = null)
    {
        var state = TrainingCheckpoint.ReadState(outputDirectory);
        return new Trainer(state.DataPath, state.LoadOptions, state.Options, outputDirectory, observer) { _resuming = true };
    }

    /// <summary>How the data file is read (a resumed run reads it as the original run did).</summary>
    public CsvLoadOptions LoadOptions => _loadOptions;

    public TrainingSummary Run(CancellationToken cancel = default)
    {
        var o = _options;
        TorchRuntime.SetThreads(o.Threads);
        int trainSeed = o.TrainSeed ?? o.Seed;
        manual_seed(trainSeed);
        if (!_resuming && TrainingCheckpoint.Exists(_outputDirectory))
            throw new TextTaggerException($"{_outputDirectory} already holds a training run; continue it with --resume {_outputDirectory}, or choose another --out");
        var resumeState = _resuming ? TrainingCheckpoint.ReadState(_outputDirectory) : null;

        var data = CsvDatasetReader.Load(_dataPath, _loadOptions);
        foreach (var warning in data.Warnings) _observer.Message($"warning: {data.Source}: {warning}");
        if (o.LimitRows is int limit && limit < data.Count) data = data.WithRows(data.Rows.Take(limit).ToArray());
        var (trainRows, validationRows) = DatasetSplitter.SplitAndBalance(data, o.ValidationFraction, o.UntaggedToKeep, o.Seed);
        if (trainRows.Count == 0 || validationRows.Count == 0)
            throw new TextTaggerException($"{_dataPath}: too few rows to train ({trainRows.Count} for training, {validationRows.Count} for validation)");

        if (o.RareLabelRepeat > 1) trainRows = Oversample(trainRows);

        Directory.CreateDirectory(_outputDirectory);
        CsvDatasetWriter.Write(validationRows, Path.Combine(_outputDirectory, ValidationFile), _loadOptions.TextColumn, _loadOptions.IdColumn);

        using var pretrained = PretrainedModel.Load(o.Model, data.LabelNames, o.Pooling);
        foreach (var warning in pretrained.Warnings.Where(w => !w.Contains("classifier"))) _observer.Message($"note: {warning}");
        var model = pretrained.Model;
        if (o.AttentionDropout is double attentionDropout) pretrained.Config.AttentionProbsDropoutProb = attentionDropout;
        var tokenizer = BertTokenizer.FromVocab(pretrained.VocabPath, pretrained.DoLowerCase);
        var train = new EncodedDataset(trainRows, tokenizer, o.MaxTokens);
        var validation = new EncodedDataset(validationRows, tokenizer, o.MaxTokens);

        var batcher = new LengthBucketBatcher(train.Lengths, o.BatchSize, bucketByLength: o.DynamicPadding);
        int stepsPerEpoch = batcher.BatchesPerEpoch;
        int totalSteps = Math.Min(o.Epochs * stepsPerEpoch, o.MaxSteps ?? int.MaxValue);
        var schedule = LinearWarmupSchedule.FromFraction(o.WarmupFraction, totalSteps);
        var optimizer = new OptimizerSetup(model, o);
        using var positiveWeights = o.PositiveWeightCap is double cap ? tensor(train.PositiveWeights(cap)) : null;

        var progress = new TrainingProgress();
        if (resumeState != null)
        {
            TrainingCheckpoint.Restore(_outputDirectory, model, optimizer.Optimizer);
            progress = resumeState.Progress;
        }
        var tensorBoard = new TensorBoardLogger(Path.Combine(_outputDirectory, TensorBoardFolder));
        var observer = new TrainingObservers(_observer, tensorBoard);
        observer.RunStarted(new TrainingPlan(train.Count, validation.Count, data.LabelNames, o.Epochs, stepsPerEpoch, totalSteps,
            schedule.WarmupSteps, pretrained.Source.ToString(), pretrained.ParameterCount, TorchRuntime.Threads, ComputePrecision.Describe(o.Precision),
            progress.Epoch, progress.GlobalStep));

        var run = new RunState(progress, Stopwatch.StartNew());
        bool stoppedEarly = false;
        for (int epoch = progress.Epoch; epoch <= o.Epochs && run.Progress.GlobalStep < totalSteps; epoch++)
        {
            var epochClock = Stopwatch.StartNew();
            var trainScores = new EvaluationAccumulator(data.LabelNames, train.Count);
            var batches = batcher.Batches(trainSeed, epoch);
            model.train();
            for (int b = run.Progress.Epoch == epoch ? run.Progress.StepsDoneInEpoch : 0; b < batches.Count; b++)
            {
                if (run.Progress.GlobalStep >= totalSteps) break;
                var step = TrainStep(model, optimizer, schedule, train, batches[b], trainScores, run.Progress.GlobalStep, positiveWeights);
                run.Progress = run.Progress with
                {
                    Epoch = epoch,
                    StepsDoneInEpoch = b + 1,
                    GlobalStep = run.Progress.GlobalStep + 1,
                    EpochLossSum = (b == 0 ? 0 : run.Progress.EpochLossSum) + step.Loss * batches[b].Length,
                    EpochExamples = (b == 0 ? 0 : run.Progress.EpochExamples) + batches[b].Length,
                };
                observer.StepCompleted(run.Describe(step, epoch, b + 1, batches[b].Length, totalSteps));

                if (o.ValidateEverySteps is int every && run.Progress.GlobalStep % every == 0 && b + 1 < batches.Count)
                    observer.ValidationCompleted(Validate(model, validation, epoch, run.Progress.GlobalStep, data.LabelNames).Metrics);
                if (cancel.IsCancellationRequested)
                {
                    SaveCheckpoint(run, model, optimizer);
                    observer.Message($"interrupted at step {run.Progress.GlobalStep:N0}; checkpoint saved — continue with: texttagger train --resume {_outputDirectory}");
                    cancel.ThrowIfCancellationRequested();
                }
            }

            if (run.Progress.StepsDoneInEpoch == 0) break;   // max steps reached exactly at an epoch end
            var (validationMetrics, validationScores) = Validate(model, validation, epoch, run.Progress.GlobalStep, data.LabelNames);
            observer.ValidationCompleted(validationMetrics);
            bool best = Improves(validationMetrics, run.Progress);
            if (best) SaveBestModel(pretrained, validationScores, observer);
            var trainReport = trainScores.RowCount > 0 ? MultiLabelMetrics.Compute(trainScores.ToLabelledScores()) : null;
            double seconds = epochClock.Elapsed.TotalSeconds;
            var summary = new EpochSummary(epoch, run.Progress.EpochLossSum / Math.Max(1, run.Progress.EpochExamples),
                trainReport?.Ranking.Select(r => r.RocAuc).ToArray() ?? [], trainReport?.MeanRocAuc, validationMetrics, best,
                epochClock.Elapsed, run.Progress.EpochExamples / Math.Max(seconds, 1e-9), ProcessMemory.CurrentRssBytes);
            run.Progress = run.Progress with
            {
                Epoch = epoch + 1,
                StepsDoneInEpoch = 0,
                BestEpoch = best ? epoch : run.Progress.BestEpoch,
                EpochsWithoutImprovement = best ? 0 : run.Progress.EpochsWithoutImprovement + 1,
                History = [.. run.Progress.History, EpochRecord.From(summary, run.Progress.GlobalStep)],
            };
            observer.EpochCompleted(summary);
            SaveCheckpoint(run, model, optimizer);
            if (run.Progress.EpochsWithoutImprovement >= o.Patience && epoch < o.Epochs)
            {
                observer.Message($"early stopping: no better validation {o.SelectionMetricName} for {o.Patience} epoch(s)");
                stoppedEarly = true;
                break;
            }
        }

        var result = TrainingSummary.Create(_dataPath, o, run.Progress, train.Count, validation.Count, stoppedEarly,
            Path.Combine(_outputDirectory, ModelFolder), run.ElapsedSeconds);
        result.Write(Path.Combine(_outputDirectory, SummaryFile));
        return result;
    }

    LabeledDataset Oversample(LabeledDataset trainRows)
    {
        var rare = RareLabelOversampler.RareLabels(trainRows, _options.RareLabelShare);
        var oversampled = RareLabelOversampler.Oversample(trainRows, _options.RareLabelRepeat, _options.RareLabelShare);
        _observer.Message(rare.Length == 0
            ? $"over-sampling: no label is carried by fewer than {_options.RareLabelShare:P0} of the training rows; nothing repeated"
            : $"over-sampling: rows carrying {string.Join(", ", rare.Select(l => trainRows.LabelNames[l]))} × {_options.RareLabelRepeat} " +
              $"({trainRows.Count:N0} → {oversampled.Count:N0} training rows)");
        return oversampled;
    }

    /// <summary>Whether this validation beats the best epoch so far, by the metric of <see cref="TrainingOptions.SelectBy"/>.</summary>
    bool Improves(ValidationMetrics validation, TrainingProgress progress)
    {
        var best = progress.History.FirstOrDefault(e => e.Epoch == progress.BestEpoch);
        if (best == null) return true;
        return _options.SelectBy == TrainingOptions.SelectByAuroc
            ? (validation.MeanRocAuc ?? double.NegativeInfinity) > (best.ValidationMeanRocAuc ?? double.NegativeInfinity)
            : validation.Loss < best.ValidationLoss;
    }

    StepResult TrainStep(BertForMultiLabelClassification model, OptimizerSetup optimizer, LinearWarmupSchedule schedule,
                         EncodedDataset train, int[] rows, EvaluationAccumulator scores, int globalStep, Tensor? positiveWeights)
    {
        using var scope = NewDisposeScope();
        var (inputs, targets) = train.Batch(rows, fixedPadding: !_options.DynamicPadding);
        using var batch = inputs;
        Tensor logits;
        using (Autocast.Enable(_computeType))
            logits = model.forward(batch.InputIds, batch.AttentionMask, batch.TokenTypeIds);
        var loss = BertForMultiLabelClassification.Loss(logits, targets, positiveWeights);
        optimizer.Optimizer.zero_grad();
        loss.backward();
        nn.utils.clip_grad_norm_(optimizer.Parameters, _options.GradientClipNorm);
        double rate = optimizer.ScaleLearningRates(schedule.Factor(globalStep));
        optimizer.Optimizer.step();

        float[] probabilities = logits.detach().sigmoid().data<float>().ToArray();
        var rowScores = new double[train.LabelCount];
        var rowTruth = new bool[train.LabelCount];
        for (int i = 0; i < rows.Length; i++)
        {
            for (int l = 0; l < train.LabelCount; l++)
            {
                rowScores[l] = probabilities[i * train.LabelCount + l];
                rowTruth[l] = train.Labels[rows[i]][l] == 1;
            }
            scores.AddRow(rowScores, rowTruth);
        }
        return new StepResult(loss.item<float>(), rate, batch.SequenceLength);
    }

    (ValidationMetrics Metrics, LabelledScores Scores) Validate(BertForMultiLabelClassification model, EncodedDataset validation,
                                                               int epoch, int globalStep, IReadOnlyList<string> labels)
    {
        var clock = Stopwatch.StartNew();
        var logits = LogitsRunner.Run(new TorchEngine(model), validation.Ids, validation.PadId, _options.EvaluationBatchSize,
                                      _options.DynamicPadding ? null : validation.MaxTokens);
        var truth = new int[validation.Count, validation.LabelCount];
        for (int i = 0; i < validation.Count; i++)
            for (int l = 0; l < validation.LabelCount; l++) truth[i, l] = validation.Labels[i][l];
        var scores = LabelledScores.FromMatrix(LogitsRunner.Probabilities(logits), truth, labels);
        var auc = Enumerable.Range(0, labels.Count).Select(l => RankingMetrics.RocAuc(scores.Scores(l), scores.Truth.Column(l))).ToArray();
        var defined = auc.OfType<double>().ToArray();
        var metrics = new ValidationMetrics(epoch, globalStep, LogitsRunner.MeanLoss(logits, validation.Labels), auc,
                                            defined.Length > 0 ? defined.Average() : null, clock.Elapsed);
        return (metrics, scores);
    }

    void SaveBestModel(PretrainedModel pretrained, LabelledScores validationScores, ITrainingObserver observer)
    {
        var tuned = F1ThresholdTuner.TuneThresholds(validationScores);
        var thresholds = pretrained.Labels.Select((label, i) => (label, (float)tuned[i])).ToDictionary(p => p.label, p => p.Item2);
        string directory = Path.Combine(_outputDirectory, ModelFolder);
        pretrained.Save(directory, thresholds, _options.MaxTokens);
        observer.Message($"saved best model to {directory}");
    }

    void SaveCheckpoint(RunState run, nn.Module model, OptimizerSetup optimizer) =>
        TrainingCheckpoint.Save(_outputDirectory,
            new TrainingCheckpoint.State(_dataPath, _loadOptions, _options, run.Progress with { ElapsedSeconds = run.ElapsedSeconds }),
            model, optimizer.Optimizer);

    readonly record struct StepResult(double Loss, double LearningRate, int PaddedLength);

    /// <summary>The mutable part of a run: progress and the clock (which continues the interrupted run's time).</summary>
    sealed class RunState(TrainingProgress progress, Stopwatch clock)
    {
        readonly double _before = progress.ElapsedSeconds;
        readonly int _startStep = progress.GlobalStep;
        public TrainingProgress Progress { get; set; } = progress;
        public double ElapsedSeconds => _before + clock.Elapsed.TotalSeconds;

        public TrainingStep Describe(StepResult step, int epoch, int stepInEpoch, int examples, int totalSteps)
        {
            int doneHere = Progress.GlobalStep - _startStep;
            double secondsPerStep = clock.Elapsed.TotalSeconds / Math.Max(1, doneHere);
            return new TrainingStep(epoch, stepInEpoch, Progress.GlobalStep, step.Loss, step.LearningRate, examples, step.PaddedLength,
                doneHere * (double)examples / Math.Max(1e-9, clock.Elapsed.TotalSeconds), TimeSpan.FromSeconds(ElapsedSeconds),
                TimeSpan.FromSeconds(secondsPerStep * (totalSteps - Progress.GlobalStep)));
        }
    }
}
