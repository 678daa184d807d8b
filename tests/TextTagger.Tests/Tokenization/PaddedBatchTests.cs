using TextTagger.Tests.TestSupport;
using TextTagger.Tokenization;

namespace TextTagger.Tests.Tokenization;

public class PaddedBatchTests(TokenizerFixture fixture) : IClassFixture<TokenizerFixture>
{
    static readonly string[] Texts = ["Short.", "A somewhat longer sentence with more word pieces in it.", ""];

    [Fact]
    public void Dynamic_padding_pads_to_the_longest_text_with_masks_and_zero_type_ids()
    {
        var tokenizer = fixture.Tokenizer;
        var batch = tokenizer.EncodeBatch(Texts, padding: BatchPadding.Longest);
        var expected = Texts.Select(t => tokenizer.Encode(t)).ToArray();
        int longest = expected.Max(e => e.Length);

        Assert.Equal([3L, longest], batch.Shape);
        Assert.Equal(3 * longest, batch.InputIds.Length);
        Assert.Equal(expected.Select(e => e.Length), batch.Lengths);

        var ids = batch.InputIds;
        var mask = batch.AttentionMask;
        for (int row = 0; row < 3; row++)
        {
            var padded = expected[row].Concat(Enumerable.Repeat(tokenizer.PadId, longest - expected[row].Length));
            Assert.Equal(padded, ids.Skip(row * longest).Take(longest));
            var rowMask = Enumerable.Repeat(1L, expected[row].Length).Concat(Enumerable.Repeat(0L, longest - expected[row].Length));
            Assert.Equal(rowMask, mask.Skip(row * longest).Take(longest));
        }
    }

    [Fact]
    public void Fixed_padding_gives_max_tokens_columns_and_truncates_long_texts()
    {
        var texts = SharedData.Comments.Take(64).ToArray();
        var batch = fixture.Tokenizer.EncodeBatch(texts, maxTokens: 32, padding: BatchPadding.MaxTokens);
        Assert.Equal([64L, 32L], batch.Shape);
        var ids = batch.InputIds;
        for (int row = 0; row < texts.Length; row++)
        {
            long[] expected = fixture.Tokenizer.Encode(texts[row], 32);
            Assert.Equal(expected, ids.Skip(row * 32).Take(expected.Length));
            Assert.Equal(fixture.Tokenizer.SepId, ids[row * 32 + expected.Length - 1]);
        }
        Assert.Contains(batch.Lengths, length => length == 32);
        Assert.Equal(batch.Lengths.Sum(), batch.AttentionMask.Sum());
    }

    [Fact]
    public void Seed_shape_is_512_columns()
    {
        var batch = fixture.Tokenizer.EncodeBatch(Texts, padding: BatchPadding.MaxTokens);
        Assert.Equal(512, batch.SequenceLength);
        Assert.Equal(3, batch.BatchSize);
    }

    [Fact]
    public void Empty_batch_or_too_small_maximum_is_rejected()
    {
        Assert.Throws<ArgumentException>(() => fixture.Tokenizer.EncodeBatch([]));
        Assert.Throws<ArgumentOutOfRangeException>(() => fixture.Tokenizer.EncodeBatch(Texts, maxTokens: 1));
    }
}
