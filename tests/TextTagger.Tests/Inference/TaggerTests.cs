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
        using var tagger = Tagger.Load(dir, batchSize: 2);
        string[] texts = ["good nice kind", "bad", "ugly rude angry hate hate hate w1 w2 w3", "love"];
        var batch = tagger.Predict(texts);
        for (int i = 0; i < texts.Length; i++)
        {
            var single = tagger.Predict(texts[i]);
            for (int l = 0; l < 2; l++)
                Assert.Equal(single.Probabilities[l], batch[i].Probabilities[l], 6);
            Assert.Equal(batch[i].Probabilities.Select((p, l) => p >= 0.5 ? tagger.Labels[l] : null).OfType<string>(), batch[i].Tags);
        }
        using var strict = Tagger.Load(dir, threshold: 1.0);
        Assert.All(strict.Predict(texts), p => Assert.Empty(p.Tags));
        Assert.Equal(new[] { "toxic", "insult" }, tagger.Labels);
    }
}
