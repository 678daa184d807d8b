using TextTagger.Tests.TestSupport;

namespace TextTagger.Tests.Training;

[Collection(TorchRandomCollection.Name)]   // trains in-process: seeds libtorch's global generator and draws dropout keys
public class TrainCommandTests : IDisposable
{
    readonly TempFolder _folder = new();
    public void Dispose() => _folder.Dispose();

    string[] TinyRun(string data, string encoder, string output, int epochs = 2, params string[] extra) =>
        ["train", "--data", data, "--model", encoder, "--out", output, "--epochs", $"{epochs}", "--batch-size", "32", "--max-tokens", "32",
         "--lr", "3e-3", "--pooling", "mean", "--val-fraction", "0.2", "--threads", "1", "--log-every", "5", .. extra];

    [Fact]
    public void Train_prints_progress_and_summary_then_evaluates_the_best_model_on_the_validation_split()
    {
        string data = SyntheticData.Write(_folder.Combine("synthetic.csv"), 600);
        string encoder = TinyModelDirectory.Create(_folder.Combine("encoder"), []);
        string output = _folder.Combine("run");

        var result = CliRunner.Run(TinyRun(data, encoder, output, 2, "--pos-weight-cap", "5", "--attention-dropout", "0", "--precision", "fp32",
                                          "--select-by", "auroc", "--oversample-rare", "2", "--rare-label-share", "0.25", "--train-seed", "3",
                                          "--threshold-policy", "recall:0.5", "--calibration", "temperature"));

        Assert.True(result.ExitCode == 0, result.Error);
        var options = TextTagger.Training.TrainingSummary.Read(Path.Combine(output, "train.json")).Options;
        Assert.Equal(((double?)5.0, (double?)0.0, TextTagger.Inference.Engines.Precision.Fp32), (options.PositiveWeightCap, options.AttentionDropout, options.Precision));
        Assert.Equal((TextTagger.Training.SelectionMetric.Auroc, 2, 0.25, (int?)3), (options.SelectBy, options.RareLabelRepeat, options.RareLabelShare, options.TrainSeed));
        Assert.Contains("over-sampling: rows carrying hateful × 2", result.Output);
        Assert.Contains("\"attention_probs_dropout_prob\": 0,", File.ReadAllText(Path.Combine(output, "model", "config.json")));
        // The best model's thresholds follow the policy on the validation rows, and its calibration is saved beside them.
        Assert.Equal(("recall:0.5", TextTagger.Calibration.CalibrationMethod.Temperature), (options.ThresholdPolicy, options.Calibration));
        var rules = TextTagger.ModelFiles.ModelThresholds.Read(Path.Combine(output, "model"))!;
        Assert.All(rules.Labels, r => Assert.Equal("recall:0.5", r.Policy));
        Assert.All(rules.Labels, r => Assert.True(r.Recall is null || r.Recall >= 0.5, $"{r.Label}: recall {r.Recall}"));   // null: no positive
        Assert.Contains(rules.Labels, r => r.Recall != null);
        Assert.Equal(TextTagger.Calibration.CalibrationMethod.Temperature, TextTagger.Calibration.ModelCalibration.Read(Path.Combine(output, "model"))!.Method);
        Assert.Contains("1 thread(s), fp32", result.Output);
        Assert.Matches(@"epoch 1 step 5/\d+\s+loss \d\.\d{4}", result.Output);
        Assert.Matches(@"epoch 2: train loss \d\.\d{4}, train AUROC \d\.\d{4}, validation loss \d\.\d{4}, validation AUROC \d\.\d{4}", result.Output);
        Assert.Contains("best model by validation mean AUROC (epoch", result.Output);
        Assert.Contains("precision    recall  f1-score   support", result.Output);   // sklearn's report layout
        foreach (var file in new[] { "train.json", "evaluation/metrics.json", "evaluation/report.md", "evaluation/roc_curves.png" })
            Assert.True(File.Exists(Path.Combine(output, file)), file);

        // Starting again into the same folder is refused; --overwrite replaces the run.
        var again = CliRunner.Run(TinyRun(data, encoder, output));
        Assert.Equal(1, again.ExitCode);
        Assert.Contains("--resume", again.Error);
        Assert.Equal(0, CliRunner.Run(TinyRun(data, encoder, output, 1, "--overwrite")).ExitCode);
    }

    [Theory]
    [InlineData("--lr", "0", "--lr must be in (0, 1)")]
    [InlineData("--max-tokens", "4", "--max-tokens must be between 8 and 512")]
    [InlineData("--epochs", "0", "--epochs must be ≥ 1")]
    [InlineData("--precision", "fp16", "'fp16'")]
    [InlineData("--attention-dropout", "1", "--attention-dropout must be in [0, 1)")]
    [InlineData("--layer-lr-decay", "0", "--layer-lr-decay must be in (0, 1]")]
    [InlineData("--oversample-rare", "0", "--oversample-rare must be ≥ 1")]
    [InlineData("--rare-label-share", "1.5", "--rare-label-share must be in (0, 1]")]
    [InlineData("--select-by", "f1", "'f1'")]
    [InlineData("--ema", "1", "--ema must be a decay in (0, 1)")]
    [InlineData("--tune-fraction", "0.95", "--tune-fraction must be in [0, 1 - --val-fraction)")]
    [InlineData("--max-batch-tokens", "4", "--max-batch-tokens must be ≥ 8")]
    [InlineData("--threshold-policy", "precision:2", "--threshold-policy precision needs a target in (0, 1]")]
    [InlineData("--calibration", "isotonic", "--calibration must be one of none, platt, temperature")]
    public void Bad_options_fail_with_one_line_and_no_output_folder(string option, string value, string message)
    {
        string data = SyntheticData.Write(_folder.Combine("synthetic.csv"), 50);
        string output = _folder.Combine("run");
        var result = CliRunner.Run("train", "--data", data, "--out", output, option, value);
        Assert.Equal(1, result.ExitCode);
        Assert.Contains(message, result.Error);
        Assert.DoesNotContain("   at ", result.Error);
        Assert.False(Directory.Exists(output));
    }

    [Fact]
    public void Missing_data_or_checkpoint_is_reported()
    {
        Assert.Contains("--data FILE is required", CliRunner.Run("train").Error);
        var resume = CliRunner.Run("train", "--resume", _folder.Combine("nothing"));
        Assert.Equal(1, resume.ExitCode);
        Assert.Contains("no resumable checkpoint", resume.Error);
        var data = CliRunner.Run("train", "--data", _folder.Combine("missing.csv"), "--out", _folder.Combine("run"));
        Assert.Equal(1, data.ExitCode);
        Assert.EndsWith("missing.csv: file not found", data.Error.Trim());
    }
}
