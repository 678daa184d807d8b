using Microsoft.AspNetCore.Http;
using TextTagger.Data;
using TextTagger.Inference;

namespace TextTagger.Server;

/// <summary>
/// POST /v1/predict/file: a whole file of texts in the body — text/csv with a text column (and an optional id column),
/// or text/plain with one text per line — answered with the scored CSV that `texttagger predict --input` writes (the
/// same sources, writer and chunked prediction). The file is checked to the end before any text is scored (format,
/// text length, number of texts), and scored into a temporary file before the answer starts, so a problem is always a
/// problem-details answer, never a half-written CSV. Files past <see cref="TaggerServerOptions.MaxFileTexts"/> belong
/// to `texttagger predict --input` (or the stream workers), not to one HTTP request.
/// </summary>
static class PredictFileEndpoint
{
    public const string Route = "/v1/predict/file";
    public const string MediaTypes = "text/csv (a CSV with a text column) or text/plain (one text per line)";

    public static async Task<IResult> HandleAsync(HttpContext context, IPredictionService predictor, ServedModel model, TaggerServerOptions options,
                                                  ServerMetrics metrics,
                                                  string? name, string? textColumn, string? idColumn)
    {
        var request = context.Request;
        string media = request.ContentType?.Split(';')[0].Trim().ToLowerInvariant() ?? "";
        bool csv = media is "text/csv" or "application/csv";
        if (!csv && media != "text/plain")
            return Problems.Create(StatusCodes.Status415UnsupportedMediaType, "Unsupported Media Type",
                $"send the body as {MediaTypes}, not '{(media.Length == 0 ? "no content type" : media)}'");

        string upload = Path.GetFileName(string.IsNullOrWhiteSpace(name) ? (csv ? "upload.csv" : "upload.txt") : name);
        using var folder = new TemporaryFolder();
        string input = Path.Combine(folder.Path, "input"), scored = Path.Combine(folder.Path, "scored.csv");
        bool fits;
        await using (var file = new FileStream(input, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true))
            fits = await RequestBody.CopyAsync(request, file, options.MaxRequestBodyBytes, context.RequestAborted);
        if (!fits)
            return Problems.Create(StatusCodes.Status413PayloadTooLarge, "File too large",
                $"{upload}: the file may hold at most {options.MaxRequestBodyBytes:N0} bytes; score bigger files with `texttagger predict --input FILE`");

        ITextSource Open() => csv ? new CsvTextSource(input, textColumn ?? CsvLoadOptions.DefaultTextColumn, idColumn ?? CsvLoadOptions.DefaultIdColumn)
                                  : new LineTextSource(input);
        try
        {
            long count;
            using (var source = Open())
            {
                var (texts, problem) = Check(source, upload, options);
                if (problem != null) return problem;
                count = texts;
            }
            var tagger = model.Tagger;
            return await Admission.RunAsync(context, count, async cancellation =>
            {
                long rows;
                using (var source = Open())
                using (var output = new StreamWriter(scored))
                    // Each chunk joins the prediction queue like one JSON request, so a file shares the cores with them.
                    rows = await ChunkedPredictor.RunAsync(predictor.PredictAsync, source, new CsvPredictionWriter(output, tagger.Labels, source.IdColumn),
                                                           options.MaxTextsPerRequest, cancellation: cancellation);
                metrics.TextsScored.WithLabels("predict_file").Inc(rows);
                context.Response.Headers["X-Texts-Scored"] = rows.ToString(System.Globalization.CultureInfo.InvariantCulture);
                var answer = new FileStream(scored, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, 1 << 16);
                return Results.File(answer, "text/csv; charset=utf-8", Path.GetFileNameWithoutExtension(upload) + ".scored.csv");
            });
        }
        catch (DataFormatException e)
        {
            string where = upload + (e.Line is { } line ? $":{line}" : "") + (e.Line != null && e.Column is { } column ? $":{column}" : "");
            return Problems.Create(StatusCodes.Status400BadRequest, "Bad file", $"{where}: {e.Problem.Replace("--text-column", "the textColumn query parameter")}");
        }
    }

    /// <summary>The limits a JSON request has, over the whole file: not empty, not too many texts, none too long.</summary>
    static (long Texts, IResult? Problem) Check(ITextSource source, string upload, TaggerServerOptions options)
    {
        long count = 0;
        foreach (var text in source.Read())
        {
            if (++count > options.MaxFileTexts)
                return (count, Problems.Create(StatusCodes.Status413PayloadTooLarge, "Too many texts",
                    $"{upload}: at most {options.MaxFileTexts:N0} texts per file; score bigger files with `texttagger predict --input FILE`"));
            if (text.Text.Length > options.MaxTextLength)
                return (count, Problems.Create(StatusCodes.Status413PayloadTooLarge, "Text too long",
                    $"{upload}:{text.Line}: the text has {text.Text.Length:N0} characters; at most {options.MaxTextLength:N0} are accepted"));
        }
        return (count, count == 0 ? Problems.Create(StatusCodes.Status400BadRequest, "No texts", $"{upload}: the file holds no texts") : null);
    }

    /// <summary>A private folder under the system's temporary folder, deleted with everything in it (an answer file
    /// still being sent is unlinked and lives on until its stream closes).</summary>
    sealed class TemporaryFolder : IDisposable
    {
        public string Path { get; } = Directory.CreateTempSubdirectory("texttagger-file-").FullName;

        public void Dispose()
        {
            try { Directory.Delete(Path, recursive: true); }
            catch (IOException) { }
        }
    }
}
