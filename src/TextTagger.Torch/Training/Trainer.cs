using TextTagger.Inference.Engines;
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
    public const string ValidationFile = DatasetSplit.ValidationFile;
    public const string TuneFile = DatasetSplit.TuneFile;

    readonly string _dataPath;
    readonly CsvLoadOptions _loadOptions;
    readonly TrainingOptions _options;
    readonly string _outputDirectory;
    readonly ITrainingObserver _observer;
    readonly ScalarType? _computeType;   // of the training steps' matrix products (Autocast); null: float32
    bool _resuming;

    /// <summary>A run over a CSV file. Nothing changes in the process until <see cref="Run"/>.</summary>
    /// <param name="observer">Receives the run's progress (see <see cref="TrainingObservers"/> for <see cref="IProgress{T}"/>
    /// and <see cref="Microsoft.Extensions.Logging.ILogger"/> adapters).</param>
    public Trainer(string dataPath, CsvLoadOptions loadOptions, TrainingOptions options, string outputDirectory, ITrainingObserver? observer = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _dataPath = dataPath;
        _loadOptions = loadOptions;
        _options = options;
        _computeType = ComputePrecision.Resolve(options.Precision);
        _outputDirectory = outputDirectory;
        _observer = observer ?? new TrainingObservers();
    }

    /// <summary>A run over rows already in memory: they are written to the output folder as <see cref="DataFile"/>
    /// when the run starts, so the run can be resumed like one over a file.</summary>
    public Trainer(LabeledDataset data, TrainingOptions options, string outputDirectory, ITrainingObserver? observer = null)
        : this(Path.Combine(outputDirectory, DataFile), new CsvLoadOptions { Labels = data.LabelNames.ToArray() }, options, outputDirectory, observer)
    {
        _inMemory = data;
    }

    /// <summary>Where a run over in-memory rows keeps them.</summary>
    public const string DataFile = "data.csv";
    readonly LabeledDataset? _inMemory;

    /// <summary>Continues an interrupted run from its output folder with the options it was started with.</summary>
    public static Trainer Resume(string outputDirectory, ITrainingObserver? observer = null)
    {
        var state = TrainingCheckpoint.ReadState(outputDirectory);
        return new Trainer(state.DataPath, state.LoadOptions, state.Options, outputDirectory, observer) { _resuming = true };
    }

    /// <summary>How the data file is read (a resumed run reads it as the original run did).</summary>
    public CsvLoadOptions LoadOptions => _loadOptions;

    /// <summary>The data step, then the fit loop: epochs of training steps, validation, the best-model and
    /// early-stopping policies, a checkpoint every --checkpoint-every and after every epoch (and on cancellation), and
    /// train.json at the end.</summary>
    public TrainingSummary Run(CancellationToken cancel = default)
    {
        NativeHeap.ForTraining();   // the heap settings of a training process, from here on (EndTraining undoes them)
        try
        {
            if (_inMemory != null && !_resuming)
            {
                Directory.CreateDirectory(_outputDirectory);
                CsvDatasetWriter.Write(_inMemory, _dataPath);   // atomic
            }
            return Fit(cancel);
        }
        finally
        {
            NativeHeap.EndTraining();   // the model, optimizer and activations are freed by now: their pages go back
        }
    }

    TrainingSummary Fit(CancellationToken cancel)
    {
        var o = _options;
        TorchRuntime.SetThreads(o.Threads);
        int trainSeed = o.TrainSeed ?? o.Seed;
        manual_seed(trainSeed);
        if (!_resuming && TrainingCheckpoint.Exists(_outputDirectory))
            throw new TextTaggerException($"{_outputDirectory} already holds a training run; continue it with --resume {_outputDirectory}, or choose another --out");
        var resumeState = _resuming ? TrainingCheckpoint.ReadState(_outputDirectory) : null;
        if (resumeState != null && FinishedRun(resumeState.Progress) is { } finished) return finished;
        if (!File.Exists(_dataPath)) throw new TextTaggerException($"{_dataPath}: file not found");
        _dataSha256 ??= TrainingCheckpoint.Fingerprint(_dataPath);
        if (resumeState?.DataSha256 is { } started && started != _dataSha256)
            throw new TextTaggerException($"{_dataPath}: the data file changed since the run started (SHA-256 {_dataSha256[..12]}…, was {started[..12]}…); " +
                                          $"resume it with the same file, or start a new run with --overwrite");

        var data = TrainingData.Prepare(_dataPath, _loadOptions, o, _outputDirectory, _observer.Message);
        o.Tuning.Policies().For(data.LabelNames);   // a rule for a label the data lacks fails now, not at the first saved model
        // The teacher scores (or the cache gives) the training rows before the student exists: one model in memory at a time.
        var teacher = o.Teacher is { } teacherDirectory ? TeacherTargets.Score(teacherDirectory, data.TrainRows, _outputDirectory, _observer.Message, o.Threads) : null;
        using var pretrained = PretrainedModel.Load(o.Model, data.LabelNames, o.Pooling);
        foreach (var warning in pretrained.Warnings.Where(w => !w.Contains("classifier"))) _observer.Message($"note: {warning}");
        var model = pretrained.Model;
        if (o.AttentionDropout is double attentionDropout) model.SetAttentionDropout(attentionDropout);
        var (train, validation) = data.Encode(BertTokenizer.FromVocab(pretrained.VocabPath, pretrained.DoLowerCase), o.MaxTokens);
        if (teacher != null)
        {
            train.SoftTargets = teacher.Targets(data.TrainRows, o.DistillWeight);
            _observer.Message($"distillation: training targets = {o.DistillWeight:0.###} × teacher ({teacher.Kind}) + {1 - o.DistillWeight:0.###} × labels; " +
                              "thresholds, early stopping and evaluation use the hard labels");
        }

        var batcher = new LengthBucketBatcher(train.Lengths, o.BatchSize, bucketByLength: o.DynamicPadding);
        int stepsPerEpoch = batcher.BatchesPerEpoch;
        int totalSteps = Math.Min(o.Epochs * stepsPerEpoch, o.MaxSteps ?? int.MaxValue);
        var schedule = LinearWarmupSchedule.FromFraction(o.WarmupFraction, totalSteps);
        using var optimizer = new OptimizerSetup(model, o);
        using var positiveWeights = o.PositiveWeightCap is double cap ? tensor(train.PositiveWeights(cap)) : null;
        var module = new MultiLabelModule(model, optimizer, schedule, o, _computeType, positiveWeights);
        using var average = o.EmaDecay is double emaDecay ? new WeightAverage(model, emaDecay) : null;
        var bestModel = new BestModelPolicy(o, Path.Combine(_outputDirectory, ModelFolder));
        var earlyStopping = new EarlyStoppingPolicy(o);

        var progress = new TrainingProgress();
        if (resumeState != null)
        {
            TrainingCheckpoint.Restore(_outputDirectory, model, optimizer.Optimizer);
            average?.Load(Path.Combine(_outputDirectory, TrainingCheckpoint.FolderName, WeightAverage.FileName));
            progress = resumeState.Progress;
        }
        var tensorBoard = new TensorBoardLogger(Path.Combine(_outputDirectory, TensorBoardFolder));
        var observer = new TrainingObservers(_observer, tensorBoard);
        observer.RunStarted(new TrainingPlan(train.Count, validation.Count, data.LabelNames, o.Epochs, stepsPerEpoch, totalSteps,
            schedule.WarmupSteps, pretrained.Source.ToString(), pretrained.ParameterCount, TorchRuntime.Threads, ComputePrecision.Describe(o.Precision).Name(),
            progress.Epoch, progress.GlobalStep));

        var run = new RunState(progress, Stopwatch.StartNew());
        var checkpointDue = new CheckpointClock(o);
        bool stoppedEarly = resumeState != null && StoppedEarly(progress, o);   // killed before train.json was written
        for (int epoch = progress.Epoch; !stoppedEarly && epoch <= o.Epochs && run.Progress.GlobalStep < totalSteps; epoch++)
        {
            var epochClock = Stopwatch.StartNew();
            // A run resumed mid-epoch gets the epoch's scores so far back, so its train AUROC covers the whole epoch.
            var trainScores = resumeState != null && resumeState.Progress.Epoch == epoch && resumeState.Progress.StepsDoneInEpoch > 0
                ? TrainingCheckpoint.RestoreTrainScores(_outputDirectory, data.LabelNames) ?? new EvaluationAccumulator(data.LabelNames, train.Count)
                : new EvaluationAccumulator(data.LabelNames, train.Count);
            var batches = batcher.Batches(trainSeed, epoch);
            model.train();
            for (int b = run.Progress.Epoch == epoch ? run.Progress.StepsDoneInEpoch : 0; b < batches.Count; b++)
            {
                if (run.Progress.GlobalStep >= totalSteps) break;
                var step = module.TrainingStep(train, batches[b], trainScores, run.Progress.GlobalStep);
                average?.Update(run.Progress.GlobalStep + 1);
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
                    using (average?.Applied())
                        observer.ValidationCompleted(module.Validate(validation, epoch, run.Progress.GlobalStep, data.LabelNames).Metrics);
                if (b + 1 < batches.Count && checkpointDue.Now(run.Progress.GlobalStep))
                {
                    var saving = Stopwatch.StartNew();
                    SaveCheckpoint(run, model, optimizer, trainScores, average);
                    observer.Message($"checkpoint at step {run.Progress.GlobalStep:N0} ({saving.Elapsed.TotalSeconds:F1} s, " +
                                     $"{TrainingCheckpoint.SizeBytes(_outputDirectory) / 1048576.0:F0} MB)");
                }
                if (cancel.IsCancellationRequested)
                {
                    SaveCheckpoint(run, model, optimizer, trainScores, average);
                    observer.Message($"interrupted at step {run.Progress.GlobalStep:N0}; checkpoint saved — continue with: texttagger train --resume {_outputDirectory}");
                    cancel.ThrowIfCancellationRequested();
                }
            }

            if (run.Progress.StepsDoneInEpoch == 0) break;   // max steps reached exactly at an epoch end
            if (average != null)
            {
                var live = module.Validate(validation, epoch, run.Progress.GlobalStep, data.LabelNames).Metrics;
                observer.Message($"epoch {epoch} without the weight average: validation loss {live.Loss:F4}, mean ROC AUC {live.MeanRocAuc:F4}");
            }
            var applied = average?.Applied();
            var (validationMetrics, validationScores) = module.Validate(validation, epoch, run.Progress.GlobalStep, data.LabelNames);
            observer.ValidationCompleted(validationMetrics);
            bool best = bestModel.Improves(validationMetrics, run.Progress);
            if (best) bestModel.Save(pretrained, validationScores, observer);
            applied?.Dispose();
            var summary = EpochSummaryOf(epoch, run.Progress, trainScores, validationMetrics, best, epochClock.Elapsed);
            run.Progress = run.Progress with
            {
                Epoch = epoch + 1,
                StepsDoneInEpoch = 0,
                BestEpoch = best ? epoch : run.Progress.BestEpoch,
                EpochsWithoutImprovement = best ? 0 : run.Progress.EpochsWithoutImprovement + 1,
                History = [.. run.Progress.History, EpochRecord.From(summary, run.Progress.GlobalStep)],
            };
            observer.EpochCompleted(summary);
            SaveCheckpoint(run, model, optimizer, null, average);
            checkpointDue.Reset(run.Progress.GlobalStep);
            if (earlyStopping.ShouldStop(run.Progress, epoch, observer))
            {
                stoppedEarly = true;
                break;
            }
        }

        var result = TrainingSummary.Create(_dataPath, o, data.LabelNames, run.Progress, train.Count, validation.Count, stoppedEarly,
            Path.Combine(_outputDirectory, ModelFolder), run.ElapsedSeconds) with { TeacherKind = teacher?.Kind };
        result.Write(Path.Combine(_outputDirectory, SummaryFile));
        return result;
    }

    static EpochSummary EpochSummaryOf(int epoch, TrainingProgress progress, EvaluationAccumulator trainScores,
                                       ValidationMetrics validation, bool best, TimeSpan duration)
    {
        var trainReport = trainScores.RowCount > 0 ? MultiLabelMetrics.Compute(trainScores.ToLabelledScores()) : null;
        return new EpochSummary(epoch, progress.EpochLossSum / Math.Max(1, progress.EpochExamples),
            trainReport?.Ranking.Select(r => r.RocAuc).ToArray() ?? [], trainReport?.MeanRocAuc, validation, best,
            duration, progress.EpochExamples / Math.Max(duration.TotalSeconds, 1e-9), ProcessMemory.CurrentRssBytes);
    }

    /// <summary>A resumed run that has nothing left to do — every epoch done, stopped early, or --max-steps reached —
    /// and whose train.json was written: its summary, untouched (null: there is training or the summary left).</summary>
    TrainingSummary? FinishedRun(TrainingProgress progress)
    {
        var o = _options;
        bool done = (progress.StepsDoneInEpoch == 0 && progress.Epoch > o.Epochs) || StoppedEarly(progress, o) || progress.GlobalStep >= (o.MaxSteps ?? int.MaxValue);
        string summaryPath = Path.Combine(_outputDirectory, SummaryFile);
        if (!done || !File.Exists(summaryPath)) return null;
        var summary = TrainingSummary.Read(summaryPath);
        AlreadyFinished = true;
        _observer.Message($"{_outputDirectory}: the run is finished ({summary.Epochs} epoch(s){(summary.StoppedEarly ? ", stopped early" : "")}, " +
                          $"best epoch {summary.BestEpoch}); nothing to resume — its model is in {summary.ModelDirectory}");
        return summary;
    }

    /// <summary>The early-stopping policy ended the run at the checkpoint's epoch end.</summary>
    static bool StoppedEarly(TrainingProgress progress, TrainingOptions options) =>
        progress.StepsDoneInEpoch == 0 && progress.History.Count > 0 && progress.EpochsWithoutImprovement >= options.Patience;

    /// <summary>True after <see cref="Run"/> when the resumed run had already finished: nothing was trained or written.</summary>
    public bool AlreadyFinished { get; private set; }

    string? _dataSha256;

    void SaveCheckpoint(RunState run, nn.Module model, OptimizerSetup optimizer, EvaluationAccumulator? trainScores, WeightAverage? average) =>
        TrainingCheckpoint.Save(_outputDirectory,
            new TrainingCheckpoint.State(_dataPath, _loadOptions, _options, run.Progress with { ElapsedSeconds = run.ElapsedSeconds }, _dataSha256),
            model, optimizer.Optimizer, trainScores, average == null ? null : folder => average.Save(Path.Combine(folder, WeightAverage.FileName)));

    /// <summary>When the next mid-epoch checkpoint is due: every N steps, or once the interval has passed since the
    /// last one.</summary>
    sealed class CheckpointClock(TrainingOptions options)
    {
        readonly Stopwatch _sinceLast = Stopwatch.StartNew();
        int _lastStep;

        public bool Now(int globalStep)
        {
            bool due = options.CheckpointEverySteps is int every ? globalStep - _lastStep >= every
                     : options.CheckpointInterval is { } interval && _sinceLast.Elapsed >= interval;
            if (due) Reset(globalStep);
            return due;
        }

        public void Reset(int globalStep)
        {
            _lastStep = globalStep;
            _sinceLast.Restart();
        }
    }

    /// <summary>The mutable part of a run: progress and the clock (which continues the interrupted run's time).</summary>
    sealed class RunState(TrainingProgress progress, Stopwatch clock)
    {
        readonly double _before = progress.ElapsedSeconds;
        readonly int _startStep = progress.GlobalStep;
        public TrainingProgress Progress { get; set; } = progress;
        public double ElapsedSeconds => _before + clock.Elapsed.TotalSeconds;

        public TrainingStep Describe(MultiLabelModule.StepResult step, int epoch, int stepInEpoch, int examples, int totalSteps)
        {
            int doneHere = Progress.GlobalStep - _startStep;
            double secondsPerStep = clock.Elapsed.TotalSeconds / Math.Max(1, doneHere);
            return new TrainingStep(epoch, stepInEpoch, Progress.GlobalStep, step.Loss, step.LearningRate, examples, step.PaddedLength,
                doneHere * (double)examples / Math.Max(1e-9, clock.Elapsed.TotalSeconds), TimeSpan.FromSeconds(ElapsedSeconds),
                TimeSpan.FromSeconds(secondsPerStep * (totalSteps - Progress.GlobalStep)));
        }
    }
}
