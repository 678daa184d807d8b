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
    /// training part by down-sampling untagged rows. With <paramref name="tuneFraction"/> &gt; 0 a third part is held out
    /// of the training rows, in its natural distribution too, for what is fit after training (an ensemble's weights):
    /// the validation rows stay exactly those of a run without it.</summary>
    public static DatasetSplit SplitAndBalance(
        LabeledDataset data, double validationFraction = DefaultValidationFraction, int untaggedToKeep = DefaultUntaggedToKeep,
        int seed = DefaultSeed, double tuneFraction = 0)
    {
        if (tuneFraction is < 0 or >= 1 || (tuneFraction > 0 && validationFraction + tuneFraction >= 1))
            throw new TextTaggerException($"tune fraction must be in [0, 1 - validation fraction), got {tuneFraction}");
        var (train, validation) = Split(data, validationFraction, seed);
        LabeledDataset? tune = null;
        if (tuneFraction > 0) (train, tune) = Split(train, tuneFraction / (1 - validationFraction), seed);
        return new DatasetSplit(Balance(train, untaggedToKeep, seed), validation, tune);
    }
}

/// <summary>How a training run cuts its data (<see cref="DatasetSplitter.SplitAndBalance"/>).</summary>
public sealed record DatasetSplitSettings(double ValidationFraction = DatasetSplitter.DefaultValidationFraction, double TuneFraction = 0,
                                          int UntaggedToKeep = DatasetSplitter.DefaultUntaggedToKeep, int Seed = DatasetSplitter.DefaultSeed)
{
    /// <summary>The data step every kind of training shares: read the CSV (warnings to <paramref name="message"/>),
    /// keep the first <paramref name="limitRows"/>, split and balance, and write the held-out rows into the run's folder.</summary>
    public (LabeledDataset All, DatasetSplit Split) Prepare(string dataPath, CsvLoadOptions loadOptions, int? limitRows, string runDirectory,
                                                          Action<string> message)
    {
        var data = CsvDatasetReader.Load(dataPath, loadOptions);
        foreach (var warning in data.Warnings) message($"warning: {data.Source}: {warning}");
        if (limitRows is int limit && limit < data.Count) data = data.WithRows(data.Rows.Take(limit).ToArray());
        var split = DatasetSplitter.SplitAndBalance(data, ValidationFraction, UntaggedToKeep, Seed, TuneFraction);
        if (split.Train.Count == 0 || split.Validation.Count == 0)
            throw new TextTaggerException($"{dataPath}: too few rows to train ({split.Train.Count} for training, {split.Validation.Count} for validation)");
        split.WriteHeldOut(runDirectory, loadOptions);
        return (data, split);
    }
}

/// <summary>The parts of a training run's data: training rows (balanced), validation rows, and the optional tune rows.</summary>
public sealed record DatasetSplit(LabeledDataset Train, LabeledDataset Validation, LabeledDataset? Tune)
{
    public const string ValidationFile = "validation.csv";
    public const string TuneFile = "tune.csv";

    /// <summary>Writes validation.csv (and tune.csv) into a run's folder: the rows `evaluate` and `ensemble` read.</summary>
    public void WriteHeldOut(string runDirectory, CsvLoadOptions loadOptions)
    {
        Directory.CreateDirectory(runDirectory);
        CsvDatasetWriter.Write(Validation, Path.Combine(runDirectory, ValidationFile), loadOptions.TextColumn, loadOptions.IdColumn);
        if (Tune != null) CsvDatasetWriter.Write(Tune, Path.Combine(runDirectory, TuneFile), loadOptions.TextColumn, loadOptions.IdColumn);
    }

    public void Deconstruct(out LabeledDataset train, out LabeledDataset validation)
    {
        train = Train;
        validation = Validation;
    }
}
