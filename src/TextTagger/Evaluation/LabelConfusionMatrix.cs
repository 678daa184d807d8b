namespace TextTagger.Evaluation;

/// <summary>
/// One label's 2×2 confusion matrix, as an entry of <c>sklearn.metrics.multilabel_confusion_matrix</c>:
/// <c>[[TrueNegatives, FalsePositives], [FalseNegatives, TruePositives]]</c>.
/// </summary>
public sealed record LabelConfusionMatrix(string Label, int TrueNegatives, int FalsePositives, int FalseNegatives,
    int TruePositives)
{
    /// <summary>The matrix in sklearn's layout: [[tn, fp], [fn, tp]].</summary>
    public int[][] ToSklearnLayout() => [[TrueNegatives, FalsePositives], [FalseNegatives, TruePositives]];

    public static LabelConfusionMatrix Compute(string label, ReadOnlySpan<bool> truth, ReadOnlySpan<bool> predicted)
    {
        if (truth.Length != predicted.Length)
            throw new TextTaggerException($"Label '{label}': {truth.Length} true labels but {predicted.Length} predictions.");
        int tn = 0, fp = 0, fn = 0, tp = 0;
        for (int i = 0; i < truth.Length; i++)
        {
            if (truth[i]) { if (predicted[i]) tp++; else fn++; }
            else { if (predicted[i]) fp++; else tn++; }
        }
        return new LabelConfusionMatrix(label, tn, fp, fn, tp);
    }

    /// <summary>One matrix per label, as <c>multilabel_confusion_matrix(y_true, y_pred)</c>.</summary>
    public static IReadOnlyList<LabelConfusionMatrix> ComputeAll(IReadOnlyList<string> labelNames, LabelColumns truth,
        LabelColumns predicted)
    {
        CheckSameShape(labelNames, truth, predicted);
        var matrices = new LabelConfusionMatrix[truth.LabelCount];
        for (int j = 0; j < matrices.Length; j++)
            matrices[j] = Compute(labelNames[j], truth.Column(j), predicted.Column(j));
        return matrices;
    }

    internal static void CheckSameShape(IReadOnlyList<string> labelNames, LabelColumns truth, LabelColumns predicted)
    {
        if (truth.LabelCount != predicted.LabelCount || truth.RowCount != predicted.RowCount)
            throw new TextTaggerException(
                $"Truth is {truth.RowCount}×{truth.LabelCount} but predictions are {predicted.RowCount}×{predicted.LabelCount}.");
        if (labelNames.Count != truth.LabelCount)
            throw new TextTaggerException($"Got {labelNames.Count} label names for {truth.LabelCount} labels.");
    }
}
