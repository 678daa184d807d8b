using System.Text.Json;
using TextTagger.Evaluation;
using static TextTagger.Tests.Evaluation.SklearnFixture;

namespace TextTagger.Tests.Evaluation;

/// <summary>Classification report, confusion matrices and accuracies at 0.5 and at the tuned thresholds.</summary>
public class ThresholdedMetricsMatchSklearnTests
{
    public static TheoryData<string, string> CasesAndSettings()
    {
        var data = new TheoryData<string, string>();
        foreach (var c in SklearnFixture.Cases)
        {
            data.Add(c.GetProperty("name").GetString()!, "at_default");
            data.Add(c.GetProperty("name").GetString()!, "at_tuned");
        }
        return data;
    }

    private static (ThresholdedEvaluation Actual, JsonElement Expected, string[] Names) Evaluate(string caseName, string setting)
    {
        var c = Case(caseName);
        var expected = c.GetProperty(setting);
        var thresholds = Doubles(expected.GetProperty("thresholds"));
        return (MultiLabelMetrics.AtThresholds(LabelledScoresOf(c), thresholds), expected, LabelNames(c));
    }

    [Theory]
    [MemberData(nameof(CasesAndSettings))]
    public void Predictions_equal_the_fixture_score_at_or_above_threshold(string caseName, string setting)
    {
        var c = Case(caseName);
        var expected = c.GetProperty(setting);
        var predicted = LabelThresholds.Apply(Scores(c), Doubles(expected.GetProperty("thresholds")));
        Assert.Equal(Matrix(expected.GetProperty("predictions"), e => e.GetInt32()), predicted);
    }

    [Theory]
    [MemberData(nameof(CasesAndSettings))]
    public void Classification_report_equals_sklearn_output_dict_field_by_field(string caseName, string setting)
    {
        var (actual, expected, names) = Evaluate(caseName, setting);
        var dict = expected.GetProperty("report");
        var rows = actual.Report.Labels.Concat(actual.Report.Averages()).ToArray();
        Assert.Equal(names.Concat(["micro avg", "macro avg", "weighted avg", "samples avg"]), rows.Select(r => r.Name));
        Assert.Equal(rows.Length, dict.EnumerateObject().Count());
        foreach (var row in rows)
        {
            var sk = dict.GetProperty(row.Name);
            string where = $"{caseName}/{setting}/{row.Name}";
            AssertClose(sk.GetProperty("precision").GetDouble(), row.Precision, where + " precision");
            AssertClose(sk.GetProperty("recall").GetDouble(), row.Recall, where + " recall");
            AssertClose(sk.GetProperty("f1-score").GetDouble(), row.F1, where + " f1-score");
            Assert.Equal(sk.GetProperty("support").GetInt32(), row.Support);
        }
    }

    [Theory]
    [MemberData(nameof(CasesAndSettings))]
    public void Confusion_matrices_equal_sklearn_multilabel_confusion_matrix(string caseName, string setting)
    {
        var (actual, expected, names) = Evaluate(caseName, setting);
        var sk = expected.GetProperty("confusion_matrices");
        Assert.Equal(sk.GetArrayLength(), actual.ConfusionMatrices.Count);
        for (int j = 0; j < names.Length; j++)
        {
            Assert.Equal(names[j], actual.ConfusionMatrices[j].Label);
            var expectedMatrix = sk[j].EnumerateArray().Select(r => r.EnumerateArray().Select(e => e.GetInt32()).ToArray()).ToArray();
            Assert.Equal(expectedMatrix, actual.ConfusionMatrices[j].ToSklearnLayout());
        }
    }

    [Theory]
    [MemberData(nameof(CasesAndSettings))]
    public void Cell_and_exact_match_accuracy_equal_sklearn(string caseName, string setting)
    {
        var (actual, expected, _) = Evaluate(caseName, setting);
        AssertClose(expected.GetProperty("cell_accuracy").GetDouble(), actual.CellAccuracy, "cell_accuracy");
        AssertClose(expected.GetProperty("exact_match_accuracy").GetDouble(), actual.ExactMatchAccuracy, "exact_match");
    }

    [Theory]
    [MemberData(nameof(CasesAndSettings))]
    public void Report_text_equals_sklearn_printed_classification_report_with_digits_2_and_4(string caseName, string setting)
    {
        var (actual, expected, _) = Evaluate(caseName, setting);
        Assert.Equal(expected.GetProperty("report_text_digits2").GetString(), ClassificationReportText.Render(actual.Report));
        Assert.Equal(expected.GetProperty("report_text_digits4").GetString(), ClassificationReportText.Render(actual.Report, 4));
    }

    [Fact]
    public void Degenerate_case_exercises_zero_division_in_every_place_it_can_occur()
    {
        var (actual, _, _) = Evaluate("degenerate_labels", "at_default");
        var threat = actual.Report.Labels[0];       // no true positives, nothing predicted
        var never = actual.Report.Labels[2];        // positives exist, nothing predicted
        Assert.Equal((0, 0.0, 0.0, 0.0), (threat.Support, threat.Precision, threat.Recall, threat.F1));
        Assert.Equal(0, actual.ConfusionMatrices[2].TruePositives + actual.ConfusionMatrices[2].FalsePositives);
        Assert.Equal((3, 0.0, 0.0), (never.Support, never.Precision, never.Recall));
    }

    [Fact]
    public void Weighted_average_is_zero_when_no_label_has_a_positive()
    {
        var truth = LabelColumns.FromColumns(new[] { new[] { false, false }, new[] { false, false } });
        var predicted = LabelColumns.FromColumns(new[] { new[] { true, false }, new[] { false, false } });
        var report = ClassificationReport.Compute(["a", "b"], truth, predicted);
        Assert.Equal((0.0, 0.0, 0.0, 0),
            (report.WeightedAverage.Precision, report.WeightedAverage.Recall, report.WeightedAverage.F1, report.WeightedAverage.Support));
    }
}
