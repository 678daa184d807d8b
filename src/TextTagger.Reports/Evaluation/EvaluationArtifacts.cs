namespace TextTagger.Evaluation;

/// <summary>
/// What an evaluation leaves on disk, written by one call that `evaluate`, `train` and C# users share: metrics.json
/// (the report, snake_case), report.md (the same as Markdown, charts linked) and the PNG charts, all in one folder
/// written atomically.
/// </summary>
public static class EvaluationArtifacts
{
    public const string MetricsFile = "metrics.json";
    public const string ReportFile = "report.md";

    public static void Write(EvaluationReport report, string folder, string title) =>
        AtomicDirectory.Write(folder, temp =>
        {
            EvaluationReportJson.Write(Path.Combine(temp, MetricsFile), report);
            File.WriteAllText(Path.Combine(temp, ReportFile), EvaluationReportMarkdown.Render(report, 4, title) +
                "## Charts\n\n" +
                $"![ROC curves]({EvaluationCharts.RocCurvesFile})\n\n" +
                $"![Confusion matrices]({EvaluationCharts.ConfusionMatricesFile})\n\n" +
                $"![F1 per label]({EvaluationCharts.F1ByLabelFile})\n" +
                (report.Calibration != null ? $"\n![Reliability diagram]({ReliabilityChart.FileName})\n" : ""));
            EvaluationCharts.Write(report, temp);
        });
}
