using System.Globalization;
using System.Text;

namespace TextTagger.Evaluation;

/// <summary>
/// Prints a <see cref="ClassificationReport"/> character for character as sklearn's
/// <c>classification_report(..., digits=digits)</c> string for multi-label data: right-aligned names, four columns
/// of width 9, a blank line after the header and after the labels, then micro/macro/weighted/samples averages.
/// </summary>
public static class ClassificationReportText
{
    private static readonly string[] Headers = ["precision", "recall", "f1-score", "support"];
    private const string LongestAverageName = "weighted avg";

    public static string Render(ClassificationReport report, int digits = 2)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(digits);
        int width = Math.Max(Math.Max(report.Labels.Max(r => r.Name.Length), LongestAverageName.Length), digits);
        var text = new StringBuilder();
        text.Append(new string(' ', width)).Append(' ');
        foreach (var header in Headers) text.Append(' ').Append(header.PadLeft(9));
        text.Append("\n\n");
        foreach (var row in report.Labels) AppendRow(text, row, width, digits);
        text.Append('\n');
        foreach (var row in report.Averages()) AppendRow(text, row, width, digits);
        return text.ToString();
    }

    private static void AppendRow(StringBuilder text, ClassificationReportRow row, int width, int digits)
    {
        text.Append(row.Name.PadLeft(width)).Append(' ');
        foreach (double value in new[] { row.Precision, row.Recall, row.F1 })
            text.Append(' ').Append(PythonFixedFormat.Format(value, digits).PadLeft(9));
        text.Append(' ').Append(row.Support.ToString(CultureInfo.InvariantCulture).PadLeft(9)).Append('\n');
    }
}
