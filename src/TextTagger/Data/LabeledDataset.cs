namespace TextTagger.Data;

/// <summary>Texts with 0/1 labels, as loaded from a CSV file (or built in code).</summary>
public sealed class LabeledDataset
{
    public LabeledDataset(IReadOnlyList<string> labelNames, IReadOnlyList<LabeledText> rows, string source = "(memory)",
                          IReadOnlyList<string>? warnings = null)
    {
        if (labelNames.Count == 0) throw new ArgumentException("A dataset needs at least one label.", nameof(labelNames));
        foreach (var row in rows)
            if (row.Labels.Length != labelNames.Count)
                throw new ArgumentException($"Row at line {row.SourceLine} has {row.Labels.Length} labels, expected {labelNames.Count}.");
        LabelNames = labelNames;
        Rows = rows;
        Source = source;
        Warnings = warnings ?? [];
    }

    public IReadOnlyList<string> LabelNames { get; }
    public IReadOnlyList<LabeledText> Rows { get; }
    /// <summary>Where the rows came from (a file path), for messages.</summary>
    public string Source { get; }
    /// <summary>Things the loader skipped or noticed (empty texts, duplicate ids, ignored columns).</summary>
    public IReadOnlyList<string> Warnings { get; }

    public int Count => Rows.Count;

    /// <summary>The same labels over a subset of rows (used by split and balance).</summary>
    public LabeledDataset WithRows(IReadOnlyList<LabeledText> rows) => new(LabelNames, rows, Source, Warnings);
}
