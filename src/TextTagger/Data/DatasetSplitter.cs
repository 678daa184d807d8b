namespace TextTagger.Data;

/// <summary>Seeded, deterministic train/validation split and balancing, as in the seed recipe.</summary>
public static class DatasetSplitter
{
    public const double DefaultValidationFraction = 0.05;
    public const int DefaultUntaggedToKeep = 15_000;
    public const int DefaultSeed = 42;

    /// <summary>
    /// Shuffles with <paramref name="seed"/> and holds out <paramref name="validationFraction"/> of the rows.
    /// Both parts keep the rows' original file order.
    /// </summary>
    public static (LabeledDataset Train, LabeledDataset Validation) Split(LabeledDataset data, double validationFraction, int seed)
    {
        if (validationFraction is < 0 or >= 1)
            throw new TextTaggerException($"validation fraction must be in [0, 1), got {validationFraction}");
        int[] order = Enumerable.Range(0, data.Count).ToArray();
        new Random(seed).Shuffle(order);
        int validationCount = (int)Math.Round(data.Count * validationFraction);
        if (validationFraction > 0 && validationCount == 0 && data.Count > 1) validationCount = 1;
        return (Subset(data, order[validationCount..]), Subset(data, order[..validationCount]));
    }

    static LabeledDataset Subset(LabeledDataset data, int[] indexes)
    {
        Array.Sort(indexes);
        return data.WithRows(indexes.Select(i => data.Rows[i]).ToArray());
    }

    /// <summary>
    /// Keeps every row with at least one label and a seeded random sample of <paramref name="untaggedToKeep"/> rows
    /// with none (all of them when there are fewer). Original order is kept.
    /// </summary>
    public static LabeledDataset Balance(LabeledDataset data, int untaggedToKeep, int seed)
    {
        if (untaggedToKeep < 0) throw new TextTaggerException($"the number of untagged rows to keep must be ≥ 0, got {untaggedToKeep}");
        int[] untagged = Enumerable.Range(0, data.Count).Where(i => !data.Rows[i].IsTagged).ToArray();
        if (untagged.Length <= untaggedToKeep) return data;
        new Random(seed).Shuffle(untagged);
        var keep = untagged[..untaggedToKeep].Concat(Enumerable.Range(0, data.Count).Where(i => data.Rows[i].IsTagged));
        return Subset(data, keep.ToArray());
    }

    /// <summary>The seed recipe: split first (validation keeps the natural label distribution), then balance the
    /// training part by down-sampling untagged rows.</summary>
    public static (LabeledDataset Train, LabeledDataset Validation) SplitAndBalance(
        LabeledDataset data, double validationFraction = DefaultValidationFraction, int untaggedToKeep = DefaultUntaggedToKeep,
        int seed = DefaultSeed)
    {
        var (train, validation) = Split(data, validationFraction, seed);
        return (Balance(train, untaggedToKeep, seed), validation);
    }
}
