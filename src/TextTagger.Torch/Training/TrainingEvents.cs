namespace TextTagger.Training;

/// <summary>The shape of a run, known before the first step.</summary>
public sealed record TrainingPlan(
    int TrainRows, int ValidationRows, IReadOnlyList<string> Labels, int Epochs, int StepsPerEpoch, int TotalSteps,
    int WarmupSteps, string ModelSource, long ParameterCount, int Threads, string Precision, int StartEpoch, int StartStep);

/// <summary>One optimizer step done.</summary>
public sealed record TrainingStep(
    int Epoch, int StepInEpoch, int GlobalStep, double Loss, double LearningRate, int Examples, int PaddedLength,
    double ExamplesPerSecond, TimeSpan Elapsed, TimeSpan Remaining);

/// <summary>Validation loss and per-label ROC AUC (null where a label has a single class in the split).</summary>
public sealed record ValidationMetrics(int Epoch, int GlobalStep, double Loss, IReadOnlyList<double?> RocAuc, double? MeanRocAuc, TimeSpan Duration);

/// <summary>An epoch done: its mean training loss, the training split's per-label AUROC, validation, and whether
/// this became the best model so far.</summary>
public sealed record EpochSummary(
    int Epoch, double TrainLoss, IReadOnlyList<double?> TrainRocAuc, double? TrainMeanRocAuc, ValidationMetrics Validation,
    bool IsBest, TimeSpan Duration, double ExamplesPerSecond, long RssBytes);

/// <summary>Receives progress from the <see cref="Trainer"/>: console displays, TensorBoard, tests.</summary>
public interface ITrainingObserver
{
    void RunStarted(TrainingPlan plan) { }
    void StepCompleted(TrainingStep step) { }
    void ValidationCompleted(ValidationMetrics validation) { }
    void EpochCompleted(EpochSummary epoch) { }
    void Message(string text) { }
}

/// <summary>Sends every event to several observers.</summary>
public sealed class TrainingObservers(params ITrainingObserver[] observers) : ITrainingObserver
{
    public void RunStarted(TrainingPlan plan) { foreach (var o in observers) o.RunStarted(plan); }
    public void StepCompleted(TrainingStep step) { foreach (var o in observers) o.StepCompleted(step); }
    public void ValidationCompleted(ValidationMetrics validation) { foreach (var o in observers) o.ValidationCompleted(validation); }
    public void EpochCompleted(EpochSummary epoch) { foreach (var o in observers) o.EpochCompleted(epoch); }
    public void Message(string text) { foreach (var o in observers) o.Message(text); }
}

/// <summary>A run's progress as .NET reports it: each step to an <see cref="IProgress{T}"/>, messages and epochs to an
/// <see cref="Microsoft.Extensions.Logging.ILogger"/>. Pass it (or several, through <see cref="TrainingObservers"/>) to the trainer.</summary>
public sealed class TrainingReporter(IProgress<TrainingStep>? steps = null, Microsoft.Extensions.Logging.ILogger? logger = null) : ITrainingObserver
{
    public void RunStarted(TrainingPlan plan) => Log("training {Rows} rows for {Epochs} epochs ({Steps} steps) on {Model}",
                                                     plan.TrainRows, plan.Epochs, plan.TotalSteps, plan.ModelSource);
    public void StepCompleted(TrainingStep step) => steps?.Report(step);
    public void EpochCompleted(EpochSummary epoch) =>
        Log("epoch {Epoch}: train loss {TrainLoss:F4}, validation loss {ValidationLoss:F4}, mean ROC AUC {MeanRocAuc:F4}{Best}",
            epoch.Epoch, epoch.TrainLoss, epoch.Validation.Loss, epoch.Validation.MeanRocAuc, epoch.IsBest ? " (best so far)" : "");
    public void Message(string text) => Log("{Message}", text);

    void Log(string template, params object?[] values)
    {
        if (logger != null) Microsoft.Extensions.Logging.LoggerExtensions.LogInformation(logger, template, values);
    }
}
