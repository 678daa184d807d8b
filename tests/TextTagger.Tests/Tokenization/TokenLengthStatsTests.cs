using TextTagger.Tests.TestSupport;
using TextTagger.Data;
using TextTagger.Tokenization;
using Xunit.Abstractions;

namespace TextTagger.Tests.Tokenization;

public class TokenLengthStatsTests(TokenizerFixture fixture, ITestOutputHelper output) : IClassFixture<TokenizerFixture>
{
    [Fact]
    public void Percentiles_use_the_nearest_rank_and_shares_count_texts_strictly_over_the_limit()
    {
        var stats = LengthDistribution.FromLengths(Enumerable.Range(1, 1000).Reverse());
        Assert.Equal((500, 900, 950, 990, 1000, 1), (stats.P50, stats.P90, stats.P95, stats.P99, stats.Max, stats.Min));
        Assert.Equal(500.5, stats.Mean, 10);
        Assert.Equal(0.872, stats.ShareOver128, 10);
        Assert.Equal(0.744, stats.ShareOver256, 10);
        Assert.Equal(0.488, stats.ShareOver512, 10);
        Assert.Equal(0.0, stats.ShareOver(1000));
        Assert.Equal(1, LengthDistribution.FromLengths([7]).Count);
        Assert.Throws<TextTaggerException>(() => LengthDistribution.FromLengths([]));
    }

    [Fact]
    public void Compute_counts_untruncated_tokens_of_every_text()
    {
        string[] texts = ["", "hello world", string.Join(' ', Enumerable.Repeat("word", 700))];
        var stats = TokenLengthStats.Compute(fixture.Tokenizer, texts);
        Assert.Equal([2, 4, 702], stats.SortedLengths);
        Assert.Equal(1.0 / 3, stats.ShareOver512, 10);
    }

    [Fact]
    public void Shared_comments_statistics_and_histogram_png()
    {
        var texts = SharedData.Comments;
        var stats = TokenLengthStats.Compute(fixture.Tokenizer, texts);
        output.WriteLine(stats.ToString());
        Assert.Equal(texts.Count, stats.Count);
        int[] sample = [0, 1000, 20_000, texts.Count - 1];
        foreach (int i in sample) Assert.Contains(fixture.Tokenizer.CountTokens(texts[i]), stats.SortedLengths);
        Assert.True(stats.P50 <= stats.P90 && stats.P90 <= stats.P95 && stats.P95 <= stats.P99 && stats.P99 <= stats.Max);
        Assert.True(stats.ShareOver128 > stats.ShareOver256 && stats.ShareOver256 > stats.ShareOver512 && stats.ShareOver512 > 0);
        Assert.InRange(stats.P50, 20, 200); // Jigsaw comments: a median of a few dozen words

        using var directory = new TempFolder();
        string png = directory.Combine("plots/token_lengths.png");
        TokenLengthHistogram.WritePng(stats, png, 900, 500);
        byte[] bytes = File.ReadAllBytes(png);
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, bytes[..4]);
        int width = System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(16));
        int height = System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(20));
        Assert.Equal((900, 500), (width, height));
        Assert.True(bytes.Length > 10_000, $"PNG of {bytes.Length} bytes looks empty");
    }
}
