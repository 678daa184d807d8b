using System.Globalization;
using ScottPlot;

namespace TextTagger.Evaluation;

/// <summary>
/// reliability.png: each label's reliability diagram (sklearn's calibration_curve: the mean probability of each
/// non-empty bin against the share of its rows that were positive) over the diagonal of perfect calibration, with
/// each label's expected calibration error in the legend.
/// </summary>
public static class ReliabilityChart
{
    public const string FileName = "reliability.png";

    static readonly CultureInfo C = CultureInfo.InvariantCulture;

    public static void Write(EvaluationReport report, string path)
    {
        var calibration = report.Calibration ?? throw new TextTaggerException("the report has no calibration metrics to draw");
        var plot = new Plot();
        var palette = new ScottPlot.Palettes.Category10();
        var legend = new List<LegendItem>();
        var perfect = plot.Add.Line(0, 0, 1, 1);
        perfect.LineColor = Colors.Gray;
        perfect.LineWidth = 1.5f;
        perfect.LinePattern = LinePattern.Dashed;
        for (int j = 0; j < calibration.Count; j++)
        {
            var c = calibration[j];
            var color = palette.GetColor(j);
            var bins = c.Bins.Where(b => b.Rows > 0).ToArray();
            var line = plot.Add.ScatterLine(bins.Select(b => b.MeanProbability!.Value).ToArray(), bins.Select(b => b.FractionPositive!.Value).ToArray(), color);
            line.LineWidth = 2.5f;
            line.MarkerSize = 7;
            legend.Add(new LegendItem { LabelText = string.Create(C, $"{c.Label} (ECE {c.ExpectedCalibrationError:F3}, Brier {c.Brier:F3})"), LineColor = color, LineWidth = 3 });
        }
        legend.Add(new LegendItem { LabelText = "perfectly calibrated", LineColor = Colors.Gray, LineWidth = 1.5f, LinePattern = LinePattern.Dashed });

        EvaluationCharts.UnitSquare(plot);
        EvaluationCharts.Style(plot,
            string.Create(C, $"Reliability ({report.RowCount:N0} rows, {CalibrationMetrics.BinCount} bins, mean ECE {report.MeanExpectedCalibrationError:F3})"),
            "Mean predicted probability in the bin", "Share of positives in the bin");
        plot.Legend.ManualItems.AddRange(legend);
        plot.Legend.FontSize = EvaluationCharts.LegendSize;
        plot.Legend.FontName = EvaluationCharts.FontName;
        plot.ShowLegend(Alignment.UpperLeft);
        plot.Font.Set(EvaluationCharts.FontName);
        plot.SavePng(path, 860, 800);
    }
}
