using TextTagger.Evaluation;
using static TextTagger.Tests.Evaluation.SklearnFixture;

namespace TextTagger.Tests.Evaluation;

public class RankingMetricsMatchSklearnTests
{
    public static TheoryData<string, int> CaseLabels => SklearnFixture.CaseLabels();

    private static (double[] Scores, bool[] Truth, System.Text.Json.JsonElement Expected) Column(string caseName, int label)
    {
        var c = Case(caseName);
        var data = LabelledScoresOf(c);
        return (data.Scores(label).ToArray(), data.Truth.Column(label).ToArray(), SklearnFixture.Label(c, label));
    }

    [Theory]
    [MemberData(nameof(CaseLabels))]
    public void Roc_auc_equals_sklearn_roc_auc_score_or_is_null_for_a_single_class_label(string caseName, int label)
    {
        var (scores, truth, expected) = Column(caseName, label);
        double? actual = RankingMetrics.RocAuc(scores, truth);
        var sklearn = expected.GetProperty("roc_auc");
        if (sklearn.ValueKind == System.Text.Json.JsonValueKind.Null)
        {
            Assert.Null(actual);
            Assert.True(truth.All(t => t) || truth.All(t => !t), "sklearn raised although both classes are present");
        }
        else
        {
            Assert.NotNull(actual);
            AssertClose(sklearn.GetDouble(), actual.Value, $"{caseName}/{label} roc_auc");
        }
    }

    [Theory]
    [MemberData(nameof(CaseLabels))]
    public void Average_precision_equals_sklearn_average_precision_score(string caseName, int label)
    {
        var (scores, truth, expected) = Column(caseName, label);
        AssertClose(expected.GetProperty("average_precision").GetDouble(), RankingMetrics.AveragePrecision(scores, truth),
            $"{caseName}/{label} average_precision");
    }

    [Theory]
    [MemberData(nameof(CaseLabels))]
    public void Roc_curve_points_equal_sklearn_roc_curve_with_drop_intermediate(string caseName, int label)
    {
        var (scores, truth, expected) = Column(caseName, label);
        var curve = RankingMetrics.RocCurveOf(scores, truth);
        var fpr = NullableDoubles(expected.GetProperty("roc_fpr"));
        var tpr = NullableDoubles(expected.GetProperty("roc_tpr"));
        if (fpr.Any(v => v is null) || tpr.Any(v => v is null))
        {
            Assert.Null(curve); // sklearn's rates are NaN: one class only
            return;
        }
        Assert.NotNull(curve);
        AssertAllClose(fpr.Select(v => v!.Value).ToArray(), curve.FalsePositiveRates, $"{caseName}/{label} fpr");
        AssertAllClose(tpr.Select(v => v!.Value).ToArray(), curve.TruePositiveRates, $"{caseName}/{label} tpr");
        AssertAllClose(Doubles(expected.GetProperty("roc_thresholds")), curve.Thresholds, $"{caseName}/{label} thresholds");
    }

    [Fact]
    public void Fixture_covers_single_class_labels_on_both_sides_and_tied_scores()
    {
        var degenerate = Case("degenerate_labels");
        Assert.Equal(System.Text.Json.JsonValueKind.Null, SklearnFixture.Label(degenerate, 0).GetProperty("roc_auc").ValueKind);
        Assert.Equal(System.Text.Json.JsonValueKind.Null, SklearnFixture.Label(degenerate, 1).GetProperty("roc_auc").ValueKind);
        var tied = LabelledScoresOf(Case("tied_scores"));
        Assert.True(tied.Scores(0).ToArray().Distinct().Count() < tied.RowCount);
    }

    [Fact]
    public void A_positive_tied_with_a_negative_counts_one_half()
    {
        // Pairs: (0.8+, 0.3-) correct, (0.5+, 0.5-) tied = 1/2, (0.8+, 0.5-) correct, (0.5+, 0.3-) correct → 3.5/4.
        double? auc = RankingMetrics.RocAuc([0.8, 0.5, 0.5, 0.3], [true, true, false, false]);
        Assert.Equal(0.875, auc);
    }

    [Fact]
    public void Average_precision_of_a_label_without_positives_is_zero_not_negative_zero()
    {
        double ap = RankingMetrics.AveragePrecision([0.9, 0.1], [false, false]);
        Assert.Equal(0.0, ap);
        Assert.False(double.IsNegative(ap));
    }
}
