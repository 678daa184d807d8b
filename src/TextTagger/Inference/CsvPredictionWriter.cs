using System.Globalization;

namespace TextTagger.Inference;

/// <summary>
/// Predictions as CSV: the input's id column (when it has one), one probability column per label named exactly as the
/// label (round-trip precision), and a `tags` column holding the predicted labels joined by <see cref="TagSeparator"/>.
/// </summary>
public sealed class CsvPredictionWriter : IPredictionWriter
{
    public const string TagsColumn = "tags";
    public const char TagSeparator = '|';

    readonly TextWriter _output;
    readonly bool _hasIds;

    public CsvPredictionWriter(TextWriter output, IReadOnlyList<string> labels, string? idColumn)
    {
        var columns = new List<string>();
        if (idColumn != null) columns.Add(idColumn);
        columns.AddRange(labels);
        columns.Add(TagsColumn);
        var duplicate = columns.GroupBy(c => c, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate != null)
            throw new TextTaggerException($"cannot write CSV predictions: two output columns would be named '{duplicate.Key}' (id column, labels and '{TagsColumn}' must differ)");
        _output = output;
        _hasIds = idColumn != null;
        _output.Write(string.Join(",", columns.Select(Escape)) + "\n");
    }

    public void Write(IReadOnlyList<InputText> inputs, IReadOnlyList<Prediction> predictions)
    {
        var line = new List<string>();
        for (int i = 0; i < inputs.Count; i++)
        {
            line.Clear();
            if (_hasIds) line.Add(Escape(inputs[i].Id ?? ""));
            foreach (double p in predictions[i].Probabilities) line.Add(p.ToString("R", CultureInfo.InvariantCulture));
            line.Add(Escape(string.Join(TagSeparator, predictions[i].Tags)));
            _output.Write(string.Join(",", line) + "\n");
        }
    }

    public void Finish() => _output.Flush();

    /// <summary>RFC 4180: quote a field holding a comma, quote or line break, doubling its quotes.</summary>
    public static string Escape(string field) =>
        field.AsSpan().IndexOfAny(",\"\r\n") < 0 ? field : "\"" + field.Replace("\"", "\"\"") + "\"";
}
