namespace TextTagger.Evaluation;

/// <summary>The threshold chosen for one label, and the F1 it reached on the data it was tuned on.</summary>
/// <param name="ValidationF1">F1 at <paramref name="Threshold"/> on the tuning data; null when the label had no
/// positive and the threshold is the fallback <see cref="LabelThresholds.Default"/>.</param>
public sealed record TunedThreshold(string Label, double Threshold, double? ValidationF1)
{
    public bool IsFallback => ValidationF1 is null;
}

/// <summary>
/// Per-label thresholds that maximise F1 on a validation split.
/// <para>Candidates are the label's distinct scores (predicting <c>score &gt;= candidate</c>), which covers every
/// distinct prediction set that can have F1 &gt; 0. F1 = 2·TP / (TP + FP + positives) is compared exactly, as
/// integer fractions, so equal F1s are really equal; on a tie the <b>highest</b> candidate wins (fewest positive
/// predictions). A label without positives gets <see cref="LabelThresholds.Default"/> (0.5).</para>
/// </summary>
public static class F1ThresholdTuner
{
    public static IReadOnlyList<TunedThreshold> Tune(LabelledScores validation)
    {
        var tuned = new TunedThreshold[validation.LabelCount];
        for (int j = 0; j < tuned.Length; j++)
            tuned[j] = Tune(validation.LabelNames[j], validation.Scores(j), validation.Truth.Column(j));
        return tuned;
    }

    /// <summary>Just the threshold values, in label order.</summary>
    public static double[] TuneThresholds(LabelledScores validation) =>
        Tune(validation).Select(t => t.Threshold).ToArray();

    public static TunedThreshold Tune(string label, ReadOnlySpan<double> scores, ReadOnlySpan<bool> truth)
    {
        var counts = ThresholdCounts.Compute(scores, truth);
        int positives = counts.Positives;
        if (positives == 0) return new TunedThreshold(label, LabelThresholds.Default, null);

        int best = -1;
        long bestNumerator = 0, bestDenominator = 1;
        // Thresholds are decreasing: a later candidate must be strictly better to win, so ties keep the highest.
        for (int k = 0; k < counts.Count; k++)
        {
            long tp = counts.TruePositives[k];
            long numerator = 2 * tp, denominator = tp + counts.FalsePositives[k] + positives;
            if (best < 0 || numerator * bestDenominator > bestNumerator * denominator)
            {
                best = k;
                bestNumerator = numerator;
                bestDenominator = denominator;
            }
        }
        int bestTp = counts.TruePositives[best];
        var (_, _, f1) = ClassificationReportRow.FromCounts(bestTp, bestTp + counts.FalsePositives[best], positives);
        return new TunedThreshold(label, counts.Thresholds[best], f1);
    }
}
