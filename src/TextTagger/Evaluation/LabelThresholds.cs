namespace TextTagger.Evaluation;

/// <summary>
/// Turning scores into 0/1 predictions with one threshold per label: a row is predicted positive for a label when
/// its score is at or above that label's threshold (<c>score &gt;= threshold</c>, the convention of sklearn's curves).
/// </summary>
public static class LabelThresholds
{
    /// <summary>The threshold used when none has been tuned.</summary>
    public const double Default = 0.5;

    public static bool IsPositive(double score, double threshold) => score >= threshold;

    /// <summary>A tuned threshold as thresholds.json stores it (float32): the largest float at or below it. A tuned
    /// threshold is one of the scores, and the nearest float may lie above that score, which would untag the very row
    /// the threshold was chosen for (seen on ensembles: F1 on the tune rows 0.78 instead of the tuned 0.80).</summary>
    public static float ToStored(double threshold)
    {
        float stored = (float)threshold;
        return stored > threshold ? MathF.BitDecrement(stored) : stored;
    }

    /// <summary>The one check of a user's threshold (--threshold on predict, evaluate, serve): a number in [0, 1].
    /// NaN fails it (every comparison with NaN is false, so a NaN threshold would tag nothing).</summary>
    public static double Validate(double threshold, string option = "Threshold") =>
        threshold is >= 0 and <= 1 ? threshold : throw new InvalidOptionException(option, $"must be between 0 and 1, got {threshold}");

    /// <summary>The same threshold for every label.</summary>
    public static double[] Uniform(int labelCount, double threshold = Default) =>
        Enumerable.Repeat(threshold, labelCount).ToArray();

    /// <summary>Predictions, column by column, for every label of <paramref name="data"/>.</summary>
    public static LabelColumns Apply(LabelledScores data, IReadOnlyList<double> thresholds)
    {
        Check(thresholds, data.LabelCount);
        var columns = new ReadOnlyMemory<bool>[data.LabelCount];
        for (int j = 0; j < columns.Length; j++)
        {
            var scores = data.Scores(j);
            var predicted = new bool[scores.Length];
            for (int i = 0; i < scores.Length; i++) predicted[i] = IsPositive(scores[i], thresholds[j]);
            columns[j] = predicted;
        }
        return new LabelColumns(columns, data.RowCount);
    }

    /// <summary>Row-major 0/1 predictions [rows, labels] from row-major scores [rows, labels].</summary>
    public static int[,] Apply(double[,] scores, IReadOnlyList<double> thresholds)
    {
        int rows = scores.GetLength(0), labels = scores.GetLength(1);
        Check(thresholds, labels);
        var predicted = new int[rows, labels];
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < labels; j++)
                predicted[i, j] = IsPositive(scores[i, j], thresholds[j]) ? 1 : 0;
        return predicted;
    }

    private static void Check(IReadOnlyList<double> thresholds, int labelCount)
    {
        if (thresholds.Count != labelCount)
            throw new TextTaggerException($"Got {thresholds.Count} thresholds for {labelCount} labels.");
        foreach (double t in thresholds)
            if (double.IsNaN(t)) throw new TextTaggerException("A threshold is NaN.");
    }
}
