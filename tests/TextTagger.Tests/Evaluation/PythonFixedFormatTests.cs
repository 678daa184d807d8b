using TextTagger.Evaluation;

namespace TextTagger.Tests.Evaluation;

public class PythonFixedFormatTests
{
    [Theory]
    [InlineData(0.125, 2, "0.12")]     // exact half → even
    [InlineData(0.375, 2, "0.38")]
    [InlineData(0.625, 2, "0.62")]
    [InlineData(0.03125, 4, "0.0312")]
    [InlineData(0.09375, 4, "0.0938")]
    [InlineData(0.145, 2, "0.14")]     // 0.145 is stored just below 0.145
    [InlineData(0.155, 2, "0.15")]     // stored as 0.15499999999999999889
    [InlineData(0.675, 2, "0.68")]     // stored as 0.67500000000000004441: just above the half
    [InlineData(1.0, 2, "1.00")]
    [InlineData(0.0, 4, "0.0000")]
    [InlineData(0.99999, 2, "1.00")]
    [InlineData(2.5, 0, "2")]
    [InlineData(3.5, 0, "4")]
    [InlineData(-0.125, 2, "-0.12")]
    [InlineData(123.456, 1, "123.5")]
    [InlineData(1e-300, 3, "0.000")]
    [InlineData(-0.0, 2, "-0.00")]
    [InlineData(0.8500000000000001, 1, "0.9")]
    [InlineData(0.25, 1, "0.2")]
    [InlineData(0.75, 1, "0.8")]
    public void Formats_like_python_fixed_point_with_round_half_even_on_the_exact_binary_value(double value, int digits, string python)
    {
        Assert.Equal(python, PythonFixedFormat.Format(value, digits));
    }
}
