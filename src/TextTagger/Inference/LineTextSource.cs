namespace TextTagger.Inference;

/// <summary>
/// A plain text file, one text per line (UTF-8, LF or CRLF). Every line is a text, empty ones included, so output row
/// i is input line i.
/// </summary>
public sealed class LineTextSource : ITextSource
{
    readonly string _path;
    readonly FileStream _stream;
    readonly StreamReader _reader;

    public LineTextSource(string path)
    {
        _path = path;
        _stream = TextSources.OpenRead(path);
        _reader = Data.StrictUtf8.OpenReader(_stream);
    }

    public string? IdColumn => null;
    public double Fraction => _stream.Length == 0 ? 1 : (double)_stream.Position / _stream.Length;

    public IEnumerable<InputText> Read()
    {
        int line = 0;
        while (ReadLine() is { } text)
            yield return new InputText(null, text, ++line);
    }

    string? ReadLine()
    {
        try
        {
            return _reader.ReadLine();
        }
        catch (System.Text.DecoderFallbackException)
        {
            throw Data.StrictUtf8.LocateInFile(_path);
        }
    }

    public void Dispose()
    {
        _reader.Dispose();
        _stream.Dispose();
    }
}
