using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using TextTagger.Data;
using TextTagger.Ensembles;
using TextTagger.Evaluation;
using TextTagger.Inference;
using TextTagger.Server;
using TextTagger.Tests.NGram;
using TextTagger.Tests.Serving;
using TextTagger.Tests.TestSupport;

namespace TextTagger.Tests.Ensembles;

/// <summary>An ensemble of the synthetic n-gram model, a second n-gram model on character 3-grams only, and a tiny
/// random transformer, tuned on the run's tune.csv.</summary>
public class EnsembleTests(NGramModelFixture run) : IClassFixture<NGramModelFixture>, IDisposable
{
    readonly TempFolder _folder = new();
    public void Dispose() => _folder.Dispose();

    string Transformer()
    {
        string directory = _folder.Combine("tiny");
        return Directory.Exists(directory) ? directory : TinyModelDirectory.Create(directory, TinyModelFixture.Labels, initializerRange: 0.5);
    }

    string CharModel()
    {
        var parts = DatasetSplitter.SplitAndBalance(CsvDatasetReader.Load(run.Data), 0.2, 100_000, DatasetSplitter.DefaultSeed, 0.2);
        string model = _folder.Combine("chars");
        TextTagger.NGram.NGramTrainer.Train(parts.Train, parts.Validation, new TextTagger.NGram.NGramOptions { WordNgrams = 1, CharNgrams = 3 }, model);
        return model;
    }

    [Fact]
    public void Logits_are_the_weighted_sum_of_the_members_and_weights_never_lose_to_a_member_on_the_tune_rows()
    {
        string transformer = Transformer(), chars = CharModel(), output = _folder.Combine("ensemble");
        var result = CliRunner.Run("ensemble", "--models", $"{run.Model},{chars},{transformer}", "--tune-on", run.Tune, "--out", output,
                                   "--weights", "per-label");
        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Contains("ROC AUC on the 160 tune rows", result.Output);

        var files = EnsembleFiles.Read(output);
        string[] texts = ["w1 good ugly w3", "calm angry", "", "rude rude hate w7 w8 w9 w10 kind"];
        using var ensemble = Tagger.Load(output);
        var logits = ensemble.PredictLogits(texts);
        var members = new[] { run.Model, chars, transformer }.Select(m => Tagger.Load(m)).ToArray();
        try
        {
            var memberLogits = members.Select(m => m.PredictLogits(texts)).ToArray();
            for (int l = 0; l < files.Labels.Count; l++)
            {
                var w = files.Weights[files.Labels[l]];
                Assert.Equal(1.0, w.Sum(), 9);
                for (int i = 0; i < texts.Length; i++)
                    Assert.Equal(w[0] * memberLogits[0][i, l] + w[1] * memberLogits[1][i, l] + w[2] * memberLogits[2][i, l], logits[i, l], 4);
            }

            // The grid holds every member alone, so on the rows it was fit on the ensemble is at least as good as each.
            var tune = CsvDatasetReader.Load(run.Tune);
            var ensembleScores = ModelEvaluation.Score(ensemble, tune);
            for (int m = 0; m < members.Length; m++)
            {
                var memberScores = ModelEvaluation.Score(members[m], tune);
                for (int l = 0; l < files.Labels.Count; l++)
                    Assert.True(RankingMetrics.RocAuc(ensembleScores.Scores(l), ensembleScores.Truth.Column(l)) >=
                                RankingMetrics.RocAuc(memberScores.Scores(l), memberScores.Truth.Column(l)) - 1e-12, $"member {m}, label {l}");
            }
            // The random transformer knows nothing: the labels lean on the n-gram models.
            Assert.All(files.Labels, l => Assert.True(files.Weights[l][2] <= 0.5, $"{l}: {string.Join("/", files.Weights[l])}"));
        }
        finally
        {
            foreach (var m in members) m.Dispose();
        }
        Assert.Equal("ensemble(ml.net+ml.net+torchsharp)", ensemble.EngineName);
        Assert.Null(ensemble.MaxTokens);   // an n-gram member reads whole texts
    }

    [Fact]
    public async Task The_directory_is_self_contained_and_every_command_takes_it()
    {
        string chars = CharModel(), output = _folder.Combine("ensemble");
        var built = CliRunner.Run("ensemble", "--models", $"{run.Model},{chars}", "--tune-on", run.Tune, "--out", output);   // shared weights by default
        Assert.True(built.ExitCode == 0, built.Error);
        Directory.Delete(chars, recursive: true);   // the ensemble holds its own copy

        string[] texts = ["w1 good ugly w3", "calm angry"];
        using var tagger = Tagger.Load(output);
        var predict = CliRunner.Run(["predict", "--model", output, "--format", "json", .. texts]);
        Assert.True(predict.ExitCode == 0, predict.Error);
        using (var json = JsonDocument.Parse(predict.Output)) ServerAssert.SameAsTagger(tagger, texts, json.RootElement);

        var evaluate = CliRunner.Run("evaluate", "--model", output, "--data", run.Validation, "--out", _folder.Combine("eval"));
        Assert.True(evaluate.ExitCode == 0, evaluate.Error);
        var report = EvaluationReportJson.Read(_folder.Combine("eval", EvaluationArtifacts.MetricsFile));
        Assert.True(report.MeanRocAuc > 0.9, $"{report.MeanRocAuc}");

        var explain = CliRunner.Run("explain", "--model", output, "--label", "insult", "w1 w2 ugly w4");
        Assert.True(explain.ExitCode == 0, explain.Error);
        Assert.Contains("ugly", explain.Output);

        var info = CliRunner.Run("model", "info", "--model", output);
        Assert.True(info.ExitCode == 0, info.Error);
        Assert.Contains("weights:       shared, fit on", info.Output);
        var weights = EnsembleFiles.Read(output).Weights;
        Assert.Single(weights.Values.Select(w => string.Join("/", w)).Distinct());   // shared: one set for every label

        await using var factory = new TaggerServerFactory(new TaggerServerOptions { Model = new() { ModelPath = output  }});
        using var client = factory.CreateClient();
        var response = await client.PostAsJsonAsync("/v1/predict", new { texts });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using (var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync())) ServerAssert.SameAsTagger(tagger, texts, json.RootElement);
    }

    [Fact]
    public void Bad_ensembles_are_one_line_errors()
    {
        string output = _folder.Combine("ensemble");
        void Fails(string expected, params string[] args)
        {
            var result = CliRunner.Run(args);
            Assert.True(result.ExitCode == 1, $"{string.Join(' ', args)}: exit {result.ExitCode}");
            Assert.Contains(expected, result.Error);
            Assert.DoesNotContain("   at ", result.Error);
            Assert.False(Directory.Exists(output), "no half-written ensemble");
        }
        Fails("at least two models", "ensemble", "--models", run.Model, "--tune-on", run.Tune, "--out", output);
        Fails("not found", "ensemble", "--models", $"{run.Model},{_folder.Combine("missing")}", "--tune-on", run.Tune, "--out", output);
        Fails("is one of the members", "ensemble", "--models", $"{run.Model},{output}", "--tune-on", run.Tune, "--out", output);

        string otherLabels = TinyModelDirectory.Create(_folder.Combine("other"), ["spam", "ham", "eggs"]);
        Fails("'toxic' is not one of ", "ensemble", "--models", $"{run.Model},{otherLabels}", "--tune-on", run.Tune, "--out", output);
        string noLabels = _folder.File("unlabelled.csv", "id,comment_text,spam\n1,hello,0\n2,bad,1\n");
        Fails("missing from the data: toxic, insult, threat", "ensemble", "--models", $"{run.Model},{Transformer()}", "--tune-on", noLabels, "--out", output);

        // A damaged ensemble.json, or one whose member path leaves the directory, is named when loaded.
        var built = CliRunner.Run("ensemble", "--models", $"{run.Model},{Transformer()}", "--tune-on", run.Tune, "--out", output, "--weights", "equal");
        Assert.True(built.ExitCode == 0, built.Error);
        string description = Path.Combine(output, EnsembleFiles.FileName);
        File.WriteAllText(description, File.ReadAllText(description).Replace("members/1-", "../../1-"));
        var escaped = CliRunner.Run("predict", "--model", output, "bad");
        Assert.Equal(1, escaped.ExitCode);
        Assert.Contains("leaves the ensemble directory", escaped.Error);
        File.WriteAllText(description, "{ not json");
        var damaged = CliRunner.Run("predict", "--model", output, "bad");
        Assert.Equal(1, damaged.ExitCode);
        Assert.Contains("not a valid ensemble description", damaged.Error);
    }
}
