using TextTagger.Evaluation;
using static TextTagger.Tests.Evaluation.SklearnFixture;

namespace TextTagger.Tests.Evaluation;

/// <summary>Building <see cref="LabelledScores"/> directly, through columns, or batch by batch gives the same numbers.</summary>
public class EvaluationInputTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(64)]
    [InlineData(500)]
    public void Accumulating_in_batches_gives_the_same_report_as_the_whole_matrix(int batchSize)
    {
        var c = Case("random_200x6");
        double[,] scores = Scores(c);
        int[,] truth = Truth(c);
        string[] names = LabelNames(c);
        var accumulator = new EvaluationAccumulator(names, initialCapacity: 3);
        for (int start = 0; start < 200; start += batchSize)
        {
            int n = Math.Min(batchSize, 200 - start);
            var s = new double[n, 6];
            var t = new int[n, 6];
            for (int i = 0; i < n; i++)
                for (int j = 0; j < 6; j++)
                    (s[i, j], t[i, j]) = (scores[start + i, j], truth[start + i, j]);
            accumulator.Add(s, t);
        }
        Assert.Equal(200, accumulator.RowCount);
        string expected = EvaluationReportJson.Serialize(MultiLabelMetrics.Compute(scores, truth, names, [0.3, 0.4, 0.5, 0.6, 0.7, 0.8]), true);
        string actual = EvaluationReportJson.Serialize(MultiLabelMetrics.Compute(accumulator.ToLabelledScores(), [0.3, 0.4, 0.5, 0.6, 0.7, 0.8]), true);
        Assert.Equal(expected, actual);
    }

    [Fact]
    public void A_view_handed_out_is_not_changed_by_later_rows()
    {
        var accumulator = new EvaluationAccumulator(["a", "b"], initialCapacity: 1);
        accumulator.AddRow([0.9, 0.1], [true, false]);
        accumulator.AddRow([0.2, 0.8], [false, true]);
        var view = accumulator.ToLabelledScores();
        accumulator.Add(new float[,] { { 0.5f, 0.5f }, { 0.7f, 0.3f } }, new[,] { { 1, 1 }, { 0, 0 } });
        Assert.Equal(2, view.RowCount);
        Assert.Equal([0.9, 0.2], view.Scores(0).ToArray());
        Assert.Equal(4, accumulator.ToLabelledScores().RowCount);
        Assert.Equal([0.1, 0.8, 0.5, (double)0.3f], accumulator.ToLabelledScores().Scores(1).ToArray());
        Assert.Equal([true, false, true, false], accumulator.ToLabelledScores().Truth.Column(0).ToArray());
    }

    [Fact]
    public void A_batch_with_a_label_that_is_not_0_or_1_is_rejected_and_adds_nothing()
    {
        var accumulator = new EvaluationAccumulator(["a"]);
        var error = Assert.Throws<TextTaggerException>(() => accumulator.Add(new double[,] { { 0.1 }, { 0.2 } }, new[,] { { 1 }, { 2 } }));
        Assert.Contains("0 or 1", error.Message);
        Assert.Equal(0, accumulator.RowCount);
    }

    [Fact]
    public void Column_input_equals_matrix_input()
    {
        var fromColumns = LabelledScores.FromColumns(new[] { new[] { 0.1, 0.9 }, new[] { 0.6, 0.4 } },
            new[] { new[] { 0, 1 }, new[] { 1, 1 } }, ["a", "b"]);
        var fromMatrix = LabelledScores.FromMatrix(new[,] { { 0.1, 0.6 }, { 0.9, 0.4 } }, new[,] { { false, true }, { true, true } }, ["a", "b"]);
        Assert.Equal(EvaluationReportJson.Serialize(MultiLabelMetrics.Compute(fromMatrix), true),
            EvaluationReportJson.Serialize(MultiLabelMetrics.Compute(fromColumns), true));
        Assert.Equal(new[,] { { 0, 1 }, { 1, 1 } }, fromColumns.Truth.ToMatrix());
    }

    [Theory]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void Non_finite_scores_are_a_user_error(double bad)
    {
        var error = Assert.Throws<TextTaggerException>(() =>
            LabelledScores.FromMatrix(new[,] { { 0.5, bad } }, new[,] { { 1, 0 } }, ["a", "b"]));
        Assert.Contains("'b'", error.Message);
    }

    [Fact]
    public void Mismatched_shapes_names_and_thresholds_are_user_errors()
    {
        Assert.Throws<TextTaggerException>(() => LabelledScores.FromMatrix(new double[2, 2], new int[3, 2], ["a", "b"]));
        Assert.Throws<TextTaggerException>(() => LabelledScores.FromMatrix(new double[2, 2], new int[2, 2], ["a"]));
        Assert.Throws<TextTaggerException>(() => LabelledScores.FromMatrix(new double[2, 2], new int[2, 2], ["a", "a"]));
        Assert.Throws<TextTaggerException>(() => LabelledScores.FromMatrix(new double[0, 2], new int[0, 2], ["a", "b"]));
        var data = LabelledScores.FromMatrix(new double[2, 2], new int[2, 2], ["a", "b"]);
        Assert.Throws<TextTaggerException>(() => MultiLabelMetrics.Compute(data, [0.5]));
    }

    [Fact]
    public void Apply_predicts_positive_at_or_above_each_labels_threshold()
    {
        var predicted = LabelThresholds.Apply(new[,] { { 0.5, 0.5 }, { 0.49, 0.71 } }, [0.5, 0.7]);
        Assert.Equal(new[,] { { 1, 0 }, { 0, 1 } }, predicted);
    }
}
