using System.Globalization;
using System.Numerics;
using System.Text;

namespace TextTagger.Evaluation;

/// <summary>
/// Python's <c>format(x, ".{digits}f")</c>: the exact binary value rounded half-to-even (0.125 → "0.12",
/// 0.375 → "0.38"). .NET's "F" format rounds exact halves away from zero, which would differ from sklearn's report.
/// </summary>
internal static class PythonFixedFormat
{
    public static string Format(double value, int digits)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(digits);
        if (double.IsNaN(value)) return "nan";
        if (double.IsInfinity(value)) return value > 0 ? "inf" : "-inf";

        long bits = BitConverter.DoubleToInt64Bits(value);
        bool negative = bits < 0;
        int exponentBits = (int)((bits >> 52) & 0x7FF);
        long fraction = bits & 0xFFFFFFFFFFFFFL;
        // value = mantissa · 2^exponent, exactly.
        long mantissa = exponentBits == 0 ? fraction : fraction | (1L << 52);
        int exponent = exponentBits == 0 ? -1074 : exponentBits - 1075;

        BigInteger scaled = mantissa * BigInteger.Pow(10, digits);
        BigInteger rounded;
        if (exponent >= 0)
        {
            rounded = scaled << exponent;
        }
        else
        {
            BigInteger denominator = BigInteger.One << -exponent;
            rounded = BigInteger.DivRem(scaled, denominator, out BigInteger remainder);
            int half = (remainder * 2).CompareTo(denominator);
            if (half > 0 || (half == 0 && !rounded.IsEven)) rounded += 1;
        }

        string text = rounded.ToString(CultureInfo.InvariantCulture).PadLeft(digits + 1, '0');
        var result = new StringBuilder();
        if (negative) result.Append('-');
        result.Append(text, 0, text.Length - digits);
        if (digits > 0) result.Append('.').Append(text, text.Length - digits, digits);
        return result.ToString();
    }
}
