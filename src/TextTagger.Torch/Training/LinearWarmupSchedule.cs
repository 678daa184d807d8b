namespace TextTagger.Training;

/// <summary>
/// Learning-rate multiplier of Hugging Face's <c>get_linear_schedule_with_warmup</c>: rises linearly from 0 to 1
/// over the warm-up steps, then falls linearly to 0 at the last step. Stepped once per batch.
/// </summary>
public sealed record LinearWarmupSchedule(int WarmupSteps, int TotalSteps)
{
    public static LinearWarmupSchedule FromFraction(double warmupFraction, int totalSteps) =>
        new((int)Math.Round(warmupFraction * totalSteps), totalSteps);

    /// <summary>The multiplier for the optimizer step number <paramref name="step"/> (0-based: the first step is 0).</summary>
    public double Factor(int step)
    {
        if (step < WarmupSteps) return (double)step / Math.Max(1, WarmupSteps);
        return Math.Max(0.0, (double)(TotalSteps - step) / Math.Max(1, TotalSteps - WarmupSteps));
    }
}
