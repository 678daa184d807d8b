using System.Globalization;
using System.Text;

namespace TextTagger.Evaluation;

/// <summary>
/// report.md: an <see cref="EvaluationReport"/> as Markdown — per-label ROC AUC / average precision, the
/// classification report (sklearn's text layout) at 0.5 and at the tuned thresholds, and confusion matrices.
/// </summary>
public static class EvaluationReportMarkdown
{
    /// <param name="digits">Decimals for every metric, as sklearn's <c>digits</c> (the report text uses it too).</param>
    public static string Render(EvaluationReport report, int digits = 4, string title = "Evaluation")
    {
        var md = new StringBuilder();
        md.Append("# ").Append(title).Append("\n\n");
        md.Append(CultureInfo.InvariantCulture,
            $"{report.RowCount} rows, {report.LabelNames.Count} labels: {string.Join(", ", report.LabelNames)}.\n\n");

        md.Append("## Ranking metrics (threshold-free)\n\n");
        md.Append("| label | positives | negatives | ROC AUC | average precision |\n");
        md.Append("|---|---:|---:|---:|---:|\n");
        foreach (var r in report.Ranking)
            md.Append(CultureInfo.InvariantCulture,
                $"| {r.Label} | {r.Positives} | {r.Negatives} | {Auc(r.RocAuc, digits)} | {Number(r.AveragePrecision, digits)} |\n");
        md.Append("\nMean ROC AUC over labels where it is defined: ").Append(Auc(report.MeanRocAuc, digits))
          .Append(". ROC AUC is undefined (n/a) for a label with a single class in the data.\n\n");
        if (report.Calibration is { } calibration)
        {
            md.Append("## Calibration\n\n| label | Brier score | expected calibration error |\n|---|---:|---:|\n");
            foreach (var c in calibration)
                md.Append(CultureInfo.InvariantCulture, $"| {c.Label} | {Number(c.Brier, digits)} | {Number(c.ExpectedCalibrationError, digits)} |\n");
            md.Append("\nMean expected calibration error: ").Append(Number(report.MeanExpectedCalibrationError!.Value, digits))
              .Append(CultureInfo.InvariantCulture, $" ({CalibrationMetrics.BinCount} uniform bins; 0: every bin's mean probability equals its share of positives).\n\n");
        }

        AppendThresholded(md, "At threshold 0.5", report.AtDefaultThreshold, digits, showThresholds: false);
        if (report.AtTunedThresholds is { } tuned)
        {
            var (heading, note) = TunedHeading(report.TunedThresholdsSource);
            AppendThresholded(md, heading, tuned, digits, showThresholds: true, note);
        }
        return md.ToString();
    }

    /// <summary>The heading (and a caveat) of the tuned section, by where its thresholds came from.</summary>
    public static (string Heading, string? Note) TunedHeading(TunedThresholdsSource? source) => source switch
    {
        TunedThresholdsSource.Model => ("At the model's tuned thresholds",
            "Per-label thresholds stored with the model (thresholds.json)."),
        TunedThresholdsSource.Given => ("At the given threshold", "One threshold for every label, given by the user."),
        TunedThresholdsSource.TunedOnThisData => ("At thresholds tuned on this data (optimistic)",
            "The model has no tuned thresholds (or all are 0.5), so these are the thresholds that maximise each " +
            "label's F1 on this same data. Numbers tuned and measured on the same rows are optimistic: treat them " +
            "as an upper bound, not as what to expect on new data."),
        _ => ("At tuned thresholds", null),
    };

    private static void AppendThresholded(StringBuilder md, string heading, ThresholdedEvaluation evaluation,
        int digits, bool showThresholds, string? note = null)
    {
        md.Append("## ").Append(heading).Append("\n\n");
        if (note != null) md.Append(note).Append("\n\n");
        if (showThresholds)
        {
            md.Append("| label | threshold |\n|---|---:|\n");
            for (int j = 0; j < evaluation.Report.Labels.Count; j++)
                md.Append("| ").Append(evaluation.Report.Labels[j].Name).Append(" | ")
                  .Append(evaluation.Thresholds[j].ToString("R", CultureInfo.InvariantCulture)).Append(" |\n");
            md.Append('\n');
        }
        md.Append("- Accuracy over all row × label cells: ").Append(Number(evaluation.CellAccuracy, digits)).Append('\n');
        md.Append("- Exact-match (subset) accuracy: ").Append(Number(evaluation.ExactMatchAccuracy, digits)).Append("\n\n");

        md.Append("```text\n").Append(ClassificationReportText.Render(evaluation.Report, digits)).Append("```\n\n");

        md.Append("Confusion matrices ([[TN, FP], [FN, TP]]):\n\n");
        md.Append("| label | TN | FP | FN | TP |\n|---|---:|---:|---:|---:|\n");
        foreach (var c in evaluation.ConfusionMatrices)
            md.Append(CultureInfo.InvariantCulture,
                $"| {c.Label} | {c.TrueNegatives} | {c.FalsePositives} | {c.FalseNegatives} | {c.TruePositives} |\n");
        md.Append('\n');
    }

    private static string Number(double value, int digits) => PythonFixedFormat.Format(value, digits);

    private static string Auc(double? value, int digits) => value is { } v ? Number(v, digits) : "n/a";
}
