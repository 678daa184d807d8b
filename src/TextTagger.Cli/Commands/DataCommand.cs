using TextTagger.Modeling.Pretrained;
using System.CommandLine;
using System.Diagnostics;
using Spectre.Console;
using TextTagger.Data;
using TextTagger.Tokenization;

namespace TextTagger.Cli.Commands;

/// <summary>`texttagger data stats|split`: look at a labelled CSV, and cut it the way training will.</summary>
static class DataCommand
{
    public static Command Create()
    {
        var data = new Command("data", "Load, inspect, balance and split labelled CSV data.");
        data.Subcommands.Add(CreateStats());
        data.Subcommands.Add(CreateSplit());
        return data;
    }

    static Command CreateStats()
    {
        var command = new Command("stats", "Per-label counts, clean vs tagged rows, co-occurrence, text lengths; optional PNG charts.");
        var dataOptions = new DataOptions();
        var splitOptions = new SplitOptions();
        var plots = new Option<string?>("--plots") { Description = "Folder to write PNG charts into" };
        var model = new Option<string>("--model")
        { Description = "Tokenizer for token-length statistics: \"minilm\" or \"arctic-xs\" (bundled) or a model directory; \"none\" to skip", DefaultValueFactory = _ => "minilm" };
        dataOptions.AddTo(command);
        splitOptions.AddTo(command);
        command.Options.Add(plots);
        command.Options.Add(model);
        command.SetAction(parse =>
        {
            var clock = Stopwatch.StartNew();
            var dataset = dataOptions.Load(parse);
            var loadTime = clock.Elapsed;
            foreach (var warning in dataset.Warnings) CliSupport.Warn(parse, $"{dataset.Source}: {warning}");

            var console = CliSupport.Console(parse);
            var stats = DatasetStats.Compute(dataset);
            console.MarkupLineInterpolated($"[bold]{dataset.Source}[/]: {stats.Rows:N0} rows, {stats.Labels.Count} labels, loaded in {loadTime.TotalMilliseconds:N0} ms");
            DatasetTables.Write(console, stats);
            LengthDistribution? tokens = null;
            if (parse.GetValue(model) is { } modelName && !modelName.Equals("none", StringComparison.OrdinalIgnoreCase))
            {
                var tokenizer = BundledMiniLm.Tokenizer(modelName);
                tokens = TokenLengthStats.Compute(tokenizer, dataset.Rows.Select(r => r.Text).ToArray());
                console.Write(DatasetTables.LengthTable($"Token length ({modelName} tokenizer, [[CLS]]/[[SEP]] included, before truncation)", tokens, shareOverLimits: true));
            }

            var (train, validation) = splitOptions.Apply(parse, dataset);
            DatasetTables.WriteSplit(console, train, validation, parse.GetValue(splitOptions.Seed));

            if (parse.GetValue(plots) is { } folder)
            {
                var written = DatasetCharts.Write(stats, folder).ToList();
                if (tokens != null)
                {
                    string histogram = Path.Combine(folder, "token_lengths.png");
                    TokenLengthHistogram.WritePng(tokens, histogram);
                    written.Add(histogram);
                }
                foreach (var png in written)
                    console.MarkupLineInterpolated($"wrote [green]{png}[/]");
            }
            return 0;
        });
        return command;
    }

    static Command CreateSplit()
    {
        var command = new Command("split", "Write the seeded train (balanced), validation and optional tune splits as CSV files.");
        var dataOptions = new DataOptions();
        var splitOptions = new SplitOptions();
        var output = new Option<string>("--out") { Description = "Folder for train.csv, validation.csv (and tune.csv)", Required = true };
        dataOptions.AddTo(command);
        splitOptions.AddTo(command);
        command.Options.Add(output);
        command.SetAction(parse =>
        {
            var dataset = dataOptions.Load(parse);
            foreach (var warning in dataset.Warnings) CliSupport.Warn(parse, $"{dataset.Source}: {warning}");
            var split = splitOptions.Apply(parse, dataset);
            string folder = parse.GetValue(output)!;
            var textColumn = parse.GetValue(dataOptions.TextColumn)!;
            var idColumn = parse.GetValue(dataOptions.IdColumn)!;
            var console = CliSupport.Console(parse);
            foreach (var (part, name) in new[] { (split.Train, "train.csv"), (split.Validation, "validation.csv"), (split.Tune, "tune.csv") })
            {
                if (part == null) continue;
                string path = Path.Combine(folder, name);
                CsvDatasetWriter.Write(part, path, textColumn, idColumn);
                console.MarkupLineInterpolated($"wrote [green]{path}[/] ({part.Count:N0} rows)");
            }
            return 0;
        });
        return command;
    }
}
