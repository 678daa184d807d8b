using TextTagger.Data;
using TextTagger.Tests.TestSupport;
using TextTagger.Training;
using Xunit.Abstractions;

namespace TextTagger.Tests.Training;

/// <summary>The one test that fine-tunes the real bundled MiniLM, for a few steps on real comments.</summary>
[Collection(TorchRandomCollection.Name)]   // alone, so it may point TEXTTAGGER_CACHE at its own folder
public class MiniLmFineTuningTests : IDisposable
{
    readonly TempFolder _folder = new();
    readonly string? _cache = Environment.GetEnvironmentVariable("TEXTTAGGER_CACHE");
    readonly ITestOutputHelper log;

    public MiniLmFineTuningTests(ITestOutputHelper log)
    {
        this.log = log;
        // Never the user's real cache: the bundled model is converted into this test's own folder.
        Environment.SetEnvironmentVariable("TEXTTAGGER_CACHE", _folder.Combine("cache"));
    }

    public void Dispose()
    {
        Environment.SetEnvironmentVariable("TEXTTAGGER_CACHE", _cache);
        _folder.Dispose();
    }

    sealed class LossRecorder : ITrainingObserver
    {
        public List<double> Losses { get; } = [];
        public void StepCompleted(TrainingStep step) => Losses.Add(step.Loss);
    }

    [Fact]
    public void A_few_steps_on_256_real_comments_lower_the_loss()
    {
        var options = new TrainingOptions
        {
            Model = "minilm",
            LimitRows = 256,
            ValidationFraction = 0.25,
            Epochs = 1,
            BatchSize = 16,
            MaxTokens = 64,
            LearningRate = 1e-4,
            HeadLearningRate = 1e-3,
            PositiveWeightCap = null,   // plain BCE: with 192 rows a rare label's weight makes single steps noisy
            RareLabelRepeat = 1,
            WarmupFraction = 0.1,
            Seed = 3,
        };
        var recorder = new LossRecorder();
        var summary = new Trainer(SharedData.ToxicCommentsCsv, new CsvLoadOptions(), options, _folder.Combine("run"), recorder).Run();

        log.WriteLine($"losses: {string.Join(", ", recorder.Losses.Select(l => l.ToString("F3")))}; validation loss {summary.BestValidationLoss:F3}");
        Assert.Equal(12, recorder.Losses.Count);   // 192 training rows / 16
        Assert.True(recorder.Losses.TakeLast(3).Average() < recorder.Losses.Take(3).Average() - 0.1,
            "training loss did not fall: " + string.Join(", ", recorder.Losses));
        Assert.True(summary.BestValidationLoss < recorder.Losses[0] - 0.1, $"validation loss {summary.BestValidationLoss} vs first step {recorder.Losses[0]}");
    }
}
