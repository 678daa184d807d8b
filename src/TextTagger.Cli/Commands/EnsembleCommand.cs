using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using TextTagger.Ensembles;

namespace TextTagger.Cli.Commands;

/// <summary>`texttagger ensemble --models DIR1,DIR2 --tune-on FILE --out DIR`: one model directory that averages saved
/// models' logits with per-label weights fit on rows none of them trained on.</summary>
static class EnsembleCommand
{
    public static Command Create()
    {
        var command = new Command("ensemble",
            "Combine saved models (transformers, n-gram, exports) into one model directory: per-label weighted means of their logits, " +
            "weights and thresholds fit on a labelled tune file that none of them trained on — not the file you then evaluate on.");
        var models = new Option<string>("--models") { Description = "Model directories, comma-separated (2 or more)", Required = true };
        var dataOptions = new DataOptions(dataRequired: false);
        var tuneOn = new Option<string>("--tune-on")
        {
            Description = "Labelled CSV the weights and thresholds are fit on: the tune.csv of a run trained with --tune-fraction, for instance",
            Required = true,
        };
        var weights = new Option<string>("--weights")
        {
            Description = "shared (one set for all labels, the best mean ROC AUC: steadier when a label has few positives), per-label (each label its best), or equal",
            DefaultValueFactory = _ => "shared",
        };
        weights.AcceptOnlyFromAmong("per-label", "shared", "equal");
        var output = new Option<string>("--out", "-o") { Description = "The ensemble directory to write (members are copied in)", Required = true };
        var overwrite = new Option<bool>("--overwrite") { Description = "Replace an existing output directory" };
        command.Options.Add(models);
        command.Options.Add(tuneOn);
        command.Options.Add(dataOptions.TextColumn);
        command.Options.Add(dataOptions.IdColumn);
        command.Options.Add(dataOptions.Labels);
        command.Options.Add(weights);
        command.Options.Add(output);
        command.Options.Add(overwrite);
        var tuning = new TuningFlags();
        tuning.AddTo(command);
        command.SetAction(parse =>
        {
            var console = CliSupport.Console(parse);
            string outDir = parse.GetValue(output)!;
            var tuningOptions = tuning.Options(parse);
            if (Directory.Exists(outDir) && !parse.GetValue(overwrite))
                throw new TextTaggerException($"--out {outDir} already exists; pass --overwrite to replace it");
            var members = parse.GetValue(models)!.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            var tune = Data.CsvDatasetReader.Load(parse.GetValue(tuneOn)!, dataOptions.LoadOptions(parse));
            var weighting = parse.GetValue(weights) switch
            {
                "per-label" => EnsembleWeighting.PerLabel,
                "equal" => EnsembleWeighting.Equal,
                _ => EnsembleWeighting.Shared,
            };
            var result = EnsembleBuilder.Build(members, tune, weighting, outDir, m => console.MarkupLineInterpolated($"{m}"), tuningOptions);
            Write(console, result);
            return 0;
        });
        return command;
    }

    static void Write(IAnsiConsole console, EnsembleResult result)
    {
        var c = CultureInfo.InvariantCulture;
        var table = new Table().Title($"ROC AUC on the {result.TuneRows:N0} tune rows, and the weights chosen there");
        table.AddColumn("label");
        for (int m = 0; m < result.Members.Count; m++) table.AddColumn(new TableColumn($"model {m + 1}").RightAligned());
        table.AddColumn(new TableColumn("ensemble").RightAligned());
        table.AddColumn(new TableColumn("weights").RightAligned());
        for (int l = 0; l < result.Labels.Count; l++)
        {
            var cells = new List<string> { result.Labels[l] };
            cells.AddRange(result.MemberRocAuc.Select(a => a[l] is double v ? v.ToString("F4", c) : "n/a"));
            cells.Add(result.EnsembleRocAuc[l] is double e ? e.ToString("F4", c) : "n/a");
            cells.Add(string.Join(" / ", result.Weights[l].Select(w => w.ToString("0.##", c))));
            table.AddRow(cells.Select(Markup.Escape).ToArray());
        }
        console.Write(table);
        for (int m = 0; m < result.Members.Count; m++) console.MarkupLineInterpolated($"model {m + 1}: {result.Members[m]}");
        console.MarkupLineInterpolated($"wrote [green]{result.Directory}[/]: evaluate it on rows it was not tuned on (texttagger evaluate --model {result.Directory} --data …)");
    }
}
