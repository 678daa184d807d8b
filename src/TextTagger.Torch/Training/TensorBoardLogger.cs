using TorchSharp.Modules;
using static TorchSharp.torch.utils.tensorboard;

namespace TextTagger.Training;

/// <summary>
/// TensorBoard event files (as the seed logs them): train loss and learning rate per step; validation loss and
/// per-label AUROC at each validation; train per-label AUROC per epoch. `tensorboard --logdir DIR` shows them.
/// </summary>
public sealed class TensorBoardLogger(string directory) : ITrainingObserver
{
    readonly SummaryWriter _writer = SummaryWriter(directory);
    IReadOnlyList<string> _labels = [];

    public string Directory { get; } = directory;

    public void RunStarted(TrainingPlan plan) => _labels = plan.Labels;

    public void StepCompleted(TrainingStep step)
    {
        _writer.add_scalar("train/loss", (float)step.Loss, step.GlobalStep);
        _writer.add_scalar("train/learning_rate", (float)step.LearningRate, step.GlobalStep);
        _writer.add_scalar("train/examples_per_second", (float)step.ExamplesPerSecond, step.GlobalStep);
    }

    public void ValidationCompleted(ValidationMetrics validation)
    {
        _writer.add_scalar("validation/loss", (float)validation.Loss, validation.GlobalStep);
        WriteAuc("validation", validation.RocAuc, validation.MeanRocAuc, validation.GlobalStep);
    }

    public void EpochCompleted(EpochSummary epoch)
    {
        _writer.add_scalar("epoch/train_loss", (float)epoch.TrainLoss, epoch.Epoch);
        _writer.add_scalar("epoch/validation_loss", (float)epoch.Validation.Loss, epoch.Epoch);
        WriteAuc("train_epoch", epoch.TrainRocAuc, epoch.TrainMeanRocAuc, epoch.Epoch);
        WriteAuc("validation_epoch", epoch.Validation.RocAuc, epoch.Validation.MeanRocAuc, epoch.Epoch);
    }

    void WriteAuc(string prefix, IReadOnlyList<double?> auc, double? mean, int step)
    {
        for (int l = 0; l < auc.Count && l < _labels.Count; l++)
            if (auc[l] is double value) _writer.add_scalar($"{prefix}/auroc_{_labels[l]}", (float)value, step);
        if (mean is double m) _writer.add_scalar($"{prefix}/auroc_mean", (float)m, step);
    }
}
