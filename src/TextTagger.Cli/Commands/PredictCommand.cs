using TextTagger.Worker;
using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using TextTagger.Data;
using TextTagger.Inference;
using TextTagger.Inference.Engines;

namespace TextTagger.Cli.Commands;

/// <summary>
/// `texttagger predict --model DIR "text" …` or `--input FILE [--output FILE]`: probabilities and tags per text.
/// Files are streamed in chunks; an output file is written atomically (temp file, then rename).
/// </summary>
static class PredictCommand
{
    static readonly string[] Formats = ["table", "csv", "json"];

    public static Command Create()
    {
        var model = new Option<string>("--model", "-m") { Description = "A trained model directory", Required = true };
        var texts = new Argument<string[]>("texts") { Description = "Texts to tag", Arity = ArgumentArity.ZeroOrMore };
        var input = new Option<string?>("--input", "-i")
        { Description = "File of texts: .csv with a text column (and optional id column), or .txt with one text per line" };
        var output = new Option<string?>("--output", "-o") { Description = "Write predictions to this file (default: the console)" };
        var format = new Option<string?>("--format", "-f")
        { Description = "table, csv or json (default: table on the console; for --output, json if it ends in .json, else csv)" };
        format.AcceptOnlyFromAmong(Formats);
        var textColumn = new Option<string>("--text-column")
        { Description = "CSV column holding the text", DefaultValueFactory = _ => CsvLoadOptions.DefaultTextColumn };
        var idColumn = new Option<string>("--id-column")
        { Description = "CSV column holding row ids, kept in the output (optional in the file)", DefaultValueFactory = _ => CsvLoadOptions.DefaultIdColumn };
        var threshold = new Option<double?>("--threshold") { Description = "One threshold for every label instead of the model's own" };
        var maxTokens = new Option<int?>("--max-tokens") { Description = "Token limit per text (default: the model's)" };
        var batchSize = new Option<int>("--batch-size")
        { Description = "Texts per forward pass", DefaultValueFactory = _ => Tagger.DefaultBatchSize };
        var precision = CliSupport.InferencePrecisionOption();
        var engine = TextTagger.Worker.SharedOptions.Engine();
        var chunkSize = new Option<int>("--chunk-size")
        { Description = "Rows read, predicted and written at a time", DefaultValueFactory = _ => ChunkedPredictor.DefaultChunkSize };

        var longTexts = new LongTextOptions();
        var command = new Command("predict",
            "Tag texts or a file with a trained model. CSV output: the id column (if the input has one), one probability " +
            $"column per label, and '{CsvPredictionWriter.TagsColumn}' (predicted labels joined by '{CsvPredictionWriter.TagSeparator}').");
        command.Arguments.Add(texts);
        foreach (var option in new Option[] { model, input, output, format, textColumn, idColumn, threshold, maxTokens, batchSize, precision, engine, chunkSize })
            command.Options.Add(option);
        longTexts.AddTo(command);
        command.SetAction((parse, cancellation) =>
        {
            var (longMode, stride) = longTexts.Read(parse);
            var request = new PredictRequest(parse.GetValue(model)!, parse.GetValue(texts) ?? [], parse.GetValue(input),
                parse.GetValue(output), parse.GetValue(format), parse.GetValue(textColumn)!, parse.GetValue(idColumn)!,
                parse.GetValue(threshold), parse.GetValue(maxTokens), parse.GetValue(batchSize), parse.GetValue(chunkSize),
                Precisions.Parse(parse.GetValue(precision), "--precision"), EngineKinds.Parse(parse.GetValue(engine)!), longMode, stride);
            return Task.FromResult(Run(request, parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error, cancellation));
        });
        return command;
    }

    sealed record PredictRequest(string Model, string[] Texts, string? Input, string? Output, string? Format, string TextColumn,
                                 string IdColumn, double? Threshold, int? MaxTokens, int BatchSize, int ChunkSize,
                                 Precision Precision, EngineKind Engine, LongTextMode LongTexts, int? WindowStride);

    static int Run(PredictRequest r, TextWriter console, TextWriter error, CancellationToken cancellation)
    {
        if (r.Input == null && r.Texts.Length == 0) throw new TextTaggerException("give texts to tag, or --input FILE");
        if (r.Input != null && r.Texts.Length > 0) throw new TextTaggerException("give either texts or --input FILE, not both");
        string format = r.Format ?? (r.Output == null ? "table" : r.Output.EndsWith(".json", StringComparison.OrdinalIgnoreCase) ? "json" : "csv");
        if (format == "table" && r.Output != null) throw new TextTaggerException("--format table is for the console; use csv or json with --output");

        using var source = r.Input != null ? TextSources.Open(r.Input, r.TextColumn, r.IdColumn) : new TextListSource(r.Texts);
        using var tagger = Tagger.Load(new TaggerOptions { ModelPath = r.Model, Threshold = r.Threshold, MaxTokens = r.MaxTokens, BatchSize = r.BatchSize, Precision = r.Precision, Engine = r.Engine, LongTexts = r.LongTexts, WindowStride = r.WindowStride });
        using var file = r.Output != null ? new AtomicFile(r.Output) : null;
        var writer = CreateWriter(format, file?.Writer ?? console, tagger.Labels, source.IdColumn);

        var progress = r.Input != null ? new ProgressLine(error) : null;
        long rows = ChunkedPredictor.Run(tagger, source, writer, r.ChunkSize, progress == null ? null : progress.Report, cancellation);
        file?.Commit();
        progress?.Done(rows, r.Output);
        return 0;
    }

    static IPredictionWriter CreateWriter(string format, TextWriter writer, IReadOnlyList<string> labels, string? idColumn) => format switch
    {
        "csv" => new CsvPredictionWriter(writer, labels, idColumn),
        "json" => new JsonPredictionWriter(writer, labels),
        _ => new TablePredictionWriter(writer, labels, idColumn),
    };

    /// <summary>Progress on the error stream (the output may be the predictions): a line every few seconds.</summary>
    sealed class ProgressLine(TextWriter error)
    {
        readonly Stopwatch _clock = Stopwatch.StartNew();
        TimeSpan _last = TimeSpan.Zero;

        public void Report(long rows, double fraction)
        {
            if (_clock.Elapsed - _last < TimeSpan.FromSeconds(2)) return;
            _last = _clock.Elapsed;
            error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"predicted {rows:N0} rows ({fraction:P0} of the input, {rows / _clock.Elapsed.TotalSeconds:F0} rows/s)"));
        }

        public void Done(long rows, string? output) =>
            error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"predicted {rows:N0} rows in {_clock.Elapsed.TotalSeconds:F1} s")
                            + (output != null ? $" → {output}" : ""));
    }
}
