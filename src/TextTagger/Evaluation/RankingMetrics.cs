namespace TextTagger.Evaluation;

/// <summary>
/// Threshold-free metrics of one label's scores against its 0/1 truth, computed exactly as scikit-learn 1.2 does.
/// </summary>
public static class RankingMetrics
{
    /// <summary>
    /// ROC AUC as <c>sklearn.metrics.roc_auc_score</c>: the trapezoidal area under <c>RocCurveOf</c>, so a tie
    /// between a positive and a negative counts one half. Null when the truth holds a single class (sklearn raises).
    /// </summary>
    public static double? RocAuc(ReadOnlySpan<double> scores, ReadOnlySpan<bool> truth)
    {
        return RocAuc(RocCurveOf(scores, truth));
    }

    internal static double? RocAuc(RocCurve? curve) =>
        curve is null ? null : Trapezoid(curve.FalsePositiveRates, curve.TruePositiveRates);

    /// <summary>
    /// ROC curve as <c>sklearn.metrics.roc_curve(..., drop_intermediate=True)</c> (sklearn 1.2: first threshold is
    /// the highest score + 1). Null when the truth holds a single class (sklearn returns NaN rates there).
    /// </summary>
    public static RocCurve? RocCurveOf(ReadOnlySpan<double> scores, ReadOnlySpan<bool> truth) =>
        RocCurveOf(ThresholdCounts.Compute(scores, truth));

    /// <summary>
    /// Average precision as <c>sklearn.metrics.average_precision_score</c>: Σ (R_k − R_{k−1}) P_k over the distinct
    /// scores, highest first, without interpolation. A label with no positive scores 0 (sklearn sets recall to 1
    /// everywhere and precision is 0).
    /// </summary>
    public static double AveragePrecision(ReadOnlySpan<double> scores, ReadOnlySpan<bool> truth) =>
        AveragePrecision(ThresholdCounts.Compute(scores, truth));

    internal static RocCurve? RocCurveOf(ThresholdCounts counts)
    {
        if (counts.Positives == 0 || counts.Negatives == 0) return null;
        var kept = KeptPoints(counts.FalsePositives, counts.TruePositives);
        int n = kept.Count + 1;
        var fpr = new double[n];
        var tpr = new double[n];
        var thresholds = new double[n];
        thresholds[0] = counts.Thresholds[kept[0]] + 1;
        for (int p = 0; p < kept.Count; p++)
        {
            int k = kept[p];
            fpr[p + 1] = (double)counts.FalsePositives[k] / counts.Negatives;
            tpr[p + 1] = (double)counts.TruePositives[k] / counts.Positives;
            thresholds[p + 1] = counts.Thresholds[k];
        }
        return new RocCurve(fpr, tpr, thresholds);
    }

    /// <summary>drop_intermediate: keep the ends and every point where the curve bends (non-zero second difference).</summary>
    private static List<int> KeptPoints(int[] fps, int[] tps)
    {
        int m = fps.Length;
        var kept = new List<int>(m);
        for (int k = 0; k < m; k++)
        {
            bool bends = m <= 2 || k == 0 || k == m - 1
                || fps[k + 1] - 2 * fps[k] + fps[k - 1] != 0
                || tps[k + 1] - 2 * tps[k] + tps[k - 1] != 0;
            if (bends) kept.Add(k);
        }
        return kept;
    }

    internal static double AveragePrecision(ThresholdCounts counts)
    {
        int positives = counts.Positives;
        double sum = 0, previousRecall = 0;
        for (int k = 0; k < counts.Count; k++)
        {
            int tp = counts.TruePositives[k];
            double precision = (double)tp / (tp + counts.FalsePositives[k]);
            double recall = positives == 0 ? 1.0 : (double)tp / positives;
            sum += (recall - previousRecall) * precision;
            previousRecall = recall;
        }
        return sum + 0.0; // never -0.0
    }

    /// <summary>numpy.trapz(y, x): Σ (x[i+1] − x[i]) (y[i+1] + y[i]) / 2.</summary>
    private static double Trapezoid(double[] x, double[] y)
    {
        double area = 0;
        for (int i = 0; i + 1 < x.Length; i++) area += (x[i + 1] - x[i]) * (y[i + 1] + y[i]) / 2.0;
        return area;
    }

    /// <summary>The mean of the per-label ROC AUCs that are defined (a label with one class in the data has none); null
    /// when none is. The one place every report, validation and weight search takes its mean AUROC from.</summary>
    public static double? MeanOfDefined(IEnumerable<double?> aucs)
    {
        double sum = 0;
        int count = 0;
        foreach (var auc in aucs)
            if (auc is double value)
            {
                sum += value;
                count++;
            }
        return count == 0 ? null : sum / count;
    }
}
