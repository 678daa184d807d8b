namespace TextTagger.Evaluation;

/// <summary>
/// sklearn's <c>_binary_clf_curve</c>: for each distinct score, from the highest down, how many positives (TP) and
/// negatives (FP) score at or above it. Tied scores form one point, so ties are handled exactly as sklearn does.
/// </summary>
internal sealed class ThresholdCounts
{
    private ThresholdCounts(double[] thresholds, int[] truePositives, int[] falsePositives)
    {
        Thresholds = thresholds;
        TruePositives = truePositives;
        FalsePositives = falsePositives;
    }

    /// <summary>The distinct scores, decreasing.</summary>
    public double[] Thresholds { get; }
    /// <summary>Positives with score &gt;= Thresholds[k]; increasing, the last is the number of positives.</summary>
    public int[] TruePositives { get; }
    /// <summary>Negatives with score &gt;= Thresholds[k]; increasing, the last is the number of negatives.</summary>
    public int[] FalsePositives { get; }

    public int Count => Thresholds.Length;
    public int Positives => TruePositives[^1];
    public int Negatives => FalsePositives[^1];

    public static ThresholdCounts Compute(ReadOnlySpan<double> scores, ReadOnlySpan<bool> truth)
    {
        if (scores.Length != truth.Length)
            throw new TextTaggerException($"Got {scores.Length} scores but {truth.Length} true labels.");
        if (scores.Length == 0) throw new TextTaggerException("Cannot rank an empty set of scores.");
        var sortedScores = scores.ToArray();
        var sortedTruth = truth.ToArray();
        // Ascending sort, read backwards. The order inside a run of tied scores does not matter: only the counts at
        // the end of each run are kept.
        Array.Sort(sortedScores, sortedTruth);

        var thresholds = new List<double>();
        var tps = new List<int>();
        var fps = new List<int>();
        int truePositives = 0, seen = 0;
        for (int i = sortedScores.Length - 1; i >= 0; i--)
        {
            seen++;
            if (sortedTruth[i]) truePositives++;
            // '!=' as numpy's diff: -0.0 and 0.0 are one score.
            if (i == 0 || sortedScores[i - 1] != sortedScores[i])
            {
                thresholds.Add(sortedScores[i]);
                tps.Add(truePositives);
                fps.Add(seen - truePositives);
            }
        }
        return new ThresholdCounts(thresholds.ToArray(), tps.ToArray(), fps.ToArray());
    }
}
