using TextTagger.Data;

namespace TextTagger.Tests.Data;

public class RareLabelOversamplerTests
{
    /// <summary>1,000 rows: label "common" on every 4th row (25 %), "rare" on every 50th (2 %), "never" on none.</summary>
    static LabeledDataset Rows() => new(["common", "rare", "never"], Enumerable.Range(0, 1000)
        .Select(i => new LabeledText($"id{i}", $"text {i}", [(byte)(i % 4 == 0 ? 1 : 0), (byte)(i % 50 == 0 ? 1 : 0), 0], i + 2))
        .ToArray());

    [Fact]
    public void Rows_carrying_a_rare_label_appear_repeat_times_and_every_other_row_once()
    {
        var data = Rows();
        Assert.Equal([1], RareLabelOversampler.RareLabels(data, 0.05));
        Assert.Equal([0, 1], RareLabelOversampler.RareLabels(data, 0.30));

        var oversampled = RareLabelOversampler.Oversample(data, repeat: 3, rareShare: 0.05);

        Assert.Equal(1000 + 2 * 20, oversampled.Count);
        var copies = oversampled.Rows.GroupBy(r => r.Id).ToDictionary(g => g.Key!, g => g.Count());
        Assert.Equal(1000, copies.Count);
        Assert.All(data.Rows, row => Assert.Equal(row.Labels[1] == 1 ? 3 : 1, copies[row.Id!]));
        Assert.Equal(data.Rows, oversampled.Rows.Take(1000));           // the original rows first, in order
        Assert.Equal(60, oversampled.Rows.Count(r => r.Labels[1] == 1));
        Assert.Equal(250 + 2 * 10, oversampled.Rows.Count(r => r.Labels[0] == 1));   // common rows that are also rare
    }

    [Fact]
    public void Repeat_one_or_no_rare_label_leaves_the_rows_alone_and_bad_arguments_are_refused()
    {
        var data = Rows();
        Assert.Same(data, RareLabelOversampler.Oversample(data, repeat: 1));
        Assert.Same(data, RareLabelOversampler.Oversample(data, repeat: 3, rareShare: 0.001));
        Assert.Throws<TextTaggerException>(() => RareLabelOversampler.Oversample(data, repeat: 0));
        Assert.Throws<TextTaggerException>(() => RareLabelOversampler.Oversample(data, repeat: 2, rareShare: 0));
    }
}
