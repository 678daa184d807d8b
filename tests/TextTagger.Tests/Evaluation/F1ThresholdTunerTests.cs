using System.Text.Json;
using TextTagger.Evaluation;
using static TextTagger.Tests.Evaluation.SklearnFixture;

namespace TextTagger.Tests.Evaluation;

public class F1ThresholdTunerTests
{
    public static TheoryData<string, int> CaseLabels => SklearnFixture.CaseLabels();

    [Theory]
    [MemberData(nameof(CaseLabels))]
    public void Tuned_threshold_and_its_f1_equal_the_fixture_computed_with_sklearn_f1_score(string caseName, int label)
    {
        var c = Case(caseName);
        var data = LabelledScoresOf(c);
        var expected = SklearnFixture.Label(c, label);
        var tuned = F1ThresholdTuner.Tune(data.LabelNames[label], data.Scores(label), data.Truth.Column(label));
        Assert.Equal(expected.GetProperty("tuned_threshold").GetDouble(), tuned.Threshold);
        var f1 = expected.GetProperty("tuned_f1");
        if (f1.ValueKind == JsonValueKind.Null)
        {
            Assert.True(tuned.IsFallback);
            Assert.Null(tuned.ValidationF1);
        }
        else
        {
            Assert.False(tuned.IsFallback);
            AssertClose(f1.GetDouble(), tuned.ValidationF1!.Value, $"{caseName}/{label} tuned f1");
        }
    }

    [Theory]
    [InlineData(1, 50, 0)]     // continuous scores
    [InlineData(2, 80, 10)]    // scores rounded to 0.1: heavy ties
    [InlineData(3, 200, 20)]   // rounded to 0.05
    [InlineData(4, 7, 4)]      // tiny, coarse
    [InlineData(5, 300, 100)]
    public void Tuned_threshold_equals_a_brute_force_search_over_every_distinct_score(int seed, int rows, int roundTo)
    {
        var random = new Random(seed);
        for (int trial = 0; trial < 40; trial++)
        {
            double prevalence = random.NextDouble() * 0.6;
            var truth = new bool[rows];
            var scores = new double[rows];
            for (int i = 0; i < rows; i++)
            {
                truth[i] = random.NextDouble() < prevalence;
                double s = Math.Clamp(random.NextDouble() * 0.7 + (truth[i] ? 0.3 : 0.0), 0, 1);
                scores[i] = roundTo > 0 ? Math.Round(s * roundTo) / roundTo : s;
            }
            var (oracleThreshold, oracleF1) = BruteForce(scores, truth);
            var tuned = F1ThresholdTuner.Tune("x", scores, truth);
            Assert.Equal(oracleThreshold, tuned.Threshold);
            if (oracleF1 is null) Assert.Null(tuned.ValidationF1);
            else AssertClose(oracleF1.Value, tuned.ValidationF1!.Value, $"seed {seed} trial {trial} F1");
        }
    }

    /// <summary>
    /// Independent oracle: predicts with every distinct score as threshold, counts with LINQ, keeps the best F1
    /// compared exactly (cross-multiplied integers), and the highest threshold among equals.
    /// </summary>
    private static (double Threshold, double? F1) BruteForce(double[] scores, bool[] truth)
    {
        int positives = truth.Count(t => t);
        if (positives == 0) return (0.5, null);
        double best = double.NaN;
        long bestNum = -1, bestDen = 1;
        double bestF1 = 0;
        foreach (double t in scores.Distinct().OrderBy(s => s))
        {
            var predicted = scores.Select(s => s >= t).ToArray();
            long tp = predicted.Zip(truth).Count(p => p.First && p.Second);
            long fp = predicted.Zip(truth).Count(p => p.First && !p.Second);
            long fn = positives - tp;
            long num = 2 * tp, den = 2 * tp + fp + fn;
            // Ascending order: '>=' lets a higher threshold with the same F1 replace a lower one.
            if (num * bestDen >= bestNum * den)
            {
                (best, bestNum, bestDen) = (t, num, den);
                double precision = tp + fp == 0 ? 0 : (double)tp / (tp + fp), recall = (double)tp / positives;
                bestF1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
            }
        }
        return (best, bestF1);
    }

    [Fact]
    public void Equal_f1_at_two_thresholds_picks_the_higher_one()
    {
        // positives = 2. At 0.9: TP 1, FP 0 → F1 2/3. At 0.6: TP 2, FP 2 → F1 4/6 = 2/3. Nothing beats 2/3.
        var tuned = F1ThresholdTuner.Tune("x", [0.9, 0.8, 0.7, 0.6, 0.1], [true, false, false, true, false]);
        Assert.Equal(0.9, tuned.Threshold);
        AssertClose(2.0 / 3.0, tuned.ValidationF1!.Value, "f1");
    }

    [Fact]
    public void A_label_without_positives_falls_back_to_half()
    {
        var tuned = F1ThresholdTuner.Tune("x", [0.9, 0.2], [false, false]);
        Assert.Equal(LabelThresholds.Default, tuned.Threshold);
        Assert.True(tuned.IsFallback);
    }

    [Fact]
    public void No_threshold_on_a_fine_grid_beats_the_tuned_f1()
    {
        var random = new Random(11);
        var truth = Enumerable.Range(0, 150).Select(_ => random.NextDouble() < 0.2).ToArray();
        var scores = truth.Select(t => Math.Round(random.NextDouble() * 0.8 + (t ? 0.2 : 0), 2)).ToArray();
        var tuned = F1ThresholdTuner.Tune("x", scores, truth);
        for (int step = 0; step <= 1000; step++)
        {
            double t = step / 1000.0;
            var predicted = LabelColumns.FromColumns(new[] { scores.Select(s => LabelThresholds.IsPositive(s, t)).ToArray() });
            var report = ClassificationReport.Compute(["x"], LabelColumns.FromColumns(new[] { truth }), predicted);
            Assert.True(report.Labels[0].F1 <= tuned.ValidationF1!.Value + 1e-12, $"threshold {t} beats the tuned one");
        }
    }

    [Fact]
    public void Tune_over_a_data_set_returns_one_threshold_per_label_in_label_order()
    {
        var data = LabelledScoresOf(Case("degenerate_labels"));
        var tuned = F1ThresholdTuner.Tune(data);
        Assert.Equal(data.LabelNames, tuned.Select(t => t.Label));
        Assert.Equal(tuned.Select(t => t.Threshold), F1ThresholdTuner.TuneThresholds(data));
        Assert.True(tuned[0].IsFallback); // the all-zero label
    }
}
