using TextTagger.Data;
using TextTagger.Tokenization;

namespace TextTagger.Training;

/// <summary>
/// The data step of a run (Lightning's data module): read the CSV, split off validation (and tune rows), balance and over-sample the
/// training part, write validation.csv (and tune.csv) beside the model, and encode both parts once with the model's tokenizer.
/// </summary>
public sealed class TrainingData
{
    TrainingData(LabeledDataset all, LabeledDataset trainRows, LabeledDataset validationRows)
    {
        All = all;
        TrainRows = trainRows;
        ValidationRows = validationRows;
    }

    public LabeledDataset All { get; }
    public LabeledDataset TrainRows { get; }
    public LabeledDataset ValidationRows { get; }
    public IReadOnlyList<string> LabelNames => All.LabelNames;

    /// <param name="message">Warnings and notes for the user (the run's observer).</param>
    public static TrainingData Prepare(string dataPath, CsvLoadOptions loadOptions, TrainingOptions options, string outputDirectory,
                                       Action<string> message)
    {
        var settings = new DatasetSplitSettings(options.ValidationFraction, options.TuneFraction, options.UntaggedToKeep, options.Seed);
        var (data, split) = settings.Prepare(dataPath, loadOptions, options.LimitRows, outputDirectory, message);
        var trainRows = options.RareLabelRepeat > 1 ? Oversample(split.Train, options, message) : split.Train;
        return new TrainingData(data, trainRows, split.Validation);
    }

    /// <summary>Both parts as token ids (truncated to <paramref name="maxTokens"/>) with their labels.</summary>
    public (EncodedDataset Train, EncodedDataset Validation) Encode(BertTokenizer tokenizer, int maxTokens) =>
        (new EncodedDataset(TrainRows, tokenizer, maxTokens), new EncodedDataset(ValidationRows, tokenizer, maxTokens));

    static LabeledDataset Oversample(LabeledDataset trainRows, TrainingOptions options, Action<string> message)
    {
        var rare = RareLabelOversampler.RareLabels(trainRows, options.RareLabelShare);
        var oversampled = RareLabelOversampler.Oversample(trainRows, options.RareLabelRepeat, options.RareLabelShare);
        message(rare.Length == 0
            ? $"over-sampling: no label is carried by fewer than {options.RareLabelShare:P0} of the training rows; nothing repeated"
            : $"over-sampling: rows carrying {string.Join(", ", rare.Select(l => trainRows.LabelNames[l]))} × {options.RareLabelRepeat} " +
              $"({trainRows.Count:N0} → {oversampled.Count:N0} training rows)");
        return oversampled;
    }
}
