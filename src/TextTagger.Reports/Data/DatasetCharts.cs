using ScottPlot;

namespace TextTagger.Data;

/// <summary>PNG charts of <see cref="DatasetStats"/>: positives per label, and tagged vs untagged rows.</summary>
public static class DatasetCharts
{
    /// <summary>Writes label_counts.png and tagged_vs_untagged.png into <paramref name="directory"/>; returns their paths.</summary>
    public static IReadOnlyList<string> Write(DatasetStats stats, string directory)
    {
        Directory.CreateDirectory(directory);
        string labelCounts = Path.Combine(directory, "label_counts.png");
        string tagged = Path.Combine(directory, "tagged_vs_untagged.png");
        WriteLabelCounts(stats, labelCounts);
        WriteTaggedVsUntagged(stats, tagged);
        return [labelCounts, tagged];
    }

    public static void WriteLabelCounts(DatasetStats stats, string path)
    {
        var plot = new Plot();
        // Top to bottom in label order: the first label gets the highest position.
        int n = stats.Labels.Count;
        var bars = stats.Labels.Select((label, i) => new Bar
        {
            Position = n - 1 - i,
            Value = label.Positives,
            Label = $"{label.Positives:N0} ({label.Rate:P1})",
            FillColor = Colors.SteelBlue,
        }).ToList();
        var series = plot.Add.Bars(bars);
        series.Horizontal = true;
        series.ValueLabelStyle.FontSize = 14;
        plot.Axes.Left.SetTicks(stats.Labels.Select((_, i) => (double)(n - 1 - i)).ToArray(),
                                stats.Labels.Select(l => l.Label).ToArray());
        plot.Axes.Left.TickLabelStyle.FontSize = 14;
        plot.Axes.Margins(left: 0, right: 0.2);
        plot.Title($"Positive rows per label ({stats.Rows:N0} rows)");
        plot.XLabel("rows");
        plot.SavePng(path, 900, 120 + 60 * n);
    }

    public static void WriteTaggedVsUntagged(DatasetStats stats, string path)
    {
        var plot = new Plot();
        var bars = new List<Bar>
        {
            new() { Position = 0, Value = stats.UntaggedRows, Label = $"{stats.UntaggedRows:N0}", FillColor = Colors.SeaGreen },
            new() { Position = 1, Value = stats.TaggedRows, Label = $"{stats.TaggedRows:N0}", FillColor = Colors.IndianRed },
        };
        var series = plot.Add.Bars(bars);
        series.ValueLabelStyle.FontSize = 14;
        plot.Axes.Bottom.SetTicks([0, 1], ["no label (clean)", "at least one label"]);
        plot.Axes.Bottom.TickLabelStyle.FontSize = 14;
        plot.Axes.Margins(bottom: 0, top: 0.15);
        plot.Title($"Clean vs tagged rows ({stats.Rows:N0} rows)");
        plot.YLabel("rows");
        plot.SavePng(path, 700, 500);
    }
}
