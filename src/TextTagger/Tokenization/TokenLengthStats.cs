namespace TextTagger.Tokenization;

/// <summary>
/// How long texts are in tokens ([CLS] and [SEP] included, before truncation): percentiles (nearest rank) and the
/// share of texts that a maximum of 128, 256 or 512 tokens would truncate.
/// </summary>
public sealed class TokenLengthStats
{
    readonly int[] _sorted;

    TokenLengthStats(int[] sorted) => _sorted = sorted;

    /// <summary>Counts the tokens of every text, on all cores.</summary>
    public static TokenLengthStats Compute(BertTokenizer tokenizer, IReadOnlyList<string> texts)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        ArgumentNullException.ThrowIfNull(texts);
        var lengths = new int[texts.Count];
        Parallel.For(0, texts.Count, i => lengths[i] = tokenizer.CountTokens(texts[i]));
        return FromLengths(lengths);
    }

    /// <summary>From token counts already known.</summary>
    public static TokenLengthStats FromLengths(IEnumerable<int> lengths)
    {
        var sorted = lengths.ToArray();
        if (sorted.Length == 0) throw new TextTaggerException("No texts to compute token lengths of.");
        Array.Sort(sorted);
        return new TokenLengthStats(sorted);
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
