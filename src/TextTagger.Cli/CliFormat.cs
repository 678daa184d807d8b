using Spectre.Console;

namespace TextTagger.Cli;

/// <summary>Formatting shared by the console tables and progress lines.</summary>
static class CliFormat
{
    /// <summary>An AUROC with 4 decimals, or "n/a" where it is undefined (a label with one class).</summary>
    public static string Auc(double? value) => value is double v ? v.ToString("F4", System.Globalization.CultureInfo.InvariantCulture) : "n/a";

    /// <summary>Right-aligns the given columns (numbers) of a table.</summary>
    public static Table RightAligned(this Table table, params int[] columns)
    {
        foreach (int c in columns) table.Columns[c].RightAligned();
        return table;
    }
}
