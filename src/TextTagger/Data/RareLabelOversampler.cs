namespace TextTagger.Data;

/// <summary>
/// Over-sampling for rare labels: every training row that carries a rare label (one whose positives are less than
/// <c>rareShare</c> of the rows) appears <c>repeat</c> times instead of once, so each epoch shows the model its few
/// threats and identity attacks more often. Applied to the training part only, after balancing.
/// </summary>
public static class RareLabelOversampler
{
    public const double DefaultRareShare = 0.05;

    /// <summary>Indexes of the labels whose share of positive rows is below <paramref name="rareShare"/> (labels with
    /// no positive row at all are left out: there is nothing to repeat).</summary>
    public static int[] RareLabels(LabeledDataset data, double rareShare)
    {
        var positives = new int[data.LabelNames.Count];
        foreach (var row in data.Rows)
            for (int l = 0; l < positives.Length; l++) positives[l] += row.Labels[l];
        return Enumerable.Range(0, positives.Length)
            .Where(l => positives[l] > 0 && positives[l] < rareShare * data.Count)
            .ToArray();
    }

    /// <summary>The rows, followed by <paramref name="repeat"/> − 1 more copies of each row that carries a rare label.</summary>
    public static LabeledDataset Oversample(LabeledDataset data, int repeat, double rareShare = DefaultRareShare)
    {
        if (repeat < 1) throw new TextTaggerException($"the over-sampling factor must be ≥ 1, got {repeat}");
        if (rareShare is <= 0 or > 1) throw new TextTaggerException($"the rare-label share must be in (0, 1], got {rareShare}");
        int[] rare = RareLabels(data, rareShare);
        if (repeat == 1 || rare.Length == 0) return data;
        var carriers = data.Rows.Where(row => rare.Any(l => row.Labels[l] == 1)).ToArray();
        var rows = new List<LabeledText>(data.Count + carriers.Length * (repeat - 1));
        rows.AddRange(data.Rows);
        for (int copy = 1; copy < repeat; copy++) rows.AddRange(carriers);
        return data.WithRows(rows);
    }
}
