namespace TextTagger.Data;

/// <summary>
/// A distribution of text lengths (in characters or tokens): percentiles (nearest rank), mean, max, and the share
/// of texts longer than a limit (for tokens: what a maximum of 128, 256 or 512 would truncate).
/// </summary>
public sealed class LengthDistribution
{
    readonly int[] _sorted;

    LengthDistribution(int[] sorted) => _sorted = sorted;

    /// <summary>From lengths already known.</summary>
    public static LengthDistribution FromLengths(IEnumerable<int> lengths)
    {
        var sorted = lengths.ToArray();
        if (sorted.Length == 0) throw new TextTaggerException("No texts to compute lengths of.");
        Array.Sort(sorted);
        return new LengthDistribution(sorted);
    }

    public int Count => _sorted.Length;
    public int Min => _sorted[0];
    public int Max => _sorted[^1];
    public double Mean => _sorted.Average();
    public int P50 => Percentile(50);
    public int P90 => Percentile(90);
    public int P95 => Percentile(95);
    public int P99 => Percentile(99);
    public double ShareOver128 => ShareOver(128);
    public double ShareOver256 => ShareOver(256);
    public double ShareOver512 => ShareOver(512);

    /// <summary>Token counts, ascending.</summary>
    public IReadOnlyList<int> SortedLengths => _sorted;

    /// <summary>The smallest length that at least <paramref name="percent"/>% of the texts do not exceed.</summary>
    public int Percentile(double percent)
    {
        if (percent is < 0 or > 100) throw new ArgumentOutOfRangeException(nameof(percent));
        int rank = (int)Math.Ceiling(percent / 100 * _sorted.Length);
        return _sorted[Math.Clamp(rank - 1, 0, _sorted.Length - 1)];
    }

    /// <summary>Share (0–1) of texts longer than <paramref name="maxTokens"/>, i.e. that it would truncate.</summary>
    public double ShareOver(int maxTokens)
    {
        int firstOver = UpperBound(maxTokens);
        return (double)(_sorted.Length - firstOver) / _sorted.Length;
    }

    int UpperBound(int value)
    {
        int lo = 0, hi = _sorted.Length;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (_sorted[mid] <= value) lo = mid + 1; else hi = mid;
        }
        return lo;
    }

    public override string ToString() =>
        $"{Count} texts: p50 {P50}, p90 {P90}, p95 {P95}, p99 {P99}, max {Max} tokens; " +
        $"over 128: {ShareOver128:P1}, over 256: {ShareOver256:P1}, over 512: {ShareOver512:P1}";
}
