using nietras.SeparatedValues;

namespace TextTagger.Data;

/// <summary>Checks and converts the data rows of a CSV, one at a time, and gathers what it had to skip.</summary>
sealed class CsvRowCollector(string path, IReadOnlyList<string> header, CsvColumnLayout layout, CsvLoadOptions options)
{
    const int MaxExamples = 3;

    readonly List<LabeledText> _rows = [];
    readonly List<int> _emptyTextLines = [];
    readonly Dictionary<string, int> _firstLineOfId = new(StringComparer.Ordinal);
    readonly List<string> _duplicateExamples = [];
    int _duplicateCount;

    public void Add(SepReader.Row row)
    {
        int line = row.LineNumberFrom;
        if (CsvRowChecks.IsBlank(row)) return;
        CsvRowChecks.CheckShape(path, row, header.Count);

        string text = row[layout.TextIndex].ToString();
        if (string.IsNullOrWhiteSpace(text))
        {
            _emptyTextLines.Add(line);
            return;
        }

        string? id = layout.IdIndex is int idIndex ? row[idIndex].ToString() : null;
        if (id != null && !_firstLineOfId.TryAdd(id, line))
        {
            _duplicateCount++;
            if (_duplicateExamples.Count < MaxExamples) _duplicateExamples.Add($"'{id}' (lines {_firstLineOfId[id]} and {line})");
        }

        var labels = new byte[layout.LabelIndexes.Count];
        for (int l = 0; l < labels.Length; l++)
        {
            int field = layout.LabelIndexes[l];
            labels[l] = ParseLabel(line, field, row[field].Span);
        }
        _rows.Add(new LabeledText(id, text, labels, line));
    }

    public LabeledDataset ToDataset()
    {
        var warnings = new List<string>(layout.Warnings);
        if (_emptyTextLines.Count > 0)
            warnings.Add($"skipped {_emptyTextLines.Count} row(s) with empty text (line {string.Join(", ", _emptyTextLines.Take(MaxExamples))}" +
                         (_emptyTextLines.Count > MaxExamples ? ", …)" : ")"));
        if (_duplicateCount > 0)
            warnings.Add($"{_duplicateCount} duplicate id(s) in column '{options.IdColumn}': {string.Join(", ", _duplicateExamples)}" +
                         (_duplicateCount > MaxExamples ? ", …" : ""));
        if (_rows.Count == 0)
            throw new DataFormatException(path, null, null, "the file has a header but no rows with text");
        return new LabeledDataset(layout.LabelNames, _rows, path, warnings);
    }

    byte ParseLabel(int line, int field, ReadOnlySpan<char> value)
    {
        var trimmed = value.Trim();
        if (trimmed.Length == 1 && (trimmed[0] == '0' || trimmed[0] == '1')) return (byte)(trimmed[0] - '0');
        if (trimmed.IsEmpty)
            throw new DataFormatException(path, line, null, $"field {field + 1} ('{header[field]}'): the label cell is empty (expected 0 or 1)");
        throw new DataFormatException(path, line, null,
            $"field {field + 1} ('{header[field]}'): label value '{value.ToString()}' is not 0 or 1");
    }
}
