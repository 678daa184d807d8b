using TextTagger.Tests.TestSupport;
using TextTagger.Tokenization;
using TorchSharp;

namespace TextTagger.Tests.Tokenization;

public class EncodedBatchTests(TokenizerFixture fixture) : IClassFixture<TokenizerFixture>
{
    static readonly string[] Texts = ["Short.", "A somewhat longer sentence with more word pieces in it.", ""];

    [Fact]
    public void Dynamic_padding_pads_to_the_longest_text_with_masks_and_zero_type_ids()
    {
        var tokenizer = fixture.Tokenizer;
        using var batch = tokenizer.EncodeBatch(Texts, padding: BatchPadding.Longest);
        var expected = Texts.Select(t => tokenizer.Encode(t)).ToArray();
        int longest = expected.Max(e => e.Length);

        Assert.Equal([3L, longest], batch.InputIds.shape);
        Assert.Equal(torch.ScalarType.Int64, batch.InputIds.dtype);
        Assert.Equal(torch.ScalarType.Int64, batch.AttentionMask.dtype);
        Assert.Equal(torch.ScalarType.Int64, batch.TokenTypeIds.dtype);
        Assert.Equal(expected.Select(e => e.Length), batch.Lengths);

        var ids = batch.InputIds.data<long>().ToArray();
        var mask = batch.AttentionMask.data<long>().ToArray();
        for (int row = 0; row < 3; row++)
        {
            var padded = expected[row].Concat(Enumerable.Repeat(tokenizer.PadId, longest - expected[row].Length));
            Assert.Equal(padded, ids.Skip(row * longest).Take(longest));
            var rowMask = Enumerable.Repeat(1L, expected[row].Length).Concat(Enumerable.Repeat(0L, longest - expected[row].Length));
            Assert.Equal(rowMask, mask.Skip(row * longest).Take(longest));
        }
        Assert.All(batch.TokenTypeIds.data<long>().ToArray(), v => Assert.Equal(0L, v));
    }

    [Fact]
    public void Fixed_padding_gives_max_tokens_columns_and_truncates_long_texts()
    {
        var texts = SharedData.Comments.Take(64).ToArray();
        using var batch = fixture.Tokenizer.EncodeBatch(texts, maxTokens: 32, padding: BatchPadding.MaxTokens);
        Assert.Equal([64L, 32L], batch.InputIds.shape);
        var ids = batch.InputIds.data<long>().ToArray();
        for (int row = 0; row < texts.Length; row++)
        {
            long[] expected = fixture.Tokenizer.Encode(texts[row], 32);
            Assert.Equal(expected, ids.Skip(row * 32).Take(expected.Length));
            Assert.Equal(fixture.Tokenizer.SepId, ids[row * 32 + expected.Length - 1]);
        }
        Assert.Contains(batch.Lengths, length => length == 32);
        Assert.Equal(batch.Lengths.Sum(), batch.AttentionMask.sum().item<long>());
    }

    [Fact]
    public void Seed_shape_is_512_columns()
    {
        using var batch = fixture.Tokenizer.EncodeBatch(Texts, padding: BatchPadding.MaxTokens);
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
