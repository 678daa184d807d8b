using System.Net.Http.Json;
using System.Text.Json;
using TextTagger.Data;
using TextTagger.Inference;
using TextTagger.Server;
using TextTagger.Tests.NGram;
using TextTagger.Tests.Serving;
using TextTagger.Tests.TestSupport;

namespace TextTagger.Tests.Calibration;

/// <summary>`texttagger calibrate` and --calibration / --threshold-policy on real n-gram models and an ensemble of them:
/// what the files say is checked against the probabilities and tags the loaded model gives, computed here.</summary>
[Collection(TorchRandomCollection.Name)]   // trains in-process (the n-gram model), like TrainCommandTests
public sealed class CalibrateCommandTests(NGramModelFixture run) : IClassFixture<NGramModelFixture>, IDisposable
{
    readonly TempFolder _folder = new();
    public void Dispose() => _folder.Dispose();

    string CopyOfModel(string name)
    {
        string copy = _folder.Combine(name);
        Directory.CreateDirectory(copy);
        foreach (var file in Directory.GetFiles(run.Model)) File.Copy(file, Path.Combine(copy, Path.GetFileName(file)));
        return copy;
    }

    static double Sigmoid(double z) => 1 / (1 + Math.Exp(-z));

    /// <summary>Each label's (slope, intercept) read from calibration.json directly.</summary>
    static Dictionary<string, (double Slope, double Intercept)> Maps(string directory)
    {
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(directory, "calibration.json")));
        return json.RootElement.GetProperty("labels").EnumerateArray().ToDictionary(
            e => e.GetProperty("label").GetString()!, e => (e.GetProperty("slope").GetDouble(), e.GetProperty("intercept").GetDouble()));
    }

    static JsonElement Rule(string directory, string label)
    {
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(directory, "thresholds.json")));
        return json.RootElement.GetProperty("labels").EnumerateArray().Single(e => e.GetProperty("label").GetString() == label).Clone();
    }

    [Fact]
    public async Task Calibrate_rewrites_the_directory_and_every_command_sees_calibrated_probabilities_and_the_rules()
    {
        string model = CopyOfModel("calibrated");
        var result = CliRunner.Run("calibrate", "--model", model, "--tune-on", run.Tune, "--calibration", "platt",
                                   "--threshold-policy", "f1,threat=precision:0.9,toxic=recall:0.95");
        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Equal("platt", JsonDocument.Parse(File.ReadAllText(Path.Combine(model, "calibration.json"))).RootElement.GetProperty("method").GetString());

        var tune = CsvDatasetReader.Load(run.Tune);
        var texts = tune.Rows.Select(r => r.Text).ToArray();
        using var raw = Tagger.Load(new TaggerOptions { ModelPath = model, ApplyCalibration = false });
        using var calibrated = Tagger.Load(model);
        var rawLogits = raw.PredictLogits(texts);
        var predictions = calibrated.Predict(texts);
        var maps = Maps(model);
        int moved = 0;
        for (int l = 0; l < calibrated.Labels.Count; l++)
        {
            string label = calibrated.Labels[l];
            var (slope, intercept) = maps[label];
            if (Math.Abs(slope - 1) > 1e-3 || Math.Abs(intercept) > 1e-3) moved++;
            for (int i = 0; i < texts.Length; i++)
                Assert.Equal(Sigmoid(slope * rawLogits[i, l] + intercept), predictions[i].Probabilities[l], 5);

            // The file's tune precision and recall are those of the calibrated model's tags on the tune rows, and the policy held.
            var rule = Rule(model, label);
            int column = tune.LabelNames.ToList().IndexOf(label);
            var truth = tune.Rows.Select(r => r.Labels[column] == 1).ToArray();
            var tagged = predictions.Select(p => p.Tags.Contains(label)).ToArray();
            int tp = tagged.Zip(truth).Count(x => x.First && x.Second), predicted = tagged.Count(t => t), positives = truth.Count(t => t);
            Assert.Equal((double)rule.GetProperty("threshold").GetSingle(), calibrated.Thresholds[l]);
            Assert.Equal((double)tp / predicted, rule.GetProperty("precision").GetDouble(), 12);
            Assert.Equal((double)tp / positives, rule.GetProperty("recall").GetDouble(), 12);
            string policy = rule.GetProperty("policy").GetString()!;
            Assert.Equal(label switch { "threat" => "precision:0.9", "toxic" => "recall:0.95", _ => "f1" }, policy);
            if (policy == "recall:0.95") Assert.True((double)tp / positives >= 0.95);
            if (policy == "precision:0.9" && rule.GetProperty("target_reached").GetBoolean()) Assert.True((double)tp / predicted >= 0.9);
        }
        Assert.True(moved > 0, "Platt scaling left every label as it was: the test could not see calibration applied");

        // The server shows each label's rule.
        await using var factory = new TaggerServerFactory(new TaggerServerOptions { Model = new TaggerOptions { ModelPath = model } });
        using var client = factory.CreateClient();
        using var labels = JsonDocument.Parse(await client.GetStringAsync("/v1/labels"));
        var threat = labels.RootElement.GetProperty("rules").GetProperty("threat");
        Assert.Equal("precision:0.9", threat.GetProperty("policy").GetString());
        Assert.Equal(Rule(model, "threat").GetProperty("precision").GetDouble(), threat.GetProperty("tunePrecision").GetDouble());
        Assert.Equal(labels.RootElement.GetProperty("thresholds").GetProperty("threat").GetDouble(), threat.GetProperty("threshold").GetDouble());

        // Refit with none: calibration.json goes, the probabilities are the model's own again.
        Assert.Equal(0, CliRunner.Run("calibrate", "--model", model, "--tune-on", run.Tune).ExitCode);
        Assert.False(File.Exists(Path.Combine(model, "calibration.json")));
        using var plain = Tagger.Load(model);
        Assert.Equal(raw.PredictProbabilities(texts[..5]), plain.PredictProbabilities(texts[..5]));
    }

    [Fact]
    public void An_ensemble_calibrates_its_combined_logits_with_its_own_file()
    {
        string member = CopyOfModel("member");
        string ensemble = _folder.Combine("ensemble");
        var built = CliRunner.Run("ensemble", "--models", $"{run.Model},{member}", "--tune-on", run.Tune, "--out", ensemble,
                                  "--weights", "equal", "--calibration", "temperature");
        Assert.True(built.ExitCode == 0, built.Error);
        var maps = Maps(ensemble);
        Assert.All(maps.Values, m => Assert.Equal(0, m.Intercept));
        Assert.Contains(maps.Values, m => Math.Abs(m.Slope - 1) > 1e-3);

        var texts = CsvDatasetReader.Load(run.Tune).Rows.Take(20).Select(r => r.Text).ToArray();
        using var single = Tagger.Load(run.Model);   // both members are the same model: the mean logit is its logit
        using var calibrated = Tagger.Load(ensemble);
        var logits = single.PredictLogits(texts);
        var probabilities = calibrated.PredictProbabilities(texts);
        for (int l = 0; l < calibrated.Labels.Count; l++)
            for (int i = 0; i < texts.Length; i++)
                Assert.Equal(Sigmoid(maps[calibrated.Labels[l]].Slope * logits[i, l]), probabilities[i, l], 5);
    }

    [Theory]
    [InlineData("--threshold-policy", "precision:2", "--threshold-policy precision needs a target in (0, 1]")]
    [InlineData("--threshold-policy", "spam=f1", "--threshold-policy names 'spam', which is not a label of the model")]
    [InlineData("--calibration", "isotonic", "--calibration must be one of none, platt, temperature")]
    public void Bad_options_are_one_line_naming_the_flag(string flag, string value, string message)
    {
        string model = CopyOfModel("bad");
        string before = File.ReadAllText(Path.Combine(model, "thresholds.json"));
        var result = CliRunner.Run("calibrate", "--model", model, "--tune-on", run.Tune, flag, value);
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains(message, result.Error);
        Assert.Single(result.Error.Trim().Split('\n'));
        Assert.Equal(before, File.ReadAllText(Path.Combine(model, "thresholds.json")));
    }

    [Fact]
    public void A_rule_for_a_label_the_data_lacks_fails_before_any_fitting()
    {
        var training = CliRunner.Run("train", "--model", "ngram", "--data", run.Data, "--out", _folder.Combine("spam"), "--threshold-policy", "spam=precision:0.9");
        Assert.Equal(1, training.ExitCode);
        Assert.Contains("--threshold-policy names 'spam', which is not a label of the model", training.Error);
        Assert.DoesNotContain("n-gram features", training.Output);   // failed before featurizing
        Assert.False(Directory.Exists(_folder.Combine("spam", "model")));
        var ensemble = CliRunner.Run("ensemble", "--models", $"{run.Model},{run.Model}", "--tune-on", run.Tune, "--out", _folder.Combine("ens"),
                                     "--threshold-policy", "spam=f1");
        Assert.Equal(1, ensemble.ExitCode);
        Assert.Contains("--threshold-policy names 'spam'", ensemble.Error);
        Assert.DoesNotContain("scored", ensemble.Output);
    }

    [Fact]
    public void Training_takes_the_policy_and_the_calibration()
    {
        string output = _folder.Combine("trained");
        var training = CliRunner.Run("train", "--model", "ngram", "--data", run.Data, "--out", output, "--val-fraction", "0.2",
                                     "--balance", "100000", "--threshold-policy", "recall:0.9", "--calibration", "platt");
        Assert.True(training.ExitCode == 0, training.Error);
        string model = Path.Combine(output, "model");
        Assert.True(File.Exists(Path.Combine(model, "calibration.json")));
        foreach (var label in new[] { "toxic", "insult", "threat" })
        {
            var rule = Rule(model, label);
            Assert.Equal("recall:0.9", rule.GetProperty("policy").GetString());
            Assert.True(rule.GetProperty("recall").GetDouble() >= 0.9);
        }
        using var metrics = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "evaluation", "metrics.json")));
        Assert.Equal(3, metrics.RootElement.GetProperty("calibration").GetArrayLength());
        Assert.True(File.Exists(Path.Combine(output, "evaluation", "reliability.png")));
    }
}
