using System.Text.Json;
using System.Text.Json.Serialization;

namespace TextTagger.Evaluation;

/// <summary>
/// Everything the evaluation stage reports for a scored data set: threshold-free ranking metrics per label, and
/// thresholded metrics at 0.5 and (when given) at tuned per-label thresholds. Built by
/// <see cref="MultiLabelMetrics.Compute(LabelledScores, IReadOnlyList{double}?)"/>; written by
/// <see cref="EvaluationReportJson"/> (metrics.json) and <see cref="EvaluationReportMarkdown"/> (report.md).
/// </summary>
/// <param name="MeanRocAuc">Mean ROC AUC over the labels where it is defined; null when it is defined for none.</param>
public sealed record EvaluationReport(
    IReadOnlyList<string> LabelNames,
    int RowCount,
    IReadOnlyList<LabelRanking> Ranking,
    double? MeanRocAuc,
    ThresholdedEvaluation AtDefaultThreshold,
    ThresholdedEvaluation? AtTunedThresholds)
{
    /// <summary>Where the thresholds of <see cref="AtTunedThresholds"/> came from; null when not said (e.g. a
    /// report computed directly by <see cref="MultiLabelMetrics"/> from thresholds tuned elsewhere).</summary>
    public TunedThresholdsSource? TunedThresholdsSource { get; init; }

    /// <summary>Brier score, expected calibration error and reliability bins per label; null when the scores are not
    /// probabilities (outside [0, 1]) or the report predates them.</summary>
    public IReadOnlyList<LabelCalibrationMetrics>? Calibration { get; init; }

    /// <summary>The mean of the labels' expected calibration errors; null without <see cref="Calibration"/>.</summary>
    public double? MeanExpectedCalibrationError => Calibration is { } c ? CalibrationMetrics.MeanExpectedCalibrationError(c) : null;
}

/// <summary>Where the "tuned" thresholds of an <see cref="EvaluationReport"/> came from. Written in JSON as
/// snake_case strings: "model", "given", "tuned_on_this_data".</summary>
[JsonConverter(typeof(TunedThresholdsSourceJsonConverter))]
public enum TunedThresholdsSource
{
    /// <summary>The per-label thresholds stored with the model (thresholds.json, tuned on its validation split).</summary>
    Model,
    /// <summary>One threshold for every label, given by the user.</summary>
    Given,
    /// <summary>Tuned for the best F1 per label on the evaluated data itself (<see cref="F1ThresholdTuner"/>): an
    /// optimistic upper bound, not an estimate of performance on new data.</summary>
    TunedOnThisData,
}

sealed class TunedThresholdsSourceJsonConverter() : JsonStringEnumConverter<TunedThresholdsSource>(JsonNamingPolicy.SnakeCaseLower);

/// <summary>Threshold-free metrics of one label.</summary>
/// <param name="RocAuc">sklearn's <c>roc_auc_score</c>; null when the label has a single class in the data.</param>
/// <param name="AveragePrecision">sklearn's <c>average_precision_score</c> (PR AUC); 0 when the label has no positive.</param>
/// <param name="RocCurve">sklearn's <c>roc_curve</c> points; null when the label has a single class (or when left
/// out of a JSON file).</param>
public sealed record LabelRanking(
    string Label,
    int Positives,
    int Negatives,
    double? RocAuc,
    double AveragePrecision,
    RocCurve? RocCurve);

/// <summary>Metrics of the 0/1 predictions made with one threshold per label.</summary>
/// <param name="CellAccuracy">Share of correct row × label cells (1 − sklearn's <c>hamming_loss</c>).</param>
/// <param name="ExactMatchAccuracy">Share of rows whose every label is right (sklearn's <c>accuracy_score</c>
/// on multi-label data, "subset accuracy").</param>
public sealed record ThresholdedEvaluation(
    IReadOnlyList<double> Thresholds,
    double CellAccuracy,
    double ExactMatchAccuracy,
    ClassificationReport Report,
    IReadOnlyList<LabelConfusionMatrix> ConfusionMatrices);
