namespace TextTagger.Inference;

/// <summary>
/// A plain text file, one text per line (UTF-8, LF or CRLF). Every line is a text, empty ones included, so output row
/// i is input line i.
/// </summary>
public sealed class LineTextSource : ITextSource
{
    readonly FileStream _stream;
    readonly StreamReader _reader;

    public LineTextSource(string path)
    {
        _stream = TextSources.OpenRead(path);
        _reader = new StreamReader(_stream, System.Text.Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
    }

    public string? IdColumn => null;
    public double Fraction => _stream.Length == 0 ? 1 : (double)_stream.Position / _stream.Length;

    public IEnumerable<InputText> Read()
    {
        int line = 0;
        while (_reader.ReadLine() is { } text)
            yield return new InputText(null, text, ++line);
    }

    public void Dispose()
    {
        _reader.Dispose();
        _stream.Dispose();
    }
}
