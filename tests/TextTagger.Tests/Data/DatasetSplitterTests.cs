using TextTagger.Data;

namespace TextTagger.Tests.Data;

public class DatasetSplitterTests
{
    static LabeledDataset Synthetic(int rows, int everyNthTagged)
    {
        var items = Enumerable.Range(0, rows)
            .Select(i => new LabeledText($"id{i}", $"text {i}", [(byte)(i % everyNthTagged == 0 ? 1 : 0), 0], i + 2))
            .ToArray();
        return new LabeledDataset(["a", "b"], items);
    }

    [Fact]
    public void Split_is_deterministic_for_a_seed_disjoint_complete_and_sized_by_fraction()
    {
        var data = Synthetic(1000, 5);
        var (train1, validation1) = DatasetSplitter.Split(data, 0.1, seed: 7);
        var (train2, validation2) = DatasetSplitter.Split(data, 0.1, seed: 7);
        var (_, validation3) = DatasetSplitter.Split(data, 0.1, seed: 8);

        Assert.Equal(validation1.Rows.Select(r => r.Id), validation2.Rows.Select(r => r.Id));
        Assert.Equal(train1.Rows.Select(r => r.Id), train2.Rows.Select(r => r.Id));
        Assert.NotEqual(validation1.Rows.Select(r => r.Id), validation3.Rows.Select(r => r.Id));
        Assert.Equal(100, validation1.Count);
        Assert.Equal(900, train1.Count);
        Assert.Empty(train1.Rows.Select(r => r.Id).Intersect(validation1.Rows.Select(r => r.Id)));
        // Both parts keep file order.
        Assert.Equal(validation1.Rows.OrderBy(r => r.SourceLine), validation1.Rows);
    }

    [Fact]
    public void Balance_keeps_every_tagged_row_and_samples_untagged_rows_deterministically()
    {
        var data = Synthetic(1000, 4);          // 250 tagged, 750 untagged
        var balanced = DatasetSplitter.Balance(data, 300, seed: 1);
        var again = DatasetSplitter.Balance(data, 300, seed: 1);

        Assert.Equal(550, balanced.Count);
        Assert.Equal(250, balanced.Rows.Count(r => r.IsTagged));
        Assert.Equal(balanced.Rows.Select(r => r.Id), again.Rows.Select(r => r.Id));
        Assert.NotEqual(balanced.Rows.Select(r => r.Id), DatasetSplitter.Balance(data, 300, seed: 2).Rows.Select(r => r.Id));
        Assert.Same(data, DatasetSplitter.Balance(data, 10_000, seed: 1));   // fewer untagged rows than asked: all kept
    }

    [Fact]
    public void Split_and_balance_holds_out_validation_before_balancing()
    {
        var data = Synthetic(2000, 10);         // 200 tagged, 1800 untagged
        var (train, validation) = DatasetSplitter.SplitAndBalance(data, 0.05, untaggedToKeep: 100, seed: 3);
        Assert.Equal(100, validation.Count);
        // Validation keeps the natural mix (about 10 % tagged), train is balanced.
        Assert.InRange(validation.Rows.Count(r => r.IsTagged), 3, 20);
        Assert.Equal(100, train.Rows.Count(r => !r.IsTagged));
        Assert.Equal(200 - validation.Rows.Count(r => r.IsTagged), train.Rows.Count(r => r.IsTagged));
    }

    [Fact]
    public void Bad_fractions_are_user_errors()
    {
        var data = Synthetic(10, 2);
        Assert.Throws<TextTaggerException>(() => DatasetSplitter.Split(data, 1.0, 1));
        Assert.Throws<TextTaggerException>(() => DatasetSplitter.Split(data, -0.1, 1));
        Assert.Throws<TextTaggerException>(() => DatasetSplitter.Balance(data, -1, 1));
    }
}
