using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using TextTagger.Data;
using TextTagger.Evaluation;
using TextTagger.NGram;
using TextTagger.Server;
using TextTagger.Tests.Serving;
using TextTagger.Tests.TestSupport;

namespace TextTagger.Tests.NGram;

public class NGramModelTests(NGramModelFixture run) : IClassFixture<NGramModelFixture>
{
    [Fact]
    public void Training_writes_a_run_like_a_transformers_and_learns_the_rules()
    {
        foreach (var file in new[] { "train.json", "validation.csv", "tune.csv", "evaluation/metrics.json", "model/thresholds.json",
                                     "model/" + NGramFiles.FileName, "model/" + TextTagger.NGram.Featurizing.TfidfFeaturizer.FileName, "model/" + NGramFiles.WeightsFile })
            Assert.True(File.Exists(Path.Combine(run.Run, file)), file);
        // 800 rows: validation 160, tune 160 (of the other 640), training the remaining 480.
        Assert.Equal(160, CsvDatasetReader.Load(run.Validation).Count);
        Assert.Equal(160, CsvDatasetReader.Load(run.Tune).Count);
        using var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(run.Run, "train.json")));
        Assert.Equal(480, summary.RootElement.GetProperty("train_rows").GetInt32());

        // The rule words are learnt (a flipped label costs a rare label's AUROC a few hundredths).
        var report = ModelEvaluation.Evaluate(run.Tagger, CsvDatasetReader.Load(run.Validation));
        Assert.All(report.Ranking, r => Assert.True(r.RocAuc > 0.9, $"{r.Label}: ROC AUC {r.RocAuc:F3}"));
        var p = run.Tagger.Predict(["w1 good ugly w3", "w1 good calm w3", "nice angry day"]);
        Assert.Contains("insult", p[0].Tags);
        Assert.Contains("toxic", p[0].Tags);
        Assert.Empty(p[1].Tags);
        Assert.Equal(["threat"], p[2].Tags);
        Assert.Equal("ml.net", run.Tagger.EngineName);
        Assert.Null(run.Tagger.MaxTokens);
        Assert.All(p, prediction => Assert.False(prediction.Truncated));

        // train's own evaluation and `evaluate` agree (the saved model is the one that was measured).
        var written = EvaluationReportJson.Read(Path.Combine(run.Run, "evaluation", EvaluationArtifacts.MetricsFile));
        Assert.Equal(report.MeanRocAuc, written.MeanRocAuc);
    }

    [Fact]
    public void Every_command_takes_the_directory()
    {
        string[] texts = ["w1 good ugly w3", "calm angry", ""];
        var predict = CliRunner.Run(["predict", "--model", run.Model, "--format", "json", .. texts]);
        Assert.True(predict.ExitCode == 0, predict.Error);
        using (var json = JsonDocument.Parse(predict.Output)) ServerAssert.SameAsTagger(run.Tagger, texts, json.RootElement);

        var evaluate = CliRunner.Run("evaluate", "--model", run.Model, "--data", run.Validation, "--out", run.Combine("eval"));
        Assert.True(evaluate.ExitCode == 0, evaluate.Error);
        Assert.Contains("ml.net", evaluate.Output);

        var explain = CliRunner.Run("explain", "--model", run.Model, "--label", "threat", "--format", "json", "w1 w2 calm angry w5 w6");
        Assert.True(explain.ExitCode == 0, explain.Error);
        using (var json = JsonDocument.Parse(explain.Output))
        {
            var words = json.RootElement.GetProperty("explanations")[0].GetProperty("words").EnumerateArray()
                .OrderByDescending(w => w.GetProperty("scores").GetProperty("threat").GetDouble()).ToArray();
            Assert.Equal("angry", words[0].GetProperty("text").GetString());
        }

        var info = CliRunner.Run("model", "info", "--model", run.Model);
        Assert.True(info.ExitCode == 0, info.Error);
        Assert.Contains("ml.net, whole texts", info.Output);

        var export = CliRunner.Run("export", "--model", run.Model, "--out", run.Combine("onnx"));
        Assert.Equal(1, export.ExitCode);
        Assert.Contains("n-gram model or an ensemble", export.Error);
        Assert.False(Directory.Exists(run.Combine("onnx")));
    }

    [Fact]
    public async Task The_service_serves_it_and_says_it_reads_whole_texts()
    {
        await using var factory = new TaggerServerFactory(new TaggerServerOptions { Model = new() { ModelPath = run.Model  }});
        using var client = factory.CreateClient();
        string[] texts = ["w1 good ugly w3", "calm angry", "love"];
        var response = await client.PostAsJsonAsync("/v1/predict", new { texts });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using (var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync())) ServerAssert.SameAsTagger(run.Tagger, texts, json.RootElement);
        using var labels = JsonDocument.Parse(await client.GetStringAsync("/v1/labels"));
        Assert.Equal("ml.net", labels.RootElement.GetProperty("engine").GetString());
        Assert.Equal(JsonValueKind.Null, labels.RootElement.GetProperty("maxTokens").ValueKind);
        Assert.Contains("max_tokens=\"none\"", await client.GetStringAsync("/metrics"));
    }

    [Fact]
    public void A_saved_model_scores_as_it_did_in_memory_and_damage_is_named()
    {
        using var folder = new TempFolder();
        var train = CsvDatasetReader.Load(run.Data);
        var (rows, validation) = DatasetSplitter.Split(train, 0.25, seed: 9);
        string saved = folder.Combine("model");
        var result = NGramTrainer.Train(rows, validation, new NGramOptions { CharNgrams = 3 }, saved);
        Assert.True(result.ValidationMeanRocAuc > 0.9, $"{result.ValidationMeanRocAuc}");
        using (var tagger = TextTagger.Inference.Tagger.Load(saved))
        {
            // The AUROC the trainer measured in memory is the loaded model's, to the last digit.
            var scores = ModelEvaluation.Score(tagger, validation);
            for (int l = 0; l < scores.LabelCount; l++)
                Assert.Equal(result.ValidationRocAuc[l], RankingMetrics.RocAuc(scores.Scores(l), scores.Truth.Column(l)));
        }

        string weights = Path.Combine(saved, NGramFiles.WeightsFile);
        File.WriteAllBytes(weights, File.ReadAllBytes(weights)[..^4]);
        var cut = CliRunner.Run("predict", "--model", saved, "bad");
        Assert.Equal(1, cut.ExitCode);
        Assert.Contains($"{weights}: ", cut.Error);
        Assert.Contains("expected", cut.Error);

        File.WriteAllText(Path.Combine(saved, NGramFiles.FileName), "{\"model_type\": \"ngram\", \"labels\": []}");
        var empty = CliRunner.Run("predict", "--model", saved, "bad");
        Assert.Equal(1, empty.ExitCode);
        Assert.Contains("not a valid n-gram model description", empty.Error);
        Assert.DoesNotContain("   at ", empty.Error);

        var badOption = CliRunner.Run("train", "--model", "ngram", "--data", run.Data, "--out", folder.Combine("bad"), "--ngram-min-count", "0");
        Assert.Equal(1, badOption.ExitCode);
        Assert.Contains("error: --ngram-min-count must be ≥ 1", badOption.Error);   // the flag the user typed (was --min-count, a flag that does not exist)
    }
}
