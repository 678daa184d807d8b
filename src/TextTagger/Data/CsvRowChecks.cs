using nietras.SeparatedValues;

namespace TextTagger.Data;

/// <summary>The checks every CSV row gets, whether a whole dataset is loaded or a file is streamed for prediction.</summary>
public static class CsvRowChecks
{
    /// <summary>A blank line between rows (skipped, not an error).</summary>
    public static bool IsBlank(SepReader.Row row) => row.ColCount == 1 && row.Span.IsWhiteSpace();

    /// <summary>
    /// A well-formed row holds an even number of quote characters (otherwise a quote was never closed and the reader
    /// swallowed the rest of the file into one field, or a stray quote stands in an unquoted field) and as many fields
    /// as the header.
    /// </summary>
    public static void CheckShape(string path, SepReader.Row row, int headerColumns)
    {
        int line = row.LineNumberFrom;
        if (row.Span.Count('"') % 2 != 0)
            throw new DataFormatException(path, line, null,
                "unterminated quoted field: a '\"' on this line is never closed (or a stray quote stands in an unquoted field)");
        if (row.ColCount != headerColumns)
            throw new DataFormatException(path, line, null, $"row has {row.ColCount} field(s), the header has {headerColumns}");
    }

    /// <summary>The index of a column by name (surrounding spaces ignored), or -1.</summary>
    public static int IndexOf(IReadOnlyList<string> header, string name)
    {
        for (int i = 0; i < header.Count; i++)
            if (string.Equals(header[i].Trim(), name, StringComparison.Ordinal)) return i;
        return -1;
    }
}
