using TextTagger.Worker;
using TextTagger.Inference.Engines;
using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Spectre.Console;
using TextTagger.Data;
using TextTagger.Evaluation;
using TextTagger.Inference;
using TextTagger.Modeling.Checkpoints;

namespace TextTagger.Cli.Commands;

/// <summary>
/// `texttagger evaluate --model DIR --data FILE [--out DIR] [--threshold X] [--batch-size N] [--max-tokens N]
/// [--limit-rows N]`: scores a labelled CSV with a model, prints ranking metrics, sklearn-style classification
/// reports at 0.5 and at the tuned thresholds and confusion matrices, and writes metrics.json, report.md and three
/// PNG charts into --out (default: an `evaluation` folder beside the model directory). The folder is written
/// atomically (temporary sibling, then renamed); an existing folder is replaced only when it holds an earlier
/// evaluation (a metrics.json).
/// </summary>
static class EvaluateCommand
{
    public const string MetricsFile = EvaluationArtifacts.MetricsFile;
    public const string ReportFile = EvaluationArtifacts.ReportFile;
    public const string DefaultOutFolder = "evaluation";

    public static Command Create()
    {
        var command = new Command("evaluate", "Evaluate a model on a labelled CSV: metrics, report and charts.");
        var model = new Option<string>("--model", "-m") { Description = "Model directory saved by training", Required = true };
        var dataOptions = new DataOptions();
        var output = new Option<string?>("--out")
        {
            Description = $"Folder for {MetricsFile}, {ReportFile} and PNG charts (default: '{DefaultOutFolder}' beside the model " +
                          "directory); an earlier evaluation there is replaced",
        };
        var threshold = new Option<double?>("--threshold")
        { Description = "One threshold for every label instead of the model's tuned thresholds" };
        var batchSize = new Option<int>("--batch-size")
        { Description = "Texts per forward pass", DefaultValueFactory = _ => Tagger.DefaultBatchSize };
        var maxTokens = new Option<int?>("--max-tokens")
        { Description = "Truncate texts to this many tokens (default: the limit the model was trained with)" };
        var limitRows = new Option<int?>("--limit-rows") { Description = "Evaluate only the first N rows" };
        var precision = CliSupport.InferencePrecisionOption();
        var engine = TextTagger.Worker.SharedOptions.Engine();
        var longTexts = new LongTextOptions();

        command.Options.Add(model);
        dataOptions.AddTo(command);
        command.Options.Add(output);
        command.Options.Add(threshold);
        command.Options.Add(batchSize);
        command.Options.Add(maxTokens);
        command.Options.Add(limitRows);
        command.Options.Add(precision);
        command.Options.Add(engine);
        longTexts.AddTo(command);
        command.SetAction(parse =>
        {
            var (longMode, stride) = longTexts.Read(parse);
            string modelDir = parse.GetValue(model)!;
            if (!Directory.Exists(modelDir))
                throw new TextTaggerException(File.Exists(modelDir)
                    ? $"--model {modelDir} is a file; give the model directory"
                    : $"model directory not found: {modelDir}");
            if (parse.GetValue(threshold) is { } t) LabelThresholds.Validate(t);
            if (parse.GetValue(batchSize) < 1)
                throw new TextTaggerException($"--batch-size must be at least 1, got {parse.GetValue(batchSize)}");
            if (parse.GetValue(limitRows) is < 1)
                throw new TextTaggerException($"--limit-rows must be at least 1, got {parse.GetValue(limitRows)}");
            string outDir = ResolveOutput(parse.GetValue(output), modelDir);

            var console = CliSupport.Console(parse);
            var writer = parse.InvocationConfiguration.Output;
            var dataset = dataOptions.Load(parse);
            foreach (var warning in dataset.Warnings) CliSupport.Warn(parse, $"{dataset.Source}: {warning}");
            if (parse.GetValue(limitRows) is { } limit && limit < dataset.Count)
                dataset = dataset.WithRows(dataset.Rows.Take(limit).ToArray());

            EvaluateAndWrite(console, writer, modelDir, dataset, outDir, parse.GetValue(threshold), parse.GetValue(maxTokens), parse.GetValue(batchSize),
                             Precisions.Parse(parse.GetValue(precision), "--precision"), EngineKinds.Parse(parse.GetValue(engine)!), longMode, stride);
            return 0;
        });
        return command;
    }

    /// <summary>Scores <paramref name="dataset"/> with the model, prints the tables and writes metrics.json, report.md
    /// and the charts into <paramref name="outDir"/> (atomically). Training ends with this on the validation split.</summary>
    public static EvaluationReport EvaluateAndWrite(IAnsiConsole console, TextWriter writer, string modelDir, LabeledDataset dataset,
                                                    string outDir, double? threshold = null, int? maxTokens = null,
                                                    int batchSize = Tagger.DefaultBatchSize, Precision precision = Precision.Fp32,
                                                    EngineKind engine = EngineKind.Auto, LongTextMode longTexts = LongTextMode.Truncate,
                                                    int? windowStride = null)
    {
            using var tagger = Tagger.Load(new TaggerOptions { ModelPath = modelDir, MaxTokens = maxTokens, BatchSize = batchSize, Precision = precision, Engine = engine, LongTexts = longTexts, WindowStride = windowStride });
            ModelEvaluation.MatchLabels(tagger.Labels, dataset.LabelNames, dataset.Source); // fail before scoring
            console.MarkupLineInterpolated(
                $"[bold]evaluate[/] {modelDir} on {dataset.Source}: {dataset.Count:N0} rows, {tagger.Labels.Count} labels, {(tagger.MaxTokens is int limit ? $"max {limit} tokens" : "whole texts")}, batch {batchSize}, {tagger.EngineName} {tagger.Precision.Name()}");

            var clock = Stopwatch.StartNew();
            var options = new ModelEvaluationOptions { Threshold = threshold };
            var report = WithProgress(console, writer, dataset.Count, clock,
                rowsDone => ModelEvaluation.Evaluate(tagger, dataset, rowsDone, options));
            var scoring = clock.Elapsed;
            writer.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"scored {report.RowCount:N0} rows in {scoring.TotalSeconds:F1} s ({report.RowCount / Math.Max(scoring.TotalSeconds, 1e-9):F1} rows/s)"));

            EvaluationTables.Write(console, report);
            if (report.Calibration is { } calibration)
                writer.WriteLine("expected calibration error: " + string.Join(", ", calibration.Select(c => string.Create(CultureInfo.InvariantCulture, $"{c.Label} {c.ExpectedCalibrationError:F4}"))) +
                                 string.Create(CultureInfo.InvariantCulture, $"; mean {report.MeanExpectedCalibrationError:F4}"));

            string title = $"Evaluation of {modelDir} on {dataset.Source}";
            bool replaced = Directory.Exists(outDir);
            EvaluationArtifacts.Write(report, outDir, title);
            console.MarkupLineInterpolated(
                $"wrote [green]{outDir}[/]{(replaced ? " (replaced the earlier evaluation)" : "")}: {EvaluationArtifacts.MetricsFile}, {EvaluationArtifacts.ReportFile}, {EvaluationCharts.RocCurvesFile}, {EvaluationCharts.ConfusionMatricesFile}, {EvaluationCharts.F1ByLabelFile}{(report.Calibration != null ? ", " + ReliabilityChart.FileName : "")}");
        return report;
    }

    /// <summary>The output folder, checked before any work: never the model directory or a folder holding it, and an
    /// existing non-empty folder only when it holds an earlier evaluation.</summary>
    internal static string ResolveOutput(string? given, string modelDir)
    {
        string model = Path.GetFullPath(modelDir).TrimEnd(Path.DirectorySeparatorChar);
        string outDir = given is { Length: > 0 }
            ? Path.GetFullPath(given).TrimEnd(Path.DirectorySeparatorChar)
            : Path.Combine(Path.GetDirectoryName(model) ?? model, DefaultOutFolder);
        if (model == outDir || model.StartsWith(outDir + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            throw new TextTaggerException($"--out {outDir} would replace the model directory; choose another folder");
        if (File.Exists(outDir)) throw new TextTaggerException($"--out {outDir} is a file, not a folder");
        if (Directory.Exists(outDir) && Directory.EnumerateFileSystemEntries(outDir).Any()
            && !File.Exists(Path.Combine(outDir, MetricsFile)))
            throw new TextTaggerException(
                $"--out {outDir} exists and is not an earlier evaluation (no {MetricsFile}); choose a new or empty folder");
        return outDir;
    }

    /// <summary>A live progress bar on a terminal; redirected, a plain line at every 10 % of the rows.</summary>
    static T WithProgress<T>(IAnsiConsole console, TextWriter writer, int total, Stopwatch clock, Func<Action<int>, T> work)
    {
        if (console.Profile.Capabilities.Interactive)
        {
            T result = default!;
            console.Progress()
                .AutoClear(true)
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
                .Start(context =>
                {
                    var task = context.AddTask("scoring", maxValue: total);
                    result = work(done =>
                    {
                        task.Value = done;
                        task.Description = $"scoring {done:N0}/{total:N0} rows";
                    });
                });
            return result;
        }
        int nextTenth = 1;
        return work(done =>
        {
            if (done * 10L < nextTenth * (long)total) return;
            while (done * 10L >= nextTenth * (long)total) nextTenth++;
            double seconds = clock.Elapsed.TotalSeconds;
            double rate = done / Math.Max(seconds, 1e-9);
            writer.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"scored {done:N0}/{total:N0} rows ({100.0 * done / total:F0}%), {rate:F1} rows/s, eta {TimeSpan.FromSeconds(Math.Round((total - done) / Math.Max(rate, 1e-9))):g}"));
        });
    }
}

/// <summary>Console tables of an <see cref="EvaluationReport"/>.</summary>
static class EvaluationTables
{
    const int Digits = 4;

    public static void Write(IAnsiConsole console, EvaluationReport report)
    {
        var ranking = new Table().Title("Ranking metrics (threshold-free)").AddColumns("label", "positives", "negatives", "AUROC", "average precision");
        foreach (var r in report.Ranking)
            ranking.AddRow(Markup.Escape(r.Label), $"{r.Positives:N0}", $"{r.Negatives:N0}", Auc(r.RocAuc), Number(r.AveragePrecision));
        ranking.AddEmptyRow();
        ranking.AddRow("mean", "", "", Auc(report.MeanRocAuc), Number(report.Ranking.Average(r => r.AveragePrecision)));
        console.Write(ranking.RightAligned(1, 2, 3, 4));

        WriteThresholded(console, "At threshold 0.5", report.AtDefaultThreshold);
        if (report.AtTunedThresholds is { } tuned)
        {
            var (heading, note) = EvaluationReportMarkdown.TunedHeading(report.TunedThresholdsSource);
            var thresholds = new Table().Title(heading).AddColumns("label", "threshold", "F1 at 0.5", "F1 at threshold");
            for (int j = 0; j < report.LabelNames.Count; j++)
                thresholds.AddRow(Markup.Escape(report.LabelNames[j]), tuned.Thresholds[j].ToString("F4", CultureInfo.InvariantCulture),
                    Number(report.AtDefaultThreshold.Report.Labels[j].F1), Number(tuned.Report.Labels[j].F1));
            console.WriteLine();
            console.Write(thresholds.RightAligned(1, 2, 3));
            if (note != null) console.WriteLine(note);
            WriteThresholded(console, heading, tuned);
        }

        var matrices = new Table().Title("Confusion matrices (TN FP / FN TP)").AddColumn("label");
        matrices.AddColumns("TN @0.5", "FP @0.5", "FN @0.5", "TP @0.5");
        if (report.AtTunedThresholds != null) matrices.AddColumns("TN tuned", "FP tuned", "FN tuned", "TP tuned");
        for (int j = 0; j < report.LabelNames.Count; j++)
        {
            var cells = new List<string> { Markup.Escape(report.LabelNames[j]) };
            cells.AddRange(Counts(report.AtDefaultThreshold.ConfusionMatrices[j]));
            if (report.AtTunedThresholds is { } t) cells.AddRange(Counts(t.ConfusionMatrices[j]));
            matrices.AddRow(cells.ToArray());
        }
        console.WriteLine();
        console.Write(matrices.RightAligned(Enumerable.Range(1, matrices.Columns.Count - 1).ToArray()));
    }

    static void WriteThresholded(IAnsiConsole console, string heading, ThresholdedEvaluation evaluation)
    {
        console.WriteLine();
        console.MarkupLineInterpolated($"[bold]{heading}[/]: cell accuracy {Number(evaluation.CellAccuracy)}, exact-match accuracy {Number(evaluation.ExactMatchAccuracy)}");
        console.WriteLine();
        foreach (var line in ClassificationReportText.Render(evaluation.Report, Digits).TrimEnd('\n').Split('\n'))
            console.WriteLine(line);
    }

    static IEnumerable<string> Counts(LabelConfusionMatrix m) =>
        new[] { m.TrueNegatives, m.FalsePositives, m.FalseNegatives, m.TruePositives }.Select(c => c.ToString("N0", CultureInfo.InvariantCulture));

    static string Number(double value) => value.ToString("F" + Digits, CultureInfo.InvariantCulture);

    static string Auc(double? value) => value is { } v ? Number(v) : "n/a";
}
