namespace TextTagger.Data;

/// <summary>Which field of a CSV row holds the text, the id and each label; worked out from the header.</summary>
sealed record CsvColumnLayout(int TextIndex, int? IdIndex, IReadOnlyList<string> LabelNames, IReadOnlyList<int> LabelIndexes,
                              IReadOnlyList<string> Warnings)
{
    public static CsvColumnLayout Resolve(string path, IReadOnlyList<string> header, IReadOnlyList<string>? firstRow, CsvLoadOptions options)
    {
        int textIndex = IndexOf(header, options.TextColumn);
        if (textIndex < 0)
        {
            if (header.Any(name => name.Trim() is "0" or "1"))
                throw new DataFormatException(path, 1, null,
                    $"no header row: the first line looks like data ({Shorten(string.Join(",", header))}); the first line must name the columns");
            throw new DataFormatException(path, 1, null,
                $"no text column '{options.TextColumn}' (columns: {string.Join(", ", header)}); choose one with --text-column");
        }

        int idIndex = IndexOf(header, options.IdColumn);
        var warnings = new List<string>();
        List<int> labelIndexes;
        if (options.Labels is { } wanted)
        {
            if (wanted.Count == 0) throw new DataFormatException(path, 1, null, "the list of label columns is empty");
            labelIndexes = [];
            foreach (var name in wanted)
            {
                int index = IndexOf(header, name);
                if (index < 0)
                    throw new DataFormatException(path, 1, null, $"label column '{name}' not found (columns: {string.Join(", ", header)})");
                if (index == textIndex) throw new DataFormatException(path, 1, null, $"'{name}' is the text column, it cannot be a label");
                if (labelIndexes.Contains(index)) throw new DataFormatException(path, 1, null, $"label column '{name}' is listed twice");
                labelIndexes.Add(index);
            }
        }
        else
        {
            labelIndexes = [];
            for (int i = 0; i < header.Count; i++)
                if (i != textIndex && i != idIndex) labelIndexes.Add(i);
            labelIndexes = ProbeLabelColumns(header, firstRow, labelIndexes, warnings);
            if (labelIndexes.Count == 0)
                throw new DataFormatException(path, 1, null,
                    $"no label columns: no column besides '{header[textIndex]}' holds 0/1 values (columns: {string.Join(", ", header)}); name them with --labels");
        }

        return new CsvColumnLayout(textIndex, idIndex >= 0 ? idIndex : null,
            labelIndexes.Select(i => header[i]).ToArray(), labelIndexes, warnings);
    }

    /// <summary>
    /// Automatic label detection from the first data row: a column is a label when its value there is a number or a
    /// yes/no word (so `-1`, `0.5` or `yes` in a label column become errors, not silently ignored columns); columns
    /// holding other text (a source, a date) are ignored with a warning.
    /// </summary>
    static List<int> ProbeLabelColumns(IReadOnlyList<string> header, IReadOnlyList<string>? firstRow, List<int> candidates,
                                       List<string> warnings)
    {
        if (firstRow == null) return candidates;   // no data rows: the caller reports it
        var labels = new List<int>();
        foreach (int i in candidates)
        {
            string value = i < firstRow.Count ? firstRow[i].Trim() : "";
            if (LooksLikeLabel(value)) labels.Add(i);
            else warnings.Add($"ignored column '{header[i]}': its first value '{Shorten(value)}' is not a 0/1 label (name label columns with --labels)");
        }
        return labels;
    }

    /// <summary>An empty cell says nothing either way: the column stays a label, and the row's own check names the
    /// empty cell with its line (rather than blaming a missing label column on line 1).</summary>
    static bool LooksLikeLabel(string value) =>
        value.Length == 0 ||
        double.TryParse(value, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out _)
        || value.ToLowerInvariant() is "yes" or "no" or "true" or "false" or "y" or "n";

    static int IndexOf(IReadOnlyList<string> header, string name) => CsvRowChecks.IndexOf(header, name);

    static string Shorten(string value) => value.Length <= 60 ? value : value[..57] + "...";
}
