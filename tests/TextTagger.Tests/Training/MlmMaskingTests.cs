using TextTagger.Modeling;
using TextTagger.Training;

namespace TextTagger.Tests.Training;

public class MlmMaskingTests
{
    const long Pad = 0, Unk = 1, Cls = 2, Sep = 3, Mask = 4;
    const int Vocab = 1000;

    static (long[][] Rows, long[] Inputs, long[] Labels, int Length) Masked(int seed, double probability = 0.15)
    {
        var random = new Random(99);
        var rows = Enumerable.Range(0, 2000).Select(_ =>
        {
            int n = random.Next(3, 60);
            var row = new long[n];
            for (int i = 1; i < n - 1; i++) row[i] = random.Next(100) == 0 ? Unk : random.Next(5, Vocab);
            row[0] = Cls;
            row[^1] = Sep;
            return row;
        }).ToArray();
        int length = 64;
        var masking = new MlmMasking([Pad, Unk, Cls, Sep, Mask], Mask, Vocab, probability);
        var (inputs, labels) = masking.Mask(rows, length, Pad, seed);
        return (rows, inputs, labels, length);
    }

    [Fact]
    public void About_15_percent_of_ordinary_tokens_are_chosen_and_80_10_10_of_them_masked_random_kept()
    {
        var (rows, inputs, labels, length) = Masked(seed: 1);
        int ordinary = 0, chosen = 0, masked = 0, kept = 0, other = 0;
        for (int r = 0; r < rows.Length; r++)
            for (int c = 0; c < length; c++)
            {
                int at = r * length + c;
                long original = c < rows[r].Length ? rows[r][c] : Pad;
                bool special = original is Pad or Unk or Cls or Sep or Mask;
                if (!special) ordinary++;
                if (labels[at] == BertForMaskedLM.IgnoreIndex)
                {
                    Assert.Equal(original, inputs[at]);   // not chosen: untouched
                    continue;
                }
                Assert.False(special, $"special or padding token {original} chosen at row {r}, column {c}");
                Assert.Equal(original, labels[at]);
                chosen++;
                if (inputs[at] == Mask) masked++;
                else if (inputs[at] == original) kept++;
                else other++;
            }
        double share = (double)chosen / ordinary;
        Assert.InRange(share, 0.145, 0.155);                // ~60,000 ordinary tokens: sd of the share ≈ 0.0015
        Assert.InRange((double)masked / chosen, 0.78, 0.82);
        Assert.InRange((double)other / chosen, 0.085, 0.115);   // random ids (a random id equal to the original counts as kept)
        Assert.InRange((double)kept / chosen, 0.085, 0.115);
    }

    [Fact]
    public void The_same_seed_gives_the_same_masks_and_another_seed_others()
    {
        var a = Masked(seed: 7);
        var b = Masked(seed: 7);
        var c = Masked(seed: 8);
        Assert.Equal(a.Inputs, b.Inputs);
        Assert.Equal(a.Labels, b.Labels);
        Assert.NotEqual(a.Labels, c.Labels);
    }

    [Fact]
    public void The_mask_probability_is_followed()
    {
        var (_, _, labels, _) = Masked(seed: 3, probability: 0.4);
        var (_, _, fewer, _) = Masked(seed: 3, probability: 0.15);
        Assert.True(labels.Count(l => l != BertForMaskedLM.IgnoreIndex) > 2.4 * fewer.Count(l => l != BertForMaskedLM.IgnoreIndex));
    }
}
