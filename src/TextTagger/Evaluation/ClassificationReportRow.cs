namespace TextTagger.Evaluation;

/// <summary>
/// One row of a classification report: a label (or an average such as "micro avg") with its precision, recall,
/// F1 and support (number of true positives in the data; for averages, the total over labels).
/// </summary>
public sealed record ClassificationReportRow(string Name, double Precision, double Recall, double F1, int Support)
{
    /// <summary>
    /// Precision, recall and F1 from counts as sklearn's <c>precision_recall_fscore_support(zero_division=0)</c>:
    /// a zero denominator gives 0, and F1 = 2·P·R / (P + R), 0 when P + R = 0.
    /// </summary>
    internal static (double Precision, double Recall, double F1) FromCounts(long truePositives, long predicted, long actual)
    {
        double precision = predicted == 0 ? 0.0 : (double)truePositives / predicted;
        double recall = actual == 0 ? 0.0 : (double)truePositives / actual;
        return (precision, recall, F1Of(precision, recall));
    }

    internal static double F1Of(double precision, double recall)
    {
        double denominator = precision + recall;
        return denominator == 0.0 ? 0.0 : 2.0 * precision * recall / denominator;
    }
}
