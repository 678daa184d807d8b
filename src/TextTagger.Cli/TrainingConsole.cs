using Spectre.Console;
using TextTagger.Training;

namespace TextTagger.Cli;

/// <summary>
/// Training progress for people. On a terminal: a live progress bar (loss, lr, examples/s, ETA). Redirected: a plain
/// line every N steps and one summary line per epoch (Spectre's bars print almost nothing when redirected).
/// </summary>
sealed class TrainingConsole(IAnsiConsole console, TextWriter output, bool live, int logEverySteps) : ITrainingObserver
{
    ProgressTask? _task;
    TrainingPlan? _plan;

    /// <summary>Runs <paramref name="work"/> inside a live progress display when the console is a terminal.</summary>
    public T Run<T>(Func<T> work)
    {
        if (!live) return work();
        T result = default!;
        console.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .Start(context =>
            {
                _task = context.AddTask("training", autoStart: false);
                result = work();
            });
        return result;
    }

    public void RunStarted(TrainingPlan plan)
    {
        _plan = plan;
        output.WriteLine($"model {plan.ModelSource}: {plan.ParameterCount / 1e6:N1} M parameters; {plan.TrainRows:N0} training rows, " +
                         $"{plan.ValidationRows:N0} validation rows; {plan.Epochs} epoch(s) × {plan.StepsPerEpoch:N0} steps " +
                         $"(warm-up {plan.WarmupSteps:N0}); {plan.Threads} thread(s), {plan.Precision}" +
                         (plan.StartStep > 0 ? $"; resuming at step {plan.StartStep:N0}" : ""));
        if (_task != null)
        {
            _task.MaxValue = plan.TotalSteps;
            _task.Value = plan.StartStep;
            _task.StartTask();
        }
    }

    public void StepCompleted(TrainingStep step)
    {
        if (_task != null)
        {
            _task.Value = step.GlobalStep;
            _task.Description = $"epoch {step.Epoch} · loss {step.Loss:F4} · lr {step.LearningRate:E2} · {step.ExamplesPerSecond:F1} ex/s";
            return;
        }
        if (step.GlobalStep % logEverySteps == 0 || step.GlobalStep == 1)
            output.WriteLine($"epoch {step.Epoch} step {step.GlobalStep:N0}/{_plan?.TotalSteps:N0}  loss {step.Loss:F4}  lr {step.LearningRate:E2}  " +
                             $"{step.ExamplesPerSecond:F1} ex/s  len {step.PaddedLength}  elapsed {Format(step.Elapsed)}  eta {Format(step.Remaining)}");
    }

    public void ValidationCompleted(ValidationMetrics v) =>
        output.WriteLine($"validation at step {v.GlobalStep:N0}: loss {v.Loss:F4}, mean AUROC {CliFormat.Auc(v.MeanRocAuc)} ({Format(v.Duration)})");

    public void EpochCompleted(EpochSummary e)
    {
        string labels = _plan == null ? "" :
            string.Join(", ", _plan.Labels.Select((label, i) => $"{label} {CliFormat.Auc(e.Validation.RocAuc[i])}"));
        output.WriteLine($"epoch {e.Epoch}: train loss {e.TrainLoss:F4}, train AUROC {CliFormat.Auc(e.TrainMeanRocAuc)}, validation loss {e.Validation.Loss:F4}, " +
                         $"validation AUROC {CliFormat.Auc(e.Validation.MeanRocAuc)}{(e.IsBest ? " (best)" : "")}; {Format(e.Duration)}, " +
                         $"{e.ExamplesPerSecond:F1} ex/s, RSS {ProcessMemory.Megabytes(e.RssBytes)}");
        if (labels.Length > 0) output.WriteLine($"  validation AUROC per label: {labels}");
    }

    public void Message(string text) => output.WriteLine(text);

    static string Format(TimeSpan time) => time.TotalHours >= 1 ? time.ToString(@"h\:mm\:ss") : time.ToString(@"m\:ss");
}
