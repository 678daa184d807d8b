using System.Text.Json;
using TextTagger.Data;
using TextTagger.Export;
using TextTagger.Inference;
using TextTagger.Inference.Explaining;
using System.Net;
using System.Net.Http.Json;
using TextTagger.Server;
using TextTagger.Tests.Serving;
using TextTagger.Tests.TestSupport;
using TextTagger.Tests.Training;
using TextTagger.Training;

namespace TextTagger.Tests.Inference;

/// <summary>A tiny BERT trained on a rule whose answer is known ("rude" → rude, "hate" → hateful), then explained.</summary>
public sealed class RuleModelFixture : IDisposable
{
    readonly TempFolder _folder = new();

    public RuleModelFixture()
    {
        string data = SyntheticData.Write(_folder.Combine("synthetic.csv"), 1200);
        string encoder = TinyModelDirectory.Create(_folder.Combine("encoder"), []);
        var options = new TrainingOptions
        {
            Model = encoder, Epochs = 8, Patience = 8, BatchSize = 32, MaxTokens = 32, LearningRate = 3e-3, WarmupFraction = 0.1,
            ValidationFraction = 0.2, Threads = 1, Seed = 5, Pooling = PoolingMode.Mean,
        };
        new Trainer(data, new CsvLoadOptions(), options, _folder.Combine("run")).Run();
        Directory = _folder.Combine("run", Trainer.ModelFolder);
        Exported = OnnxExporter.Export(Directory, _folder.Combine("onnx")).Directory;
    }

    public string Directory { get; }
    public string Exported { get; }
    public void Dispose() => _folder.Dispose();
}

[Collection(TorchRandomCollection.Name)]
public class ExplainTests(RuleModelFixture model) : IClassFixture<RuleModelFixture>
{
    [Fact]
    public void The_rules_trigger_word_ranks_first_for_its_label_and_spans_point_into_the_text()
    {
        using var tagger = Tagger.Load(model.Directory);
        const string text = "w1 good  w7 rude w12, w30 hate w2!";
        var e = tagger.Explain(text);

        Assert.False(e.Truncated);
        Assert.Equal(["w1", "good", "w7", "rude", "w12", ",", "w30", "hate", "w2", "!"], e.Words.Select(w => w.Text));
        Assert.All(e.Words, w => Assert.Equal(w.Text, text.Substring(w.Start, w.Length)));
        Assert.Equal("rude", e.TopWords("rude", 1).Single().Text);
        Assert.Equal("hate", e.TopWords("hateful", 1).Single().Text);
        // Leaving the trigger out takes most of its label's probability away; a filler word barely moves it.
        int rude = e.LabelIndex("rude");
        Assert.True(e.Words[3].Scores[rude] > 0.3, $"rude's score {e.Words[3].Scores[rude]}");
        Assert.True(Math.Abs(e.Words[0].Scores[rude]) < e.Words[3].Scores[rude] / 5);
        var alone = tagger.Predict(text).Probabilities;   // scored alone vs in a batch of its variants: padding only
        Assert.All(Enumerable.Range(0, alone.Count), l => Assert.Equal(alone[l], e.Prediction.Probabilities[l], 1e-6));
    }

    [Fact]
    public void A_text_past_the_token_limit_is_explained_on_the_part_the_model_reads()
    {
        using var tagger = Tagger.Load(model.Directory);   // 32 tokens
        string text = string.Join(' ', Enumerable.Range(0, 40).Select(i => $"w{i % 9}")) + " rude";
        var e = tagger.Explain(text);
        Assert.True(e.Truncated);
        Assert.Equal(30, e.Words.Count);   // 32 tokens minus [CLS] and [SEP], one piece per word
        Assert.DoesNotContain(e.Words, w => w.Text == "rude");
    }

    [Fact]
    public void A_long_text_is_explained_coarse_to_fine_and_the_trigger_is_scored_alone()
    {
        using var tagger = Tagger.Load(model.Directory);
        var words = Enumerable.Range(0, 30).Select(i => $"w{i % 9}").ToArray();
        words[13] = "rude";
        // 12 passes: the text, 6 runs of 5 words, then the 5 words of the run that moved a label most.
        var e = OcclusionExplainer.Explain(tagger, string.Join(' ', words), maxPasses: 12);

        Assert.Equal(30, e.Words.Count);
        Assert.Equal(Enumerable.Range(10, 5), Enumerable.Range(0, 30).Where(w => e.Words[w].Alone));
        Assert.Equal("rude", e.TopWords("rude", 1).Single().Text);
        // A run not looked at closer: its words share the run's drop evenly.
        Assert.All(Enumerable.Range(20, 5), w => Assert.Equal(e.Words[20].Scores, e.Words[w].Scores));
        var exact = OcclusionExplainer.Explain(tagger, string.Join(' ', words), maxPasses: 31);
        Assert.All(exact.Words, w => Assert.True(w.Alone));
        Assert.Equal(exact.Words[13].Scores[0], e.Words[13].Scores[0], 1e-6);
    }

    [Fact]
    public void Window_mode_reads_a_trigger_past_the_token_limit_that_truncation_misses()
    {
        // 40 filler words, then the trigger: past the rule model's 32 tokens.
        string text = string.Join(' ', Enumerable.Range(0, 40).Select(i => $"w{i % 9}")) + " rude";
        using var truncating = Tagger.Load(model.Exported);
        using var windowing = Tagger.Load(new TaggerOptions { ModelPath = model.Exported, LongTexts = LongTextMode.Window, WindowStride = 10 });
        var cut = truncating.Predict(text);
        var whole = windowing.Predict(text);
        Assert.True(cut.Truncated);
        Assert.False(whole.Truncated);
        Assert.True(cut["rude"] < 0.5 && whole["rude"] > 0.5, $"rude: truncated {cut["rude"]:F3}, windows {whole["rude"]:F3}");
        Assert.Contains("rude", whole.Tags);

        // The windows: 30 pieces each, 10 apart, the last one ending with the text; per label the highest of them.
        var windowScorer = (TransformerScorer)windowing.Scorer;
        var encoded = windowScorer.Encode([text, "w1 rude"]);
        Assert.Equal([0, 0, 0, 1], encoded.Owners);   // 41 pieces: windows at 0, 10 and 11
        Assert.All(encoded.Rows.Take(3), r => Assert.Equal(32, r.Length));
        var pieces = windowScorer.Tokenizer.Encode(text, int.MaxValue)[1..^1];
        Assert.Equal(pieces[11..], encoded.Rows[2][1..^1]);
        var windows = windowing.PredictProbabilities([string.Join(' ', text.Split(' ')[11..])]);
        Assert.Equal(windows[0, 0], whole.Probabilities[0], 1e-5);
        Assert.False(truncating.Predict("w1 rude").Truncated);
    }

    [Fact]
    public void The_onnx_export_gives_the_same_explanation()
    {
        using var torch = Tagger.Load(model.Directory);
        using var onnx = Tagger.Load(model.Exported);
        const string text = "w3 rude w5 hate kind w9";
        var a = torch.Explain(text);
        var b = onnx.Explain(text);
        for (int w = 0; w < a.Words.Count; w++)
            for (int l = 0; l < a.Labels.Count; l++)
                Assert.Equal(a.Words[w].Scores[l], b.Words[w].Scores[l], 1e-4);
    }

    [Fact]
    public void The_cli_marks_the_top_words_and_writes_json()
    {
        var plain = CliRunner.Run("explain", "--model", model.Exported, "--label", "rude", "--top", "1", "w1 rude w2");
        Assert.True(plain.ExitCode == 0, plain.Error);
        Assert.Contains("  rude: rude (+", plain.Output);
        Assert.Contains("    w1 [rude] w2", plain.Output);

        var json = CliRunner.Run("explain", "--model", model.Exported, "--format", "json", "w1 hate");
        Assert.True(json.ExitCode == 0, json.Error);
        using var document = JsonDocument.Parse(json.Output);
        var words = document.RootElement.GetProperty("explanations")[0].GetProperty("words");
        Assert.Equal(["w1", "hate"], words.EnumerateArray().Select(w => w.GetProperty("text").GetString()));
        Assert.Equal(3, words[1].GetProperty("start").GetInt32());
        Assert.True(words[1].GetProperty("scores").GetProperty("hateful").GetDouble() > 0.3);

        var unknown = CliRunner.Run("explain", "--model", model.Exported, "--label", "spam", "text");
        Assert.Equal(1, unknown.ExitCode);
        Assert.Equal("error: 'spam' is not one of the model's labels (rude, hateful)\n", unknown.Error);
        var top = CliRunner.Run("explain", "--model", model.Exported, "--top", "0", "text");
        Assert.Equal(1, top.ExitCode);
        Assert.Equal("error: --top must be at least 1, got 0\n", top.Error);
    }

    [Fact]
    public async Task Http_explain_gives_the_librarys_words_and_scores_and_the_predict_limits()
    {
        using var library = Tagger.Load(model.Exported);
        var expected = library.Explain("w4 rude w8");
        await using var factory = new TaggerServerFactory(new TaggerServerOptions { Model = new() { ModelPath = model.Exported }, MaxTextLength = 50 });
        using var client = factory.CreateClient();

        var response = await client.PostAsJsonAsync("/v1/explain", new { texts = new[] { "w4 rude w8" }, labels = new[] { "rude" } });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(["rude"], json.RootElement.GetProperty("labels").EnumerateArray().Select(l => l.GetString()));
        var first = json.RootElement.GetProperty("explanations")[0];
        Assert.False(first.GetProperty("truncated").GetBoolean());
        Assert.Equal(2, first.GetProperty("probabilities").EnumerateObject().Count());   // every label's probability
        var words = first.GetProperty("words").EnumerateArray().ToArray();
        Assert.Equal(["w4", "rude", "w8"], words.Select(w => w.GetProperty("text").GetString()));
        Assert.Equal(3, words[1].GetProperty("start").GetInt32());
        Assert.Equal(["rude"], words[1].GetProperty("scores").EnumerateObject().Select(p => p.Name));
        Assert.True(words[1].GetProperty("alone").GetBoolean());
        Assert.Equal(expected.Words[1].Scores[0], words[1].GetProperty("scores").GetProperty("rude").GetDouble(), 1e-9);

        var tooLong = await client.PostAsJsonAsync("/v1/explain", new { texts = new[] { new string('a', 51) } });
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooLong.StatusCode);
        var unknown = await client.PostAsJsonAsync("/v1/explain", new { texts = new[] { "hi" }, labels = new[] { "spam" } });
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.Contains("'spam' is not one of the model's labels (rude, hateful)", await unknown.Content.ReadAsStringAsync());
        var openApi = await client.GetStringAsync("/openapi/v1.json");
        Assert.Contains("/v1/explain", openApi);
    }
}
