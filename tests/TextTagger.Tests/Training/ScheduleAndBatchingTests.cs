using TextTagger.Training;

namespace TextTagger.Tests.Training;

public class ScheduleAndBatchingTests
{
    [Fact]
    public void Linear_warmup_schedule_matches_hugging_face_get_linear_schedule_with_warmup()
    {
        // transformers: lr_lambda(step) = step / max(1, warmup) while step < warmup,
        // else max(0, (total - step) / max(1, total - warmup)).
        var schedule = LinearWarmupSchedule.FromFraction(0.2, 100);
        Assert.Equal(20, schedule.WarmupSteps);
        Assert.Equal(0.0, schedule.Factor(0));
        Assert.Equal(0.5, schedule.Factor(10));
        Assert.Equal(1.0, schedule.Factor(20));
        Assert.Equal(0.5, schedule.Factor(60));
        Assert.Equal(1.0 / 80, schedule.Factor(99), 12);
        Assert.Equal(0.0, schedule.Factor(100));
        Assert.Equal(1.0, new LinearWarmupSchedule(0, 10).Factor(0));
    }

    [Fact]
    public void Length_bucketing_covers_every_row_once_is_deterministic_and_cuts_padding()
    {
        var random = new Random(3);
        int[] lengths = Enumerable.Range(0, 1000).Select(_ => random.Next(3, 129)).ToArray();
        var bucketed = new LengthBucketBatcher(lengths, 32, bucketByLength: true);
        var plain = new LengthBucketBatcher(lengths, 32, bucketByLength: false);

        var epoch1 = bucketed.Batches(seed: 7, epoch: 1);
        Assert.Equal(32, bucketed.BatchesPerEpoch);
        Assert.Equal(Enumerable.Range(0, 1000), epoch1.SelectMany(b => b).Order());
        Assert.Equal(epoch1, bucketed.Batches(seed: 7, epoch: 1));
        Assert.NotEqual(epoch1, bucketed.Batches(seed: 7, epoch: 2));

        static long PaddedTokens(IReadOnlyList<int[]> batches, int[] lengths) => batches.Sum(b => (long)b.Length * b.Max(i => lengths[i]));
        long bucketedTokens = PaddedTokens(epoch1, lengths), plainTokens = PaddedTokens(plain.Batches(7, 1), lengths);
        Assert.True(bucketedTokens < 0.75 * plainTokens, $"bucketed {bucketedTokens} vs plain {plainTokens}");
    }
}
