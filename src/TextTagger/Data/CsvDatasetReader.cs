using System.Buffers;
using System.Text;
using System.Text.Unicode;
using nietras.SeparatedValues;

namespace TextTagger.Data;

/// <summary>
/// Reads a CSV of texts with 0/1 label columns (RFC 4180: quoted fields may span lines, "" escapes a quote; UTF-8,
/// BOM tolerated). Every problem is reported as a <see cref="DataFormatException"/> naming file, line and field.
/// </summary>
public static class CsvDatasetReader
{
    public static LabeledDataset Load(string path, CsvLoadOptions? options = null)
    {
        options ??= new CsvLoadOptions();
        if (!File.Exists(path))
            throw new DataFormatException(path, null, null, Directory.Exists(path) ? "is a folder, not a CSV file" : "file not found");
        byte[] bytes = File.ReadAllBytes(path);
        string text = DecodeUtf8(path, bytes);
        if (string.IsNullOrWhiteSpace(text))
            throw new DataFormatException(path, null, null, "the file is empty");

        try
        {
            using var reader = Sep.Reader(o => o with
            {
                Sep = new Sep(','),
                HasHeader = true,
                Unescape = true,
                DisableColCountCheck = true,
            }).FromText(text);

            var header = reader.Header.ColNames;
            bool hasRows = reader.MoveNext();
            var layout = CsvColumnLayout.Resolve(path, header, hasRows ? reader.Current[..].ToStringsArray() : null, options);
            var collector = new CsvRowCollector(path, header, layout, options);
            if (hasRows)
                do collector.Add(reader.Current); while (reader.MoveNext());
            return collector.ToDataset();
        }
        catch (Exception e) when (e is InvalidDataException or ArgumentException)
        {
            // What the CSV reader itself rejects (e.g. a header naming the same column twice).
            throw new DataFormatException(path, null, null, e.Message.Split('\n')[0].Trim());
        }
    }

    /// <summary>Decodes strictly: an invalid byte sequence is an error at its line and column, not a silent U+FFFD.</summary>
    static string DecodeUtf8(string path, byte[] bytes)
    {
        ReadOnlySpan<byte> content = bytes;
        if (content.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF])) content = content[3..];
        if (Utf8.IsValid(content)) return Encoding.UTF8.GetString(content);

        char[] scratch = ArrayPool<char>.Shared.Rent(content.Length);
        try
        {
            Utf8.ToUtf16(content, scratch, out int bytesRead, out _, replaceInvalidSequences: false);
            var before = content[..bytesRead];
            int lineStart = before.LastIndexOf((byte)'\n') + 1;
            int line = before.Count((byte)'\n') + 1;
            int column = Encoding.UTF8.GetCharCount(before[lineStart..]) + 1;
            throw new DataFormatException(path, line, column, $"invalid UTF-8 (byte 0x{content[bytesRead]:X2}); save the file as UTF-8");
        }
        finally
        {
            ArrayPool<char>.Shared.Return(scratch);
        }
    }
}
