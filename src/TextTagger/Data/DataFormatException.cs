namespace TextTagger.Data;

/// <summary>
/// Bad input data, located as precisely as we can: `file:line[:column]: message`. Line and column are 1-based;
/// the column counts characters on that line.
/// </summary>
public sealed class DataFormatException : TextTaggerException
{
    public DataFormatException(string file, int? line, int? column, string problem)
        : base(Locate(file, line, column) + problem)
    {
        File = file;
        Line = line;
        Column = column;
        Problem = problem;
    }

    public string File { get; }
    public int? Line { get; }
    public int? Column { get; }
    public string Problem { get; }

    static string Locate(string file, int? line, int? column) =>
        file + (line is null ? "" : $":{line}") + (line is null || column is null ? "" : $":{column}") + ": ";
}
