using System.Text.Json;

namespace TextTagger.Evaluation;

/// <summary>
/// metrics.json: an <see cref="EvaluationReport"/> as indented JSON with snake_case names (System.Text.Json).
/// Undefined values (ROC AUC of a single-class label) are <c>null</c>; the file never holds NaN.
/// </summary>
public static class EvaluationReportJson
{
    public static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
    };

    /// <param name="includeRocCurves">ROC curves can hold thousands of points per label; when false they are
    /// written as null (a reader then cannot tell them from undefined curves, which also have a null ROC AUC).</param>
    public static string Serialize(EvaluationReport report, bool includeRocCurves = false)
    {
        var written = includeRocCurves
            ? report
            : report with { Ranking = report.Ranking.Select(r => r with { RocCurve = null }).ToArray() };
        return JsonSerializer.Serialize(written, Options);
    }

    public static EvaluationReport Deserialize(string json) =>
        JsonSerializer.Deserialize<EvaluationReport>(json, Options)
        ?? throw new TextTaggerException("The metrics JSON is empty (null).");

    public static void Write(string path, EvaluationReport report, bool includeRocCurves = false)
    {
        string? directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (directory != null) Directory.CreateDirectory(directory);
        File.WriteAllText(path, Serialize(report, includeRocCurves) + "\n");
    }

    public static EvaluationReport Read(string path)
    {
        if (!File.Exists(path)) throw new TextTaggerException($"Metrics file not found: {path}");
        try
        {
            return Deserialize(File.ReadAllText(path));
        }
        catch (JsonException e)
        {
            throw new TextTaggerException($"{path} is not a metrics file: {e.Message}", e);
        }
    }
}
