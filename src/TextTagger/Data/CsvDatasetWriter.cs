using nietras.SeparatedValues;

namespace TextTagger.Data;

/// <summary>Writes a dataset back as CSV (id, text, labels), atomically: a temp file renamed into place.</summary>
public static class CsvDatasetWriter
{
    public static void Write(LabeledDataset data, string path, string textColumn = CsvLoadOptions.DefaultTextColumn,
                             string idColumn = CsvLoadOptions.DefaultIdColumn)
    {
        bool hasIds = data.Rows.Count > 0 && data.Rows.All(r => r.Id != null);
        using var file = new AtomicFile(path);
        using (var writer = Sep.Writer(o => o with { Sep = new Sep(','), Escape = true }).To(file.Writer, leaveOpen: true))
        {
            foreach (var row in data.Rows)
            {
                using var line = writer.NewRow();
                if (hasIds) line[idColumn].Set(row.Id);
                line[textColumn].Set(row.Text);
                for (int l = 0; l < data.LabelNames.Count; l++)
                    line[data.LabelNames[l]].Set(row.Labels[l] == 1 ? "1" : "0");
            }
        }
        file.Commit();
    }
}
