using TextTagger.Data;

namespace TextTagger.Training;

/// <summary>
/// The data step of pre-training: the texts `train` would train on, never its validation or tune rows. It calls
/// <see cref="DatasetSplitter.SplitAndBalance"/> with the very arguments <see cref="TrainingData.Prepare"/> passes
/// (validation and tune fraction, untagged rows to keep, seed, first N rows), so the same options give the same
/// training rows; then a seeded slice of them is held out to measure masked-token accuracy.
/// </summary>
public sealed record PretrainingTexts(IReadOnlyList<string> Train, IReadOnlyList<string> HeldOut, int FileRows)
{
    public static PretrainingTexts Select(string dataPath, CsvLoadOptions loadOptions, PretrainingOptions options, Action<string> message)
    {
        var data = CsvDatasetReader.Load(dataPath, loadOptions);
        foreach (var warning in data.Warnings) message($"warning: {data.Source}: {warning}");
        if (options.LimitRows is int limit && limit < data.Count) data = data.WithRows(data.Rows.Take(limit).ToArray());
        var rows = options.TrainSplitOnly
            ? DatasetSplitter.SplitAndBalance(data, options.ValidationFraction, options.UntaggedToKeep, options.Seed, options.TuneFraction).Train
            : data;
        var texts = rows.Rows.Select(r => r.Text).ToArray();
        if (texts.Length < 2) throw new TextTaggerException($"{dataPath}: too few rows to pre-train on ({texts.Length})");
        int heldOut = Math.Min(options.HeldOutTexts, texts.Length / 10);
        var order = Enumerable.Range(0, texts.Length).ToArray();
        new Random(options.Seed).Shuffle(order);
        return new PretrainingTexts(order[heldOut..].Select(i => texts[i]).ToArray(), order[..heldOut].Select(i => texts[i]).ToArray(), data.Count);
    }
}
