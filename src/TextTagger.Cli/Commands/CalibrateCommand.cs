using System.CommandLine;
using Spectre.Console;
using TextTagger.Calibration;

namespace TextTagger.Cli.Commands;

/// <summary>`texttagger calibrate --model DIR --tune-on FILE [--calibration platt] [--threshold-policy …]`: refits a saved
/// model's calibration and thresholds on labelled rows it never trained on, in place.</summary>
static class CalibrateCommand
{
    public static Command Create()
    {
        var command = new Command("calibrate",
            "Refit a model directory's calibration (calibration.json) and thresholds (thresholds.json) on a labelled tune file " +
            "the model never trained on — any kind: transformer, export, n-gram, ensemble.");
        var model = new Option<string>("--model", "-m") { Description = "The model directory to recalibrate (rewritten in place)", Required = true };
        var tuneOn = new Option<string>("--tune-on")
        {
            Description = "Labelled CSV to fit on: the tune.csv of a run trained with --tune-fraction, for instance",
            Required = true,
        };
        var dataOptions = new DataOptions(dataRequired: false);
        var tuning = new TuningFlags();
        command.Options.Add(model);
        command.Options.Add(tuneOn);
        command.Options.Add(dataOptions.TextColumn);
        command.Options.Add(dataOptions.IdColumn);
        command.Options.Add(dataOptions.Labels);
        tuning.AddTo(command);
        command.SetAction(parse =>
        {
            var console = CliSupport.Console(parse);
            string directory = parse.GetValue(model)!;
            var options = tuning.Options(parse);
            if (!Directory.Exists(directory)) throw new TextTaggerException($"--model {directory}: no such model directory");
            var tune = Data.CsvDatasetReader.Load(parse.GetValue(tuneOn)!, dataOptions.LoadOptions(parse));
            var result = ModelTuning.Refit(directory, tune, options, m => console.MarkupLineInterpolated($"[yellow]{m}[/]"));
            var table = new Table().Title($"Fit on {tune.Count:N0} rows of {tune.Source}");
            foreach (var column in new[] { "label", "calibration", "policy", "threshold", "tune precision", "tune recall" }) table.AddColumn(column);
            var maps = result.Calibration?.For(result.Thresholds.Labels.Select(r => r.Label).ToArray());
            for (int l = 0; l < result.Thresholds.Labels.Count; l++)
            {
                var rule = result.Thresholds.Labels[l];
                string map = maps == null ? "none" : FormattableString.Invariant($"{maps[l].Slope:0.###}·z {maps[l].Intercept:+0.###;-0.###}");
                table.AddRow(new[] { rule.Label, map, rule.Policy + (rule.TargetReached ? "" : " (not reached: F1)"), FormattableString.Invariant($"{rule.Threshold:0.####}"),
                                     FormattableString.Invariant($"{rule.Precision:0.###}"), FormattableString.Invariant($"{rule.Recall:0.###}") }
                             .Select(Markup.Escape).ToArray());
            }
            console.Write(table);
            console.MarkupLineInterpolated($"wrote [green]{Path.Combine(directory, ModelCalibration.FileName)}[/] and thresholds.json: evaluate on rows it was not fit on");
            return 0;
        });
        return command;
    }
}
