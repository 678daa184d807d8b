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
        string text = StrictUtf8.Decode(path, bytes);
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
}
