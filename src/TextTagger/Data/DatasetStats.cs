namespace TextTagger.Data;

/// <summary>What a dataset holds: label counts and rates, tagged vs untagged rows, label co-occurrence, text lengths.</summary>
public sealed record DatasetStats(
    int Rows,
    IReadOnlyList<LabelCount> Labels,
    int UntaggedRows,
    int TaggedRows,
    int[,] CoOccurrence,
    LengthDistribution TextLengthChars)
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
        var lengths = LengthDistribution.FromLengths(data.Rows.Select(r => r.Text.Length));
        return new DatasetStats(data.Count, labels, data.Count - tagged, tagged, together, lengths);
    }
}

public sealed record LabelCount(string Label, int Positives, double Rate);
