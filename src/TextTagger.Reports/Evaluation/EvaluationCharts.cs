using System.Globalization;
using ScottPlot;
using ScottPlot.MultiplotLayouts;

namespace TextTagger.Evaluation;

/// <summary>
/// PNG charts of an <see cref="EvaluationReport"/>: roc_curves.png (every label's ROC curve with the chance
/// diagonal), confusion_matrices.png (a 2×2 heatmap per label at 0.5 and at the tuned thresholds) and
/// f1_by_label.png (F1 per label at 0.5 vs tuned, grouped bars). ROC curves need a report that still has its
/// curves (as computed, not read back from a metrics.json written without them).
/// </summary>
public static class EvaluationCharts
{
    public const string RocCurvesFile = "roc_curves.png";
    public const string ConfusionMatricesFile = "confusion_matrices.png";
    public const string F1ByLabelFile = "f1_by_label.png";

    internal const float TitleSize = 20, AxisLabelSize = 17, TickSize = 14, LegendSize = 14;
    /// <summary>A sans-serif face (as seaborn's); ScottPlot falls back to its default when it is not installed.</summary>
    internal const string FontName = "DejaVu Sans";
    static readonly CultureInfo C = CultureInfo.InvariantCulture;

    /// <summary>Writes the three charts (and <see cref="ReliabilityChart"/> when the report has calibration metrics) into <paramref name="directory"/>; returns their paths.</summary>
    public static IReadOnlyList<string> Write(EvaluationReport report, string directory)
    {
        Directory.CreateDirectory(directory);
        string roc = Path.Combine(directory, RocCurvesFile);
        string confusion = Path.Combine(directory, ConfusionMatricesFile);
        string f1 = Path.Combine(directory, F1ByLabelFile);
        WriteRocCurves(report, roc);
        WriteConfusionMatrices(report, confusion);
        WriteF1ByLabel(report, f1);
        if (report.Calibration is null) return [roc, confusion, f1];
        string reliability = Path.Combine(directory, ReliabilityChart.FileName);
        ReliabilityChart.Write(report, reliability);
        return [roc, confusion, f1, reliability];
    }

    /// <summary>A short name for the tuned thresholds, for titles and legends.</summary>
    public static string TunedName(TunedThresholdsSource? source) => source switch
    {
        TunedThresholdsSource.Model => "model's tuned thresholds",
        TunedThresholdsSource.Given => "given threshold",
        TunedThresholdsSource.TunedOnThisData => "tuned on this data (optimistic)",
        _ => "tuned thresholds",
    };

    /// <summary>"at …" phrases for the tuned thresholds.</summary>
    static string TunedPhrase(TunedThresholdsSource? source) => source switch
    {
        TunedThresholdsSource.Model => "the model's tuned thresholds",
        TunedThresholdsSource.Given => "the given threshold",
        TunedThresholdsSource.TunedOnThisData => "thresholds tuned on this data (optimistic)",
        _ => "tuned thresholds",
    };

    public static void WriteRocCurves(EvaluationReport report, string path)
    {
        var plot = new Plot();
        var palette = new ScottPlot.Palettes.Category10();
        var legend = new List<LegendItem>();
        for (int j = 0; j < report.Ranking.Count; j++)
        {
            var r = report.Ranking[j];
            var color = palette.GetColor(j);
            if (r.RocCurve is { } curve && r.RocAuc is { } auc)
            {
                var line = plot.Add.ScatterLine(curve.FalsePositiveRates, curve.TruePositiveRates, color);
                line.LineWidth = 2.5f;
                line.MarkerSize = 0;
                legend.Add(new LegendItem { LabelText = string.Create(C, $"{r.Label} (AUROC {auc:F3}, {r.Positives:N0} pos.)"), LineColor = color, LineWidth = 3 });
            }
            else
                legend.Add(new LegendItem
                {
                    LabelText = r.RocAuc is null ? $"{r.Label} (AUROC n/a: one class only)" : $"{r.Label} (curve not available)",
                    LineColor = color, LineWidth = 3, LinePattern = LinePattern.Dotted,
                });
        }
        var chance = plot.Add.Line(0, 0, 1, 1);
        chance.LineColor = Colors.Gray;
        chance.LineWidth = 1.5f;
        chance.LinePattern = LinePattern.Dashed;
        legend.Add(new LegendItem { LabelText = "chance (AUROC 0.500)", LineColor = Colors.Gray, LineWidth = 1.5f, LinePattern = LinePattern.Dashed });

        UnitSquare(plot);
        Style(plot, report.MeanRocAuc is { } mean
                ? string.Create(C, $"ROC curves ({report.RowCount:N0} rows, mean AUROC {mean:F3})")
                : string.Create(C, $"ROC curves ({report.RowCount:N0} rows)"),
            "False positive rate", "True positive rate");
        plot.Legend.ManualItems.AddRange(legend);
        plot.Legend.FontSize = LegendSize;
        plot.Legend.FontName = FontName;
        plot.ShowLegend(Alignment.LowerRight);
        plot.Font.Set(FontName); // again: legend items added after Style
        plot.SavePng(path, 860, 800);
    }

    public static void WriteConfusionMatrices(EvaluationReport report, string path)
    {
        var sets = new List<(string Name, ThresholdedEvaluation Evaluation)> { ("threshold 0.5", report.AtDefaultThreshold) };
        if (report.AtTunedThresholds is { } tuned) sets.Add((TunedPhrase(report.TunedThresholdsSource), tuned));

        int labels = report.LabelNames.Count;
        int columns = Math.Min(labels, 6);
        int labelRows = (labels + columns - 1) / columns;
        const int headerUnits = 1, blockUnits = 5; // grid units: a header strip above each row of matrices
        int gridRows = labelRows * sets.Count * (headerUnits + blockUnits);

        var multiplot = new Multiplot();
        var layout = new CustomGrid();
        int band = 0;
        for (int lr = 0; lr < labelRows; lr++)
            for (int s = 0; s < sets.Count; s++, band++)
            {
                int top = band * (headerUnits + blockUnits);
                var header = new Plot();
                header.HideAxesAndGrid();
                header.Title(string.Create(C, $"Confusion matrices at {sets[s].Name} ({report.RowCount:N0} rows)"), TitleSize);
                header.Font.Set(FontName);
                header.Axes.Title.Label.Bold = true;
                multiplot.AddPlot(header);
                layout.Set(header, new GridCell(top, 0, gridRows, columns, headerUnits, columns));
                for (int c = 0; c < columns; c++)
                {
                    int j = lr * columns + c;
                    if (j >= labels) break;
                    var cell = MatrixPlot(sets[s].Evaluation.ConfusionMatrices[j], sets[s].Evaluation.Thresholds[j]);
                    multiplot.AddPlot(cell);
                    layout.Set(cell, new GridCell(top + headerUnits, c, gridRows, columns, blockUnits, 1));
                }
            }
        multiplot.Layout = layout;
        int width = 40 + 300 * columns;
        int height = labelRows * sets.Count * (60 + 300);
        multiplot.SavePng(path, width, height);
    }

    static Plot MatrixPlot(LabelConfusionMatrix m, double threshold)
    {
        var plot = new Plot();
        var colormap = new ScottPlot.Colormaps.Blues();
        int[,] counts = { { m.TrueNegatives, m.FalsePositives }, { m.FalseNegatives, m.TruePositives } };
        for (int actual = 0; actual < 2; actual++)
        {
            int rowTotal = counts[actual, 0] + counts[actual, 1];
            for (int predicted = 0; predicted < 2; predicted++)
            {
                double share = rowTotal == 0 ? 0 : (double)counts[actual, predicted] / rowTotal;
                double y = 1 - actual; // actual 0 on top, as sklearn's ConfusionMatrixDisplay
                var rect = plot.Add.Rectangle(predicted - 0.5, predicted + 0.5, y - 0.5, y + 0.5);
                var fill = CellColor(colormap, share);
                rect.FillColor = fill;
                rect.LineColor = Colors.White;
                rect.LineWidth = 2;
                var ink = Luminance(fill) < 0.5 ? Colors.White : Colors.Black;
                var count = plot.Add.Text(counts[actual, predicted].ToString("N0", C), predicted, y + 0.1);
                count.Alignment = Alignment.MiddleCenter;
                count.LabelFontSize = 19;
                count.LabelBold = true;
                count.LabelFontName = FontName;
                count.LabelFontColor = ink;
                var percent = plot.Add.Text(string.Create(C, $"{share * 100:F1}% of row"), predicted, y - 0.17);
                percent.Alignment = Alignment.MiddleCenter;
                percent.LabelFontSize = 13;
                percent.LabelFontName = FontName;
                percent.LabelFontColor = ink;
            }
        }
        plot.Axes.SetLimits(-0.5, 1.5, -0.5, 1.5);
        plot.Axes.Bottom.SetTicks([0, 1], ["0", "1"]);
        plot.Axes.Left.SetTicks([1, 0], ["0", "1"]);
        plot.HideGrid();
        Style(plot, string.Create(C, $"{m.Label} (≥ {threshold:0.###})"), "predicted", "actual");
        plot.Axes.Title.Label.FontSize = 17;
        plot.Axes.Title.Label.Bold = true;
        plot.Axes.Bottom.Label.FontSize = 15;
        plot.Axes.Left.Label.FontSize = 15;
        return plot;
    }

    /// <summary>Light for a small share of the row, dark for most of it (Blues from near-white).</summary>
    static Color CellColor(IColormap colormap, double share)
    {
        var a = colormap.GetColor(0.0);
        var b = colormap.GetColor(1.0);
        // Colormaps differ in direction: make 0 the light end.
        return Luminance(a) >= Luminance(b) ? colormap.GetColor(0.05 + 0.9 * share) : colormap.GetColor(0.95 - 0.9 * share);
    }

    static double Luminance(Color c) => (0.2126 * c.Red + 0.7152 * c.Green + 0.0722 * c.Blue) / 255.0;

    public static void WriteF1ByLabel(EvaluationReport report, string path)
    {
        var plot = new Plot();
        var tuned = report.AtTunedThresholds;
        string tunedName = TunedName(report.TunedThresholdsSource);
        var defaultColor = new Color(0x4C, 0x72, 0xB0); // seaborn "deep" blue and orange
        var tunedColor = new Color(0xDD, 0x84, 0x52);

        var groups = report.AtDefaultThreshold.Report.Labels.Select(r => r.Name)
            .Concat(["micro avg", "macro avg"]).ToArray();
        var bars = new List<Bar>();
        double width = tuned is null ? 0.6 : 0.38;
        for (int g = 0; g < groups.Length; g++)
        {
            // A gap before the averages sets them apart from the labels.
            double center = g < groups.Length - 2 ? g : g + 0.5;
            double at05 = F1Of(report.AtDefaultThreshold.Report, g);
            bars.Add(Bar(tuned is null ? center : center - width / 2, at05, width, defaultColor));
            if (tuned is not null)
                bars.Add(Bar(center + width / 2, F1Of(tuned.Report, g), width, tunedColor));
        }
        var series = plot.Add.Bars(bars);
        series.ValueLabelStyle.FontSize = 12;

        var positions = groups.Select((_, g) => g < groups.Length - 2 ? (double)g : g + 0.5).ToArray();
        plot.Axes.Bottom.SetTicks(positions, groups);
        // Room above 1.0 for the value labels and the legend, so neither covers a bar.
        plot.Axes.SetLimits(-0.7, positions[^1] + 0.7, 0, 1.3);
        var ticks = new[] { 0.0, 0.2, 0.4, 0.6, 0.8, 1.0 };
        plot.Axes.Left.SetTicks(ticks, ticks.Select(t => t.ToString("0.0", C)).ToArray());
        plot.Axes.Left.MajorTickStyle.Length = 4;
        plot.Grid.XAxisStyle.MajorLineStyle.Width = 0;

        Style(plot, tuned is null
                ? string.Create(C, $"F1 per label at threshold 0.5 ({report.RowCount:N0} rows)")
                : string.Create(C, $"F1 per label, {report.RowCount:N0} rows: threshold 0.5 vs {tunedName}"),
            "", "F1");
        plot.Legend.ManualItems.Add(new LegendItem { LabelText = "threshold 0.5", FillColor = defaultColor });
        if (tuned is not null) plot.Legend.ManualItems.Add(new LegendItem { LabelText = tunedName, FillColor = tunedColor });
        plot.Legend.FontSize = LegendSize;
        plot.Legend.FontName = FontName;
        plot.ShowLegend(Alignment.UpperRight);
        plot.Font.Set(FontName); // again: legend items added after Style
        int groupWidth = Math.Max(150, 30 + 10 * groups.Max(g => g.Length));
        plot.SavePng(path, Math.Max(900, 120 + groupWidth * groups.Length), 620);
    }

    static double F1Of(ClassificationReport report, int group) => group switch
    {
        _ when group < report.Labels.Count => report.Labels[group].F1,
        _ when group == report.Labels.Count => report.MicroAverage.F1,
        _ => report.MacroAverage.F1,
    };

    static Bar Bar(double position, double value, double size, Color color) => new()
    {
        Position = position,
        Value = value,
        Size = size,
        FillColor = color,
        LineWidth = 0,
        Label = value.ToString("0.00", C),
    };

    /// <summary>Both axes from 0 to 1 with ticks every 0.2 (ROC curves, reliability diagrams).</summary>
    internal static void UnitSquare(Plot plot)
    {
        plot.Axes.SetLimits(-0.01, 1.01, -0.01, 1.01);
        var ticks = new[] { 0.0, 0.2, 0.4, 0.6, 0.8, 1.0 };
        var tickText = ticks.Select(t => t.ToString("0.0", C)).ToArray();
        plot.Axes.Bottom.SetTicks(ticks, tickText);
        plot.Axes.Left.SetTicks(ticks, tickText);
    }

    internal static void Style(Plot plot, string title, string xLabel, string yLabel)
    {
        plot.Font.Set(FontName);
        plot.Title(title, TitleSize);
        if (xLabel.Length > 0) plot.XLabel(xLabel, AxisLabelSize);
        plot.YLabel(yLabel, AxisLabelSize);
        plot.Axes.Bottom.TickLabelStyle.FontSize = TickSize;
        plot.Axes.Left.TickLabelStyle.FontSize = TickSize;
    }
}
