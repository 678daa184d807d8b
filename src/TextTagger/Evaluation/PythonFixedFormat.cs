using System.Globalization;

namespace TextTagger.Evaluation;

/// <summary>
/// Python's <c>format(x, ".{digits}f")</c>, as used by sklearn's classification report: the exact binary value
/// rounded half-to-even (0.125 → "0.12", 0.03125 → "0.0312", 0.675 → "0.68" since it is stored just above the half).
/// .NET's invariant "F" format does the same since .NET Core 3.0; PythonFixedFormatTests pin that behaviour.
/// </summary>
internal static class PythonFixedFormat
{
    public static string Format(double value, int digits)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(digits);
        return value.ToString("F" + digits.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
    }
}
