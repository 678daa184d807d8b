using TextTagger.Inference;
using TextTagger.Tests.TestSupport;

namespace TextTagger.Tests.Inference;

public class TaggerTests : IDisposable
{
    readonly TempFolder _folder = new();
    public void Dispose() => _folder.Dispose();

    [Fact]
    public void Batch_and_single_predictions_agree_and_tags_follow_thresholds()
    {
        string dir = TinyModelDirectory.Create(_folder.Combine("tiny"), ["toxic", "insult"]);
        using var tagger = Tagger.Load(new TaggerOptions { ModelPath = dir, BatchSize = 2 });
        string[] texts = ["good nice kind", "bad", "ugly rude angry hate hate hate w1 w2 w3", "love"];
        var batch = tagger.Predict(texts);
        for (int i = 0; i < texts.Length; i++)
        {
            var single = tagger.Predict(texts[i]);
            for (int l = 0; l < 2; l++)
                Assert.Equal(single.Probabilities[l], batch[i].Probabilities[l], 6);
            Assert.Equal(batch[i].Probabilities.Select((p, l) => p >= 0.5 ? tagger.Labels[l] : null).OfType<string>(), batch[i].Tags);
        }
        using var strict = Tagger.Load(new TaggerOptions { ModelPath = dir, Threshold = 1.0 });
        Assert.All(strict.Predict(texts), p => Assert.Empty(p.Tags));
        Assert.Equal(new[] { "toxic", "insult" }, tagger.Labels);
    }

    [Fact]
    public void Bf16_precision_gives_nearly_the_float32_logits()
    {
        // Wide random weights: logits far from 0 and far apart, so "nearly" is measured against a real spread.
        string dir = TinyModelDirectory.Create(_folder.Combine("tiny"), ["toxic", "insult"], initializerRange: 0.2);
        string[] texts = ["good nice kind", "bad", "ugly rude angry hate hate hate w1 w2 w3", "love"];
        using var exact = Tagger.Load(dir);
        using var fast = Tagger.Load(new TaggerOptions { ModelPath = dir, Precision = TextTagger.Inference.Engines.Precision.Bf16 });
        Assert.Equal(TextTagger.Inference.Engines.Precision.Fp32, exact.Precision);
        Assert.Equal(TextTagger.Inference.Engines.Precision.Bf16, fast.Precision);
        var a = exact.PredictLogits(texts);
        var b = fast.PredictLogits(texts);
        double maxDiff = 0, min = double.MaxValue, max = double.MinValue;
        for (int i = 0; i < texts.Length; i++)
            for (int l = 0; l < 2; l++)
            {
                maxDiff = Math.Max(maxDiff, Math.Abs(a[i, l] - b[i, l]));
                (min, max) = (Math.Min(min, a[i, l]), Math.Max(max, a[i, l]));
            }
        Assert.True(max - min > 0.5, $"the logits span only {max - min}");
        Assert.InRange(maxDiff, 1e-6, 0.03 * (max - min));   // bf16 keeps 8 bits of mantissa: close, but never exact
        Assert.Throws<TextTaggerException>(() => TextTagger.Inference.Engines.Precisions.Parse("fp16"));
    }
}
