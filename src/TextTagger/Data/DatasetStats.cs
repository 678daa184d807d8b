namespace TextTagger.Data;

/// <summary>What a dataset holds: label counts and rates, tagged vs untagged rows, label co-occurrence, text lengths.</summary>
public sealed record DatasetStats(
    int Rows,
    IReadOnlyList<LabelCount> Labels,
    int UntaggedRows,
    int TaggedRows,
    int[,] CoOccurrence,
    LengthPercentiles TextLengthChars)
{
    public static DatasetStats Compute(LabeledDataset data)
    {
        int labelCount = data.LabelNames.Count;
        var positives = new int[labelCount];
        var together = new int[labelCount, labelCount];
        int tagged = 0;
        foreach (var row in data.Rows)
        {
            if (row.IsTagged) tagged++;
            for (int a = 0; a < labelCount; a++)
            {
                if (row.Labels[a] == 0) continue;
                positives[a]++;
                for (int b = 0; b < labelCount; b++)
                    if (row.Labels[b] == 1) together[a, b]++;
            }
        }
        var labels = data.LabelNames.Select((name, i) => new LabelCount(name, positives[i], data.Count == 0 ? 0 : (double)positives[i] / data.Count)).ToArray();
        var lengths = LengthPercentiles.Of(data.Rows.Select(r => r.Text.Length));
        return new DatasetStats(data.Count, labels, data.Count - tagged, tagged, together, lengths);
    }
}

public sealed record LabelCount(string Label, int Positives, double Rate);

/// <summary>Percentiles of a length distribution (nearest-rank), for chars or tokens.</summary>
public sealed record LengthPercentiles(int Count, double Mean, int P50, int P90, int P95, int P99, int Max)
{
    public static LengthPercentiles Of(IEnumerable<int> values)
    {
        int[] sorted = values.ToArray();
        if (sorted.Length == 0) return new LengthPercentiles(0, 0, 0, 0, 0, 0, 0);
        Array.Sort(sorted);
        int At(double p) => sorted[Math.Clamp((int)Math.Ceiling(p / 100.0 * sorted.Length) - 1, 0, sorted.Length - 1)];
        return new LengthPercentiles(sorted.Length, sorted.Average(), At(50), At(90), At(95), At(99), sorted[^1]);
    }
}
