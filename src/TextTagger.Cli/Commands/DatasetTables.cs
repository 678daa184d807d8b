using Spectre.Console;
using TextTagger.Data;

namespace TextTagger.Cli.Commands;

/// <summary>Console tables for dataset statistics.</summary>
static class DatasetTables
{
    public static void Write(IAnsiConsole console, DatasetStats stats)
    {
        var labels = new Table().Title("Positives per label").AddColumns("label", "positives", "rate");
        foreach (var label in stats.Labels)
            labels.AddRow(label.Label, $"{label.Positives:N0}", $"{label.Rate:P2}");
        console.Write(labels.RightAligned(1, 2));

        var tagged = new Table().Title("Clean vs tagged rows").AddColumns("rows", "count", "share");
        tagged.AddRow("no label (clean)", $"{stats.UntaggedRows:N0}", $"{Share(stats.UntaggedRows, stats.Rows):P2}");
        tagged.AddRow("at least one label", $"{stats.TaggedRows:N0}", $"{Share(stats.TaggedRows, stats.Rows):P2}");
        console.Write(tagged.RightAligned(1, 2));

        var cooccurrence = new Table().Title("Label co-occurrence (rows carrying both)").AddColumn("");
        foreach (var label in stats.Labels) cooccurrence.AddColumn(new TableColumn(label.Label).RightAligned());
        for (int a = 0; a < stats.Labels.Count; a++)
            cooccurrence.AddRow([stats.Labels[a].Label, .. stats.Labels.Select((_, b) => $"{stats.CoOccurrence[a, b]:N0}")]);
        console.Write(cooccurrence);

        console.Write(LengthTable("Text length (characters)", stats.TextLengthChars));
    }

    public static Table LengthTable(string title, LengthDistribution lengths, bool shareOverLimits = false)
    {
        var table = new Table().Title(title).AddColumns("mean", "p50", "p90", "p95", "p99", "max");
        var cells = new List<string> { $"{lengths.Mean:N1}", $"{lengths.P50:N0}", $"{lengths.P90:N0}", $"{lengths.P95:N0}", $"{lengths.P99:N0}", $"{lengths.Max:N0}" };
        if (shareOverLimits)
            foreach (int limit in new[] { 128, 256, 512 })
            {
                table.AddColumn($"> {limit}");
                cells.Add($"{lengths.ShareOver(limit):P1}");
            }
        table.AddRow(cells.ToArray());
        foreach (var column in table.Columns) column.RightAligned();
        return table;
    }

    public static void WriteSplit(IAnsiConsole console, LabeledDataset train, LabeledDataset validation, int seed)
    {
        var table = new Table().Title($"Split (validation first), then balance the training part (seed {seed})")
            .AddColumns("part", "rows", "tagged", "clean");
        foreach (var (name, part) in new[] { ("train (balanced)", train), ("validation", validation) })
        {
            int tagged = part.Rows.Count(r => r.IsTagged);
            table.AddRow(name, $"{part.Count:N0}", $"{tagged:N0}", $"{part.Count - tagged:N0}");
        }
        console.Write(table.RightAligned(1, 2, 3));
    }

    static double Share(int part, int whole) => whole == 0 ? 0 : (double)part / whole;
}
