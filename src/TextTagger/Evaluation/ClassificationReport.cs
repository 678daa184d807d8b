namespace TextTagger.Evaluation;

/// <summary>
/// Precision, recall, F1 and support per label and averaged, equal to scikit-learn's
/// <c>classification_report(y_true, y_pred, target_names=..., zero_division=0, output_dict=True)</c> for
/// multi-label data. <see cref="ClassificationReportText"/> prints it in sklearn's text layout.
/// </summary>
/// <param name="Labels">One row per label, in label order.</param>
/// <param name="MicroAverage">From the true-positive, predicted and actual counts summed over labels.</param>
/// <param name="MacroAverage">Unweighted mean of the per-label values.</param>
/// <param name="WeightedAverage">Mean of the per-label values weighted by support; all 0 when no label has a positive.</param>
/// <param name="SamplesAverage">Precision/recall/F1 of each row's label set, averaged over rows; a row with no
/// predicted (or no true) label has precision (or recall) 0.</param>
public sealed record ClassificationReport(
    IReadOnlyList<ClassificationReportRow> Labels,
    ClassificationReportRow MicroAverage,
    ClassificationReportRow MacroAverage,
    ClassificationReportRow WeightedAverage,
    ClassificationReportRow SamplesAverage)
{
    /// <summary>The four average rows in sklearn's order: micro, macro, weighted, samples.</summary>
    public IEnumerable<ClassificationReportRow> Averages()
    {
        yield return MicroAverage;
        yield return MacroAverage;
        yield return WeightedAverage;
        yield return SamplesAverage;
    }

    public static ClassificationReport Compute(IReadOnlyList<string> labelNames, LabelColumns truth, LabelColumns predicted)
    {
        var confusion = LabelConfusionMatrix.ComputeAll(labelNames, truth, predicted);
        int labelCount = confusion.Count;

        var rows = new ClassificationReportRow[labelCount];
        long tpSum = 0, predictedSum = 0, actualSum = 0;
        for (int j = 0; j < labelCount; j++)
        {
            var c = confusion[j];
            int actual = c.TruePositives + c.FalseNegatives, predictedCount = c.TruePositives + c.FalsePositives;
            var (p, r, f) = ClassificationReportRow.FromCounts(c.TruePositives, predictedCount, actual);
            rows[j] = new ClassificationReportRow(labelNames[j], p, r, f, actual);
            tpSum += c.TruePositives;
            predictedSum += predictedCount;
            actualSum += actual;
        }
        int support = checked((int)actualSum);

        var (microP, microR, microF) = ClassificationReportRow.FromCounts(tpSum, predictedSum, actualSum);
        var micro = new ClassificationReportRow("micro avg", microP, microR, microF, support);

        var macro = new ClassificationReportRow("macro avg",
            rows.Average(r => r.Precision), rows.Average(r => r.Recall), rows.Average(r => r.F1), support);

        // sklearn: weights = support; if they sum to 0 every weighted value is zero_division (0) — P and F1 are 0
        // whether or not anything was predicted, and so is R.
        var weighted = actualSum == 0
            ? new ClassificationReportRow("weighted avg", 0.0, 0.0, 0.0, support)
            : new ClassificationReportRow("weighted avg",
                rows.Sum(r => r.Precision * r.Support) / actualSum,
                rows.Sum(r => r.Recall * r.Support) / actualSum,
                rows.Sum(r => r.F1 * r.Support) / actualSum, support);

        var samples = AverageOverRows(truth, predicted, support);
        return new ClassificationReport(rows, micro, macro, weighted, samples);
    }

    private static ClassificationReportRow AverageOverRows(LabelColumns truth, LabelColumns predicted, int support)
    {
        int rowCount = truth.RowCount;
        var truePositives = new int[rowCount];
        var predictedCounts = new int[rowCount];
        var actualCounts = new int[rowCount];
        for (int j = 0; j < truth.LabelCount; j++)
        {
            var t = truth.Column(j);
            var p = predicted.Column(j);
            for (int i = 0; i < rowCount; i++)
            {
                if (t[i]) actualCounts[i]++;
                if (p[i]) predictedCounts[i]++;
                if (t[i] && p[i]) truePositives[i]++;
            }
        }
        double precisionSum = 0, recallSum = 0, f1Sum = 0;
        for (int i = 0; i < rowCount; i++)
        {
            var (p, r, f) = ClassificationReportRow.FromCounts(truePositives[i], predictedCounts[i], actualCounts[i]);
            precisionSum += p;
            recallSum += r;
            f1Sum += f;
        }
        return new ClassificationReportRow("samples avg",
            precisionSum / rowCount, recallSum / rowCount, f1Sum / rowCount, support);
    }
}
