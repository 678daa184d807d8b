using System.Text;
using nietras.SeparatedValues;
using TextTagger.Data;

namespace TextTagger.Inference;

/// <summary>
/// A CSV with a header naming a text column (and optionally an id column), read row by row with Sep. Problems are
/// <see cref="DataFormatException"/>s naming file and line.
/// </summary>
public sealed class CsvTextSource : ITextSource
{
    readonly string _path;
    readonly FileStream _stream;
    readonly SepReader _reader;
    readonly int _textIndex;
    readonly int? _idIndex;
    readonly int _columns;

    public CsvTextSource(string path, string textColumn = CsvLoadOptions.DefaultTextColumn, string idColumn = CsvLoadOptions.DefaultIdColumn)
    {
        _path = path;
        _stream = TextSources.OpenRead(path);
        try
        {
            _reader = Sep.Reader(o => o with { Sep = new Sep(','), HasHeader = true, Unescape = true, DisableColCountCheck = true })
                .From(StrictUtf8.OpenReader(_stream));
            var header = _reader.Header.ColNames;
            if (header.Count == 0 || header.All(string.IsNullOrWhiteSpace))
                throw new DataFormatException(path, null, null, "the file is empty");
            _columns = header.Count;
            _textIndex = IndexOf(header, textColumn);
            if (_textIndex < 0)
                throw new DataFormatException(path, 1, null,
                    $"no text column '{textColumn}' (columns: {string.Join(", ", header)}); choose one with --text-column");
            int id = IndexOf(header, idColumn);
            _idIndex = id >= 0 ? id : null;
            IdColumn = id >= 0 ? header[id].Trim() : null;
        }
        catch (DecoderFallbackException)
        {
            _stream.Dispose();
            throw StrictUtf8.LocateInFile(path);
        }
        catch (Exception e) when (e is InvalidDataException or ArgumentException)
        {
            _stream.Dispose();
            throw new DataFormatException(path, 1, null, e.Message.Split('\n')[0].Trim());
        }
        catch
        {
            _stream.Dispose();
            throw;
        }
    }

    public string? IdColumn { get; }
    public double Fraction => _stream.Length == 0 ? 1 : (double)_stream.Position / _stream.Length;

    public IEnumerable<InputText> Read()
    {
        while (MoveNext())
        {
            var row = _reader.Current;
            int line = row.LineNumberFrom;
            if (CsvRowChecks.IsBlank(row)) continue;
            CsvRowChecks.CheckShape(_path, row, _columns);
            string? id = _idIndex is int i ? row[i].ToString() : null;
            yield return new InputText(id, row[_textIndex].ToString(), line);
        }
    }

    bool MoveNext()
    {
        try
        {
            return _reader.MoveNext();
        }
        catch (DecoderFallbackException)
        {
            throw StrictUtf8.LocateInFile(_path);
        }
        catch (Exception e) when (e is InvalidDataException or ArgumentException)
        {
            throw new DataFormatException(_path, null, null, e.Message.Split('\n')[0].Trim());
        }
    }

    static int IndexOf(IReadOnlyList<string> header, string name) => CsvRowChecks.IndexOf(header, name);

    public void Dispose()
    {
        _reader.Dispose();
        _stream.Dispose();
    }
}
