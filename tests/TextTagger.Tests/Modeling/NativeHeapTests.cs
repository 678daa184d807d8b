using TextTagger.Tests.TestSupport;

namespace TextTagger.Tests.Modeling;

[Collection(TorchRandomCollection.Name)]   // the heap setting is process-wide: no trainer may switch it meanwhile
public class NativeHeapTests
{
    /// <summary>glibc takes the training and inference thresholds (it silently kept its old one when asked for more
    /// than 32 MB, so a 64 MB setting never took effect), and the end of training brings the inference one back.</summary>
    [LinuxFact("glibc's mallopt", UnlessSet = "MALLOC_MMAP_THRESHOLD_")]   // a visible skip elsewhere, never a silent pass
    public void Glibc_accepts_the_training_and_inference_mmap_thresholds()
    {
        NativeHeap.ForTraining();
        Assert.Equal(NativeHeap.TrainingMmapThresholdBytes, NativeHeap.MmapThresholdBytes);
        NativeHeap.ReleaseIfGrown();
        NativeHeap.EndTraining();
        Assert.Equal(NativeHeap.InferenceMmapThresholdBytes, NativeHeap.MmapThresholdBytes);
    }
}

public class HeapTrimPolicyTests
{
    const long MB = 1 << 20;

    /// <summary>Below the ceiling the regrowth after a trim never calls for another; above it one trim, and then again
    /// only above the ceiling. A process whose live memory is above the ceiling trims only past its size after the last
    /// trim plus the slack (not on every step).</summary>
    [Fact]
    public void Trims_above_the_ceiling_or_the_slack_past_the_last_trim()
    {
        var policy = new HeapTrimPolicy(ceilingBytes: 2000 * MB, slackBytes: 500 * MB);
        foreach (var resident in new[] { 900 * MB, 1500 * MB, 1999 * MB }) Assert.False(policy.ShouldTrim(resident));
        Assert.True(policy.ShouldTrim(2100 * MB));
        policy.Trimmed(1100 * MB);
        Assert.False(policy.ShouldTrim(1900 * MB));   // 800 MB of regrowth: more than the slack, below the ceiling
        Assert.True(policy.ShouldTrim(2001 * MB));

        var large = new HeapTrimPolicy(ceilingBytes: 2000 * MB, slackBytes: 500 * MB);
        Assert.False(large.ShouldTrim(3000 * MB));    // the first reading is the baseline
        Assert.False(large.ShouldTrim(3400 * MB));
        Assert.True(large.ShouldTrim(3600 * MB));
        large.Trimmed(2900 * MB);
        Assert.False(large.ShouldTrim(3300 * MB));
        Assert.True(large.ShouldTrim(3500 * MB));
    }
}
