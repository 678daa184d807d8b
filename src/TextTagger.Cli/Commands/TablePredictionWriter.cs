using System.Globalization;
using TextTagger.Inference;

namespace TextTagger.Cli.Commands;

/// <summary>Predictions as a plain aligned table for the console: id (if any), text (shortened), one probability
/// column per label, tags. Written chunk by chunk, like the file formats.</summary>
sealed class TablePredictionWriter : IPredictionWriter
{
    const int TextWidth = 40;

    readonly TextWriter _output;
    readonly int[] _labelWidths;
    readonly bool _hasIds;

    public TablePredictionWriter(TextWriter output, IReadOnlyList<string> labels, string? idColumn)
    {
        _output = output;
        _hasIds = idColumn != null;
        _labelWidths = labels.Select(l => Math.Max(l.Length, 6)).ToArray();
        var header = new List<string>();
        if (idColumn != null) header.Add(idColumn);
        header.Add("text".PadRight(TextWidth));
        header.AddRange(labels.Select((l, i) => l.PadLeft(_labelWidths[i])));
        header.Add("tags");
        _output.WriteLine(string.Join("  ", header));
    }

    public void Write(IReadOnlyList<InputText> inputs, IReadOnlyList<Prediction> predictions)
    {
        for (int i = 0; i < inputs.Count; i++)
        {
            var cells = new List<string>();
            if (_hasIds) cells.Add(inputs[i].Id ?? "");
            cells.Add(Shorten(inputs[i].Text).PadRight(TextWidth));
            for (int l = 0; l < _labelWidths.Length; l++)
                cells.Add(predictions[i].Probabilities[l].ToString("F4", CultureInfo.InvariantCulture).PadLeft(_labelWidths[l]));
            cells.Add(predictions[i].Tags.Count == 0 ? "-" : string.Join(CsvPredictionWriter.TagSeparator, predictions[i].Tags));
            _output.WriteLine(string.Join("  ", cells));
        }
    }

    public void Finish() => _output.Flush();

    static string Shorten(string text)
    {
        string flat = text.ReplaceLineEndings(" ").Replace('\t', ' ');
        return flat.Length <= TextWidth ? flat : flat[..(TextWidth - 1)] + "…";
    }
}
