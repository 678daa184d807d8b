using nietras.SeparatedValues;
using TextTagger.Data;

namespace TextTagger.Inference;

/// <summary>
/// Opens an input file of texts: `.csv` is a CSV with a text column, `.txt` one text per line; any other name is a
/// CSV when its first line names the text column, else one text per line.
/// </summary>
public static class TextSources
{
    public static ITextSource Open(string path, string textColumn = CsvLoadOptions.DefaultTextColumn,
                                   string idColumn = CsvLoadOptions.DefaultIdColumn) =>
        IsCsv(path, textColumn) ? new CsvTextSource(path, textColumn, idColumn) : new LineTextSource(path);

    static bool IsCsv(string path, string textColumn)
    {
        string extension = Path.GetExtension(path).ToLowerInvariant();
        if (extension == ".csv") return true;
        if (extension is ".txt" or ".text") return false;
        using var stream = OpenRead(path);
        using var reader = new StreamReader(stream);
        string? first = reader.ReadLine();
        if (first == null) return false;
        try
        {
            using var csv = Sep.Reader(o => o with { Sep = new Sep(','), HasHeader = true, Unescape = true }).FromText(first);
            return csv.Header.ColNames.Any(name => name.Trim() == textColumn);
        }
        catch (Exception e) when (e is InvalidDataException or ArgumentException)
        {
            return false;
        }
    }

    /// <summary>Opens a file for reading, or explains in one line why it cannot be.</summary>
    internal static FileStream OpenRead(string path)
    {
        if (Directory.Exists(path)) throw new DataFormatException(path, null, null, "is a folder, not a file");
        if (!File.Exists(path)) throw new DataFormatException(path, null, null, "file not found");
        try
        {
            return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DataFormatException(path, null, null, e.Message);
        }
    }
}
