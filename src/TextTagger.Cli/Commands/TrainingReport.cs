using Spectre.Console;
using TextTagger.Training;

namespace TextTagger.Cli.Commands;

/// <summary>The end-of-training summary on the console.</summary>
static class TrainingReport
{
    public static void Write(IAnsiConsole console, TrainingSummary summary)
    {
        var epochs = new Table().Title("Epochs").AddColumns("epoch", "train loss", "train AUROC", "val loss", "val AUROC", "time", "ex/s", "RSS");
        foreach (var e in summary.History)
            epochs.AddRow($"{e.Epoch}{(e.Epoch == summary.BestEpoch ? " *" : "")}", $"{e.TrainLoss:F4}", CliFormat.Auc(e.TrainMeanRocAuc),
                $"{e.ValidationLoss:F4}", CliFormat.Auc(e.ValidationMeanRocAuc), TimeSpan.FromSeconds(e.Seconds).ToString(@"h\:mm\:ss"),
                $"{e.ExamplesPerSecond:F1}", ProcessMemory.Megabytes(e.RssBytes));
        console.Write(epochs);

        if (summary.BestValidationRocAuc.Count > 0)
        {
            var table = new Table().Title($"Validation ROC AUC of the best model (epoch {summary.BestEpoch})").AddColumns("label", "AUROC");
            var names = summary.Labels;
            for (int l = 0; l < summary.BestValidationRocAuc.Count; l++)
                table.AddRow(l < names.Count ? names[l] : $"label {l}", CliFormat.Auc(summary.BestValidationRocAuc[l]));
            table.AddRow("[bold]mean[/]", $"[bold]{CliFormat.Auc(summary.BestValidationMeanRocAuc)}[/]");
            console.Write(table);
        }
        console.MarkupLine(Markup.Escape(
            $"best model by validation {summary.Options.SelectionMetricName} (epoch {summary.BestEpoch}, " +
            $"validation loss {summary.BestValidationLoss:F4}, mean AUROC {CliFormat.Auc(summary.BestValidationMeanRocAuc)}) in {summary.ModelDirectory}; " +
            $"{summary.Steps:N0} steps in {TimeSpan.FromSeconds(summary.Seconds):h\\:mm\\:ss}, peak RSS {ProcessMemory.Megabytes(summary.PeakRssBytes)}" +
            (summary.StoppedEarly ? "; stopped early" : "")));
    }
}
