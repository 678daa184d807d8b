using System.Diagnostics;

namespace TextTagger.Bench;

/// <summary>Median and 10th/90th percentiles of a set of timings (linear interpolation, as the Python script).</summary>
readonly record struct TimingStats(double Median, double P10, double P90, int Count)
{
    public static TimingStats Of(IReadOnlyCollection<double> seconds)
    {
        if (seconds.Count == 0) return new TimingStats(double.NaN, double.NaN, double.NaN, 0);
        var sorted = seconds.OrderBy(s => s).ToArray();
        return new TimingStats(Percentile(sorted, 0.5), Percentile(sorted, 0.1), Percentile(sorted, 0.9), sorted.Length);
    }

    static double Percentile(double[] sorted, double q)
    {
        double position = (sorted.Length - 1) * q;
        int lo = (int)Math.Floor(position), hi = (int)Math.Ceiling(position);
        return sorted[lo] + (sorted[hi] - sorted[lo]) * (position - lo);
    }

    /// <summary>Times <paramref name="work"/> <paramref name="runs"/> times after <paramref name="warmup"/> untimed runs.</summary>
    public static TimingStats Measure(int warmup, int runs, Action work)
    {
        for (int i = 0; i < warmup; i++) work();
        var times = new List<double>(runs);
        for (int i = 0; i < runs; i++)
        {
            long start = Stopwatch.GetTimestamp();
            work();
            times.Add(Stopwatch.GetElapsedTime(start).TotalSeconds);
        }
        return Of(times);
    }

    public override string ToString() => $"{Median:F3} s (p10 {P10:F3}, p90 {P90:F3}, n={Count})";
}
