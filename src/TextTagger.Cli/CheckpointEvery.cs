using System.Globalization;
using System.Text.RegularExpressions;

namespace TextTagger.Cli;

/// <summary>--checkpoint-every: "5m", "90s", "1h", "200steps" or "off".</summary>
static partial class CheckpointEvery
{
    [GeneratedRegex(@"^\s*(?<n>\d+(\.\d+)?)\s*(?<unit>s|m|h|steps?)\s*$", RegexOptions.IgnoreCase)]
    private static partial Regex Value();

    public static (TimeSpan? Interval, int? Steps) Parse(string value)
    {
        if (value.Trim().Equals("off", StringComparison.OrdinalIgnoreCase)) return (null, null);
        var match = Value().Match(value);
        if (!match.Success)
            throw new TextTaggerException($"--checkpoint-every: '{value}' is not a time (5m, 90s, 1h), a step count (200steps) or off");
        double n = double.Parse(match.Groups["n"].Value, CultureInfo.InvariantCulture);
        string unit = match.Groups["unit"].Value.ToLowerInvariant();
        if (unit.StartsWith("step"))
            return n >= 1 && n == Math.Floor(n) && n <= int.MaxValue ? (null, (int)n)
                : throw new TextTaggerException($"--checkpoint-every: '{value}': a whole number of steps ≥ 1");
        var interval = unit switch { "s" => TimeSpan.FromSeconds(n), "m" => TimeSpan.FromMinutes(n), _ => TimeSpan.FromHours(n) };
        return interval > TimeSpan.Zero ? (interval, null) : throw new TextTaggerException($"--checkpoint-every: '{value}' must be longer than 0");
    }
}
