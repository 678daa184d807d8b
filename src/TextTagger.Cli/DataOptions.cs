using System.CommandLine;
using TextTagger.Data;

namespace TextTagger.Cli;

/// <summary>The options every verb that reads a labelled CSV shares: --data, --text-column, --id-column, --labels.</summary>
sealed class DataOptions(bool dataRequired = true)
{
    public Option<string> Data { get; } = new("--data") { Description = "CSV file of texts with 0/1 label columns", Required = dataRequired };
    public Option<string> TextColumn { get; } = new("--text-column")
    { Description = "Column holding the text", DefaultValueFactory = _ => CsvLoadOptions.DefaultTextColumn };
    public Option<string> IdColumn { get; } = new("--id-column")
    { Description = "Column holding row ids (optional in the file)", DefaultValueFactory = _ => CsvLoadOptions.DefaultIdColumn };
    public Option<string?> Labels { get; } = new("--labels")
    { Description = "Label columns, comma-separated (default: every column whose values are 0/1)" };

    public void AddTo(Command command)
    {
        command.Options.Add(Data);
        command.Options.Add(TextColumn);
        command.Options.Add(IdColumn);
        command.Options.Add(Labels);
    }

    public CsvLoadOptions LoadOptions(ParseResult parse) => new()
    {
        TextColumn = parse.GetValue(TextColumn)!,
        IdColumn = parse.GetValue(IdColumn)!,
        Labels = parse.GetValue(Labels) is { } list
            ? list.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            : null,
    };

    public LabeledDataset Load(ParseResult parse) => CsvDatasetReader.Load(parse.GetValue(Data)!, LoadOptions(parse));
}

/// <summary>Options of the seeded split and balance: --val-fraction, --tune-fraction, --balance, --seed.</summary>
sealed class SplitOptions
{
    public Option<double> ValidationFraction { get; } = new("--val-fraction")
    { Description = "Share of rows held out for validation", DefaultValueFactory = _ => DatasetSplitter.DefaultValidationFraction };
    public Option<int> Balance { get; } = new("--balance")
    { Description = "Untagged (clean) training rows to keep; every tagged row is kept", DefaultValueFactory = _ => DatasetSplitter.DefaultUntaggedToKeep };
    public Option<double> TuneFraction { get; } = new("--tune-fraction")
    {
        Description = "Share of rows also held out of training as tune.csv, for fitting an ensemble's weights on rows neither training nor validation saw (0: none)",
        DefaultValueFactory = _ => 0,
    };
    public Option<int> Seed { get; } = new("--seed")
    { Description = "Random seed of split and balance", DefaultValueFactory = _ => DatasetSplitter.DefaultSeed };

    public void AddTo(Command command)
    {
        command.Options.Add(ValidationFraction);
        command.Options.Add(TuneFraction);
        command.Options.Add(Balance);
        command.Options.Add(Seed);
    }

    public DatasetSplitSettings Settings(ParseResult parse) =>
        new(parse.GetValue(ValidationFraction), parse.GetValue(TuneFraction), parse.GetValue(Balance), parse.GetValue(Seed));

    public DatasetSplit Apply(ParseResult parse, LabeledDataset data)
    {
        var s = Settings(parse);
        return DatasetSplitter.SplitAndBalance(data, s.ValidationFraction, s.UntaggedToKeep, s.Seed, s.TuneFraction);
    }
}
