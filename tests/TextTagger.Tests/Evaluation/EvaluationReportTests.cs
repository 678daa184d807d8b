using TextTagger.Evaluation;
using static TextTagger.Tests.Evaluation.SklearnFixture;

namespace TextTagger.Tests.Evaluation;

public class EvaluationReportTests
{
    private static EvaluationReport ComputeCase(string name)
    {
        var c = Case(name);
        var tuned = c.GetProperty("labels").EnumerateArray().Select(l => l.GetProperty("tuned_threshold").GetDouble()).ToArray();
        return MultiLabelMetrics.Compute(Scores(c), Truth(c), LabelNames(c), tuned);
    }

    [Fact]
    public void Compute_bundles_ranking_and_both_thresholded_evaluations_matching_the_fixture()
    {
        var c = Case("random_200x6");
        var report = ComputeCase("random_200x6");
        Assert.Equal(200, report.RowCount);
        Assert.Equal(LabelNames(c), report.LabelNames);
        for (int j = 0; j < 6; j++)
        {
            var expected = SklearnFixture.Label(c, j);
            AssertClose(expected.GetProperty("roc_auc").GetDouble(), report.Ranking[j].RocAuc!.Value, $"auc {j}");
            AssertClose(expected.GetProperty("average_precision").GetDouble(), report.Ranking[j].AveragePrecision, $"ap {j}");
            int positives = c.GetProperty("truth").EnumerateArray().Count(row => row[j].GetInt32() == 1);
            Assert.Equal(positives, report.Ranking[j].Positives);
            Assert.Equal(200, report.Ranking[j].Positives + report.Ranking[j].Negatives);
        }
        AssertClose(report.Ranking.Average(r => r.RocAuc!.Value), report.MeanRocAuc!.Value, "mean auc");
        Assert.All(report.AtDefaultThreshold.Thresholds, t => Assert.Equal(0.5, t));
        Assert.Equal(c.GetProperty("at_tuned").GetProperty("report_text_digits4").GetString(),
            ClassificationReportText.Render(report.AtTunedThresholds!.Report, 4));
        Assert.Equal(c.GetProperty("at_default").GetProperty("report_text_digits2").GetString(),
            ClassificationReportText.Render(report.AtDefaultThreshold.Report));
    }

    [Fact]
    public void Without_tuned_thresholds_the_tuned_section_is_absent_and_mean_auc_skips_undefined_labels()
    {
        var c = Case("degenerate_labels");
        var report = MultiLabelMetrics.Compute(Scores(c), Truth(c), LabelNames(c));
        Assert.Null(report.AtTunedThresholds);
        Assert.Null(report.Ranking[0].RocAuc);
        Assert.Null(report.Ranking[1].RocAuc);
        Assert.Null(report.Ranking[0].RocCurve);
        AssertClose((report.Ranking[2].RocAuc!.Value + report.Ranking[3].RocAuc!.Value) / 2, report.MeanRocAuc!.Value, "mean");
    }

    [Fact]
    public void Json_round_trip_keeps_every_number_and_writes_null_not_nan_for_undefined_auc()
    {
        var report = ComputeCase("degenerate_labels");
        string json = EvaluationReportJson.Serialize(report, includeRocCurves: true);
        Assert.DoesNotContain("NaN", json);
        Assert.Contains("\"roc_auc\": null", json);
        Assert.Contains("\"at_default_threshold\"", json);
        Assert.Contains("\"false_positive_rates\"", json);
        Assert.DoesNotContain("\"count\"", json);
        var back = EvaluationReportJson.Deserialize(json);
        Assert.Equal(json, EvaluationReportJson.Serialize(back, includeRocCurves: true));
        Assert.Equal(report.AtTunedThresholds!.Report.SamplesAverage, back.AtTunedThresholds!.Report.SamplesAverage);
        Assert.Equal(report.Ranking[3].RocCurve!.Thresholds, back.Ranking[3].RocCurve!.Thresholds);
    }

    [Fact]
    public void Json_leaves_roc_curves_out_by_default()
    {
        var report = ComputeCase("random_200x6");
        var back = EvaluationReportJson.Deserialize(EvaluationReportJson.Serialize(report));
        Assert.All(back.Ranking, r => Assert.Null(r.RocCurve));
        Assert.All(back.Ranking, r => Assert.NotNull(r.RocAuc));
        Assert.NotNull(report.Ranking[0].RocCurve); // the in-memory report keeps them
    }

    [Fact]
    public void Json_file_write_and_read_round_trip()
    {
        var report = ComputeCase("tied_scores");
        string path = Path.Combine(Path.GetTempPath(), "texttagger-tests", Guid.NewGuid().ToString("N"), "metrics.json");
        try
        {
            EvaluationReportJson.Write(path, report);
            var back = EvaluationReportJson.Read(path);
            Assert.Equal(report.AtDefaultThreshold.ConfusionMatrices, back.AtDefaultThreshold.ConfusionMatrices);
            Assert.Equal(report.Ranking.Select(r => r.AveragePrecision), back.Ranking.Select(r => r.AveragePrecision));
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(path)!, recursive: true);
        }
    }

    [Fact]
    public void Reading_a_file_that_is_not_metrics_json_is_a_user_error()
    {
        string path = Path.Combine(Path.GetTempPath(), $"texttagger-not-metrics-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, "{ not json");
        try
        {
            Assert.Throws<TextTaggerException>(() => EvaluationReportJson.Read(path));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Markdown_has_ranking_table_report_blocks_and_confusion_tables()
    {
        var c = Case("degenerate_labels");
        var report = ComputeCase("degenerate_labels");
        string md = EvaluationReportMarkdown.Render(report);
        Assert.StartsWith("# Evaluation\n\n10 rows, 4 labels: threat, always, never_predicted, normal.", md);
        Assert.Contains("| threat | 0 | 10 | n/a | 0.0000 |\n", md);
        Assert.Contains($"| normal | 3 | 7 | {PythonFixedFormat.Format(report.Ranking[3].RocAuc!.Value, 4)} |", md);
        Assert.Contains("```text\n" + c.GetProperty("at_default").GetProperty("report_text_digits4").GetString() + "```", md);
        Assert.Contains("```text\n" + c.GetProperty("at_tuned").GetProperty("report_text_digits4").GetString() + "```", md);
        var m = report.AtDefaultThreshold.ConfusionMatrices[3];
        Assert.Contains($"| normal | {m.TrueNegatives} | {m.FalsePositives} | {m.FalseNegatives} | {m.TruePositives} |", md);
        Assert.Contains("| always | 0.255 |", md); // tuned threshold table
        Assert.True(md.IndexOf("## At threshold 0.5", StringComparison.Ordinal)
                    < md.IndexOf("## At tuned thresholds", StringComparison.Ordinal));
    }
}
