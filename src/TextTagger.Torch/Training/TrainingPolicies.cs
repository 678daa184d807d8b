using TextTagger.Calibration;
using TextTagger.Evaluation;
using TextTagger.Modeling.Pretrained;

namespace TextTagger.Training;

/// <summary>
/// Keeps the best model (Lightning's ModelCheckpoint): an epoch whose validation beats the best so far, by loss or
/// mean AUROC (<see cref="TrainingOptions.SelectBy"/>), is saved to model/ with per-label thresholds tuned for F1 on
/// the validation scores
/// by <see cref="TrainingOptions.ThresholdPolicy"/>, and calibrated there when <see cref="TrainingOptions.Calibration"/> asks.
/// </summary>
internal sealed class BestModelPolicy(TrainingOptions options, string modelDirectory)
{
    public bool Improves(ValidationMetrics validation, TrainingProgress progress)
    {
        var best = progress.History.FirstOrDefault(e => e.Epoch == progress.BestEpoch);
        if (best == null) return true;
        return options.SelectBy == SelectionMetric.Auroc
            ? (validation.MeanRocAuc ?? double.NegativeInfinity) > (best.ValidationMeanRocAuc ?? double.NegativeInfinity)
            : validation.Loss < best.ValidationLoss;
    }

    public void Save(PretrainedModel pretrained, LabelledScores validationScores, ITrainingObserver observer)
    {
        var tuning = ModelTuning.Fit(validationScores, options.Tuning, observer.Message);
        pretrained.Save(modelDirectory, tuning, options.MaxTokens);
        observer.Message($"saved best model to {modelDirectory}");
    }
}

/// <summary>Stops the run after <see cref="TrainingOptions.Patience"/> epochs without a better validation number
/// (Lightning's EarlyStopping), never after the last epoch.</summary>
internal sealed class EarlyStoppingPolicy(TrainingOptions options)
{
    public bool ShouldStop(TrainingProgress progress, int epoch, ITrainingObserver observer)
    {
        if (progress.EpochsWithoutImprovement < options.Patience || epoch >= options.Epochs) return false;
        observer.Message($"early stopping: no better validation {options.SelectionMetricName} for {options.Patience} epoch(s)");
        return true;
    }
}
