using TextTagger.ModelFiles;

namespace TextTagger.Evaluation;

/// <summary>
/// The one place thresholds are chosen (training, the n-gram model, ensembles, <c>texttagger calibrate</c>): each label's
/// threshold on the tune rows by its <see cref="ThresholdPolicy"/>, stored with the policy and the precision and recall
/// it gave there.
/// <list type="bullet">
/// <item><c>f1</c>: <see cref="F1ThresholdTuner"/> (highest candidate on a tie).</item>
/// <item><c>precision:P</c>: among the candidates whose precision is at least P, the one with the most recall (the
/// highest such threshold on a tie). None reaches P: F1 chooses, with a warning, and <c>target_reached</c> is false.</item>
/// <item><c>recall:R</c>: the highest threshold whose recall is at least R (the most precision with that recall).</item>
/// </list>
/// Candidates are the label's distinct scores (<see cref="ThresholdCounts"/>), predicting <c>score &gt;= threshold</c>.
/// A label without positives on the tune rows keeps 0.5.
/// </summary>
public static class ThresholdTuning
{
    public static ModelThresholds Tune(LabelledScores tune, ThresholdPolicies? policies = null, Action<string>? warning = null)
    {
        var rules = (policies ?? ThresholdPolicies.AllF1).For(tune.LabelNames);
        var tuned = new LabelThreshold[tune.LabelCount];
        for (int j = 0; j < tuned.Length; j++)
            tuned[j] = Tune(tune.LabelNames[j], tune.Scores(j), tune.Truth.Column(j), rules[j], warning);
        return new ModelThresholds(tuned);
    }

    public static LabelThreshold Tune(string label, ReadOnlySpan<double> scores, ReadOnlySpan<bool> truth, ThresholdPolicy policy,
                                      Action<string>? warning = null)
    {
        var counts = ThresholdCounts.Compute(scores, truth);
        if (counts.Positives == 0)
        {
            warning?.Invoke($"'{label}' has no positive tune row: its threshold stays {LabelThresholds.Default}");
            return new LabelThreshold(label, (float)LabelThresholds.Default, policy.ToString(), TargetReached: policy.Goal == ThresholdGoal.F1);
        }
        int? chosen = policy.Goal switch
        {
            ThresholdGoal.Precision => MostRecallAtPrecision(counts, policy.Target!.Value),
            ThresholdGoal.Recall => HighestAtRecall(counts, policy.Target!.Value),
            _ => null,
        };
        bool reached = policy.Goal == ThresholdGoal.F1 || chosen != null;
        double threshold = chosen is int k ? counts.Thresholds[k] : F1ThresholdTuner.Tune(label, scores, truth).Threshold;
        if (!reached)
            warning?.Invoke($"'{label}': no threshold reaches {policy} on the tune rows ({counts.Positives} positives); F1 chose it instead");
        float stored = LabelThresholds.ToStored(threshold);
        var (precision, recall) = PrecisionRecall(scores, truth, stored);
        return new LabelThreshold(label, stored, policy.ToString(), precision, recall, reached);
    }

    static int? MostRecallAtPrecision(ThresholdCounts counts, double target)
    {
        int? best = null;
        for (int k = 0; k < counts.Count; k++)
        {
            int tp = counts.TruePositives[k], predicted = tp + counts.FalsePositives[k];
            if (tp > 0 && (double)tp / predicted >= target && (best is not int b || tp > counts.TruePositives[b])) best = k;
        }
        return best;
    }

    static int? HighestAtRecall(ThresholdCounts counts, double target)
    {
        for (int k = 0; k < counts.Count; k++)
            if ((double)counts.TruePositives[k] / counts.Positives >= target) return k;
        return null;
    }

    /// <summary>Precision (null when nothing is predicted) and recall at the stored threshold, counted afresh.</summary>
    static (double? Precision, double? Recall) PrecisionRecall(ReadOnlySpan<double> scores, ReadOnlySpan<bool> truth, double threshold)
    {
        int tp = 0, predicted = 0, positives = 0;
        for (int i = 0; i < scores.Length; i++)
        {
            bool positive = LabelThresholds.IsPositive(scores[i], threshold);
            if (positive) predicted++;
            if (truth[i]) positives++;
            if (positive && truth[i]) tp++;
        }
        return (predicted == 0 ? null : (double)tp / predicted, positives == 0 ? null : (double)tp / positives);
    }
}
