using System.Text.Json;
using TextTagger.Inference;

namespace TextTagger.Tests.Serving;

static class ServerAssert
{
    /// <summary>A /v1/predict answer holds, for each text, the probabilities (to 1e-6) and tags that the tagger gives directly.</summary>
    public static void SameAsTagger(Tagger tagger, IReadOnlyList<string> texts, JsonElement response)
    {
        var direct = tagger.Predict(texts);
        var predictions = response.GetProperty("predictions").EnumerateArray().ToArray();
        Assert.Equal(texts.Count, predictions.Length);
        for (int i = 0; i < texts.Count; i++)
        {
            var probabilities = predictions[i].GetProperty("probabilities");
            for (int l = 0; l < tagger.Labels.Count; l++)
                Assert.Equal(direct[i].Probabilities[l], probabilities.GetProperty(tagger.Labels[l]).GetDouble(), 1e-6);
            Assert.Equal(direct[i].Tags, predictions[i].GetProperty("tags").EnumerateArray().Select(t => t.GetString()));
        }
    }
}
