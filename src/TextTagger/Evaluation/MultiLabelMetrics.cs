namespace TextTagger.Evaluation;

/// <summary>Computes an <see cref="EvaluationReport"/> from scores and true labels.</summary>
public static class MultiLabelMetrics
{
    /// <param name="tunedThresholds">Per-label thresholds (e.g. from <see cref="F1ThresholdTuner"/> on a validation
    /// split); when null the report has no tuned section.</param>
    public static EvaluationReport Compute(LabelledScores data, IReadOnlyList<double>? tunedThresholds = null)
    {
        var ranking = new LabelRanking[data.LabelCount];
        for (int j = 0; j < ranking.Length; j++)
        {
            var counts = ThresholdCounts.Compute(data.Scores(j), data.Truth.Column(j));
            var curve = RankingMetrics.RocCurveOf(counts);
            ranking[j] = new LabelRanking(data.LabelNames[j], counts.Positives, counts.Negatives,
                RankingMetrics.RocAuc(curve),
                RankingMetrics.AveragePrecision(counts), curve);
        }

        return new EvaluationReport(
            data.LabelNames,
            data.RowCount,
            ranking,
            RankingMetrics.MeanOfDefined(ranking.Select(r => r.RocAuc)),
            AtThresholds(data, LabelThresholds.Uniform(data.LabelCount)),
            tunedThresholds is null ? null : AtThresholds(data, tunedThresholds))
        {
            Calibration = AreProbabilities(data) ? CalibrationMetrics.Compute(data) : null,
        };
    }

    static bool AreProbabilities(LabelledScores data)
    {
        for (int j = 0; j < data.LabelCount; j++)
            foreach (double s in data.Scores(j))
                if (!(s is >= 0 and <= 1)) return false;
        return true;
    }

    public static EvaluationReport Compute(double[,] scores, int[,] truth, IReadOnlyList<string> labelNames,
        IReadOnlyList<double>? tunedThresholds = null) =>
        Compute(LabelledScores.FromMatrix(scores, truth, labelNames), tunedThresholds);

    public static EvaluationReport Compute(double[,] scores, bool[,] truth, IReadOnlyList<string> labelNames,
        IReadOnlyList<double>? tunedThresholds = null) =>
        Compute(LabelledScores.FromMatrix(scores, truth, labelNames), tunedThresholds);

    /// <summary>Thresholded metrics only: predictions are <c>score &gt;= thresholds[label]</c>.</summary>
    public static ThresholdedEvaluation AtThresholds(LabelledScores data, IReadOnlyList<double> thresholds)
    {
        var predicted = LabelThresholds.Apply(data, thresholds);
        return new ThresholdedEvaluation(
            thresholds.ToArray(),
            CellAccuracy(data.Truth, predicted),
            ExactMatchAccuracy(data.Truth, predicted),
            ClassificationReport.Compute(data.LabelNames, data.Truth, predicted),
            LabelConfusionMatrix.ComputeAll(data.LabelNames, data.Truth, predicted));
    }

    /// <summary>Share of correct row × label cells: 1 − sklearn's <c>hamming_loss</c>.</summary>
    public static double CellAccuracy(LabelColumns truth, LabelColumns predicted)
    {
        CheckShape(truth, predicted);
        long wrong = 0;
        for (int j = 0; j < truth.LabelCount; j++)
        {
            var t = truth.Column(j);
            var p = predicted.Column(j);
            for (int i = 0; i < t.Length; i++) if (t[i] != p[i]) wrong++;
        }
        return 1.0 - (double)wrong / ((long)truth.RowCount * truth.LabelCount);
    }

    /// <summary>Share of rows with every label right: sklearn's <c>accuracy_score</c> on multi-label data.</summary>
    public static double ExactMatchAccuracy(LabelColumns truth, LabelColumns predicted)
    {
        CheckShape(truth, predicted);
        var rowWrong = new bool[truth.RowCount];
        for (int j = 0; j < truth.LabelCount; j++)
        {
            var t = truth.Column(j);
            var p = predicted.Column(j);
            for (int i = 0; i < t.Length; i++) if (t[i] != p[i]) rowWrong[i] = true;
        }
        return (double)rowWrong.Count(w => !w) / truth.RowCount;
    }

    private static void CheckShape(LabelColumns truth, LabelColumns predicted)
    {
        if (truth.LabelCount != predicted.LabelCount || truth.RowCount != predicted.RowCount)
            throw new TextTaggerException(
                $"Truth is {truth.RowCount}×{truth.LabelCount} but predictions are {predicted.RowCount}×{predicted.LabelCount}.");
    }
}
