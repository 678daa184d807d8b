namespace TextTagger.Data;

/// <summary>How to read a CSV of texts with 0/1 label columns.</summary>
public sealed record CsvLoadOptions
{
    public const string DefaultTextColumn = "comment_text";
    public const string DefaultIdColumn = "id";

    /// <summary>The column holding the text.</summary>
    public string TextColumn { get; init; } = DefaultTextColumn;

    /// <summary>The id column, used when the file has it (ids are kept in predictions and checked for duplicates).</summary>
    public string IdColumn { get; init; } = DefaultIdColumn;

    /// <summary>
    /// Label columns by name. When null, every other column whose first value is 0 or 1 is a label column
    /// (all its values must then be 0 or 1); other columns are ignored with a warning.
    /// </summary>
    public IReadOnlyList<string>? Labels { get; init; }
}
