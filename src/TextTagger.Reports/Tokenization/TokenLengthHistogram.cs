using TextTagger.Data;
using ScottPlot;

namespace TextTagger.Tokenization;

/// <summary>Draws the token-length distribution as a PNG histogram, with the 128/256/512 limits marked.</summary>
public static class TokenLengthHistogram
{
    /// <summary>Texts longer than this are counted in the last bar.</summary>
    public const int DisplayLimit = 1024;
    const int BinSize = 16;

    public static void WritePng(LengthDistribution stats, string path, int width = 900, int height = 500)
    {
        ArgumentNullException.ThrowIfNull(stats);
        string? directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (directory != null) Directory.CreateDirectory(directory);

        int top = Math.Min(stats.Max, DisplayLimit);
        int bins = top / BinSize + 1;
        var counts = new double[bins];
        foreach (int length in stats.SortedLengths) counts[Math.Min(length, DisplayLimit) / BinSize]++;

        var plot = new Plot();
        var bars = new List<Bar>(bins);
        for (int i = 0; i < bins; i++)
            bars.Add(new Bar { Position = i * BinSize + BinSize / 2.0, Value = counts[i], Size = BinSize, LineWidth = 0 });
        plot.Add.Bars(bars);
        var limits = new (int Tokens, Color Color)[] { (128, Colors.Orange), (256, Colors.OrangeRed), (512, Colors.DarkRed) };
        foreach (var (limit, color) in limits)
        {
            if (limit > top + BinSize) continue;
            var line = plot.Add.VerticalLine(limit, width: 1.5f, color: color, pattern: LinePattern.Dashed);
            line.LegendText = $"{limit} tokens: {stats.ShareOver(limit):P1} of texts longer";
        }
        plot.ShowLegend(Alignment.UpperRight);
        plot.Title($"Token lengths of {stats.Count:N0} texts (p50 {stats.P50}, p95 {stats.P95}, max {stats.Max})");
        plot.XLabel(stats.Max > DisplayLimit ? $"tokens ([CLS]/[SEP] included; ≥ {DisplayLimit} in last bar)" : "tokens ([CLS]/[SEP] included)");
        plot.YLabel("texts");
        plot.Axes.Margins(bottom: 0);
        plot.SavePng(path, width, height);
    }
}
