using TextTagger.Data;
using TextTagger.Inference;
using TextTagger.Inference.Explaining;
using TextTagger.Tests.TestSupport;
using TextTagger.Training;
using Xunit.Abstractions;

namespace TextTagger.Tests.Training;

/// <summary>The real bundled MiniLM fine-tuned for a few steps on the first 256 real comments, once for the class.</summary>
public sealed class FineTunedMiniLmFixture : IDisposable
{
    readonly TempFolder _folder = new();
    readonly ProcessWideSettings _settings = new();   // the trainer sets libtorch's threads; the cache is pointed here

    sealed class LossRecorder : ITrainingObserver
    {
        public List<double> Losses { get; } = [];
        public void StepCompleted(TrainingStep step) => Losses.Add(step.Loss);
    }

    public FineTunedMiniLmFixture()
    {
        // Never the user's real cache: the bundled model is converted into this fixture's own folder.
        Environment.SetEnvironmentVariable("TEXTTAGGER_CACHE", _folder.Combine("cache"));
        var options = new TrainingOptions
        {
            Model = "minilm",
            LimitRows = 256,
            ValidationFraction = 0.25,
            Epochs = 2,
            BatchSize = 16,
            MaxTokens = 64,
            LearningRate = 2e-4,
            HeadLearningRate = 3e-3,
            PositiveWeightCap = null,   // plain BCE: with 192 rows a rare label's weight makes single steps noisy
            RareLabelRepeat = 1,
            WarmupFraction = 0.1,
            Seed = 3,
        };
        var recorder = new LossRecorder();
        _settings.Run(() => Summary = new Trainer(SharedData.ToxicCommentsCsv, new CsvLoadOptions(), options, _folder.Combine("run"), recorder).Run(),
                      _folder);
        Losses = recorder.Losses;
        ModelDirectory = _folder.Combine("run", Trainer.ModelFolder);
    }

    public TrainingSummary Summary { get; private set; } = null!;
    public IReadOnlyList<double> Losses { get; }
    public string ModelDirectory { get; }

    public void Dispose()
    {
        _settings.Dispose();
        _folder.Dispose();
    }
}

/// <summary>The tests that fine-tune the real bundled MiniLM: training works on real comments, and the explanations
/// of what it learned are faithful.</summary>
[Collection(TorchRandomCollection.Name)]   // alone, so the fixture may point TEXTTAGGER_CACHE at its own folder
public class MiniLmFineTuningTests(FineTunedMiniLmFixture model, ITestOutputHelper log) : IClassFixture<FineTunedMiniLmFixture>
{
    [Fact]
    public void A_few_steps_on_256_real_comments_lower_the_loss()
    {
        var losses = model.Losses;
        log.WriteLine($"losses: {string.Join(", ", losses.Select(l => l.ToString("F3")))}; validation loss {model.Summary.BestValidationLoss:F3}");
        Assert.Equal(24, losses.Count);   // 2 epochs of 192 training rows / 16
        Assert.True(losses.TakeLast(3).Average() < losses.Take(3).Average() - 0.1, "training loss did not fall: " + string.Join(", ", losses));
        Assert.True(model.Summary.BestValidationLoss < losses[0] - 0.1, $"validation loss {model.Summary.BestValidationLoss} vs first step {losses[0]}");
    }

    [Fact]
    public void Deleting_the_top_explained_words_of_unseen_toxic_comments_takes_more_toxicity_than_deleting_random_ones()
    {
        using var tagger = Tagger.Load(model.ModelDirectory);
        var rows = CsvDatasetReader.Load(SharedData.ToxicCommentsCsv).Rows.Skip(256)   // never trained on
            .Where(r => r.Labels[0] == 1 && TextWords.Split(r.Text).Count is >= 5 and <= 60).Take(12).ToArray();
        var random = new Random(11);
        var probes = rows.Select(r => FaithfulnessProbe.Measure(tagger, tagger.Explain(r.Text, ["toxic"]), "toxic", 0.2, random)).ToArray();

        double top = probes.Average(p => p.TopDrop), chance = probes.Average(p => p.RandomDrop);
        double onlyTop = probes.Average(p => p.OnlyTop), onlyChance = probes.Average(p => p.OnlyRandom);
        log.WriteLine($"{rows.Length} toxic comments, p(toxic) {probes.Average(p => p.Probability):F3}: drop without top 20 % {top:F3}, " +
                      $"without random 20 % {chance:F3}; only top {onlyTop:F3}, only random {onlyChance:F3}");
        Assert.Equal(12, rows.Length);
        Assert.True(top > 2 * Math.Max(chance, 0.005), $"comprehensiveness: top {top:F3} vs random {chance:F3}");
        Assert.True(onlyTop > onlyChance, $"sufficiency: only top {onlyTop:F3} vs only random {onlyChance:F3}");
    }
}
