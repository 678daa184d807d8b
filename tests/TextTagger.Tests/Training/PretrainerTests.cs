using System.Text;
using TextTagger.Data;
using TextTagger.Inference.Engines;
using TextTagger.Tests.TestSupport;
using TextTagger.Training;

namespace TextTagger.Tests.Training;

[Collection(TorchRandomCollection.Name)]   // trains in-process: seeds libtorch's global generator
public class PretrainerTests : IDisposable
{
    readonly TempFolder _folder = new();
    public void Dispose() => _folder.Dispose();

    sealed class Steps : ITrainingObserver
    {
        public List<double> Losses { get; } = [];
        public void StepCompleted(TrainingStep step) => Losses.Add(step.Loss);
    }

    /// <summary>Eight sentences repeated: a corpus a tiny BERT can learn to fill in.</summary>
    string RepeatedCorpus(int rows)
    {
        var sentences = Enumerable.Range(0, 8).Select(s => string.Join(' ', Enumerable.Range(0, 12).Select(i => $"w{(s * 7 + i * 3) % 60}"))).ToArray();
        var csv = new StringBuilder("id,comment_text,rude\n");
        for (int i = 0; i < rows; i++) csv.Append($"r{i},\"{sentences[i % sentences.Length]}\",{i % 3 / 2}\n");
        string path = _folder.Combine("repeated.csv");
        File.WriteAllText(path, csv.ToString());
        return path;
    }

    [Fact]
    public void The_MLM_loss_falls_on_a_repeated_corpus_and_the_output_fine_tunes_through_train()
    {
        string data = RepeatedCorpus(400);
        string encoder = TinyModelDirectory.Create(_folder.Combine("encoder"), []);
        string output = _folder.Combine("pretrained");
        var steps = new Steps();
        var options = new PretrainingOptions
        {
            Model = encoder, Epochs = 12, BatchSize = 16, MaxTokens = 32, LearningRate = 3e-3, Precision = Precision.Fp32, Threads = 1,
            HeldOutTexts = 32, WarmupFraction = 0.05,
        };
        var summary = new Pretrainer(data, new CsvLoadOptions(), options, output, steps).Run();

        Assert.Equal(summary.Steps, steps.Losses.Count);
        double first = steps.Losses.Take(5).Average(), last = steps.Losses.TakeLast(5).Average();
        Assert.True(last < 0.6 * first, $"MLM loss {first:F3} → {last:F3}");
        Assert.True(summary.HeldOutAccuracyAfter > summary.HeldOutAccuracyBefore + 0.2, $"accuracy {summary.HeldOutAccuracyBefore} → {summary.HeldOutAccuracyAfter}");
        Assert.True(summary.HeadInitialised);   // the tiny encoder, like MiniLM, has no MLM head
        Assert.True(File.Exists(Path.Combine(output, PretrainingSummary.FileName)));
        Assert.Contains("BertForMaskedLM", File.ReadAllText(Path.Combine(output, "config.json")));

        // A second run from the output finds its MLM head.
        var again = new Pretrainer(data, new CsvLoadOptions(), options with { Model = output, MaxSteps = 1 }, _folder.Combine("again"), null).Run();
        Assert.False(again.HeadInitialised);
        Assert.InRange(again.HeldOutAccuracyBefore!.Value, summary.HeldOutAccuracyAfter!.Value - 1e-9, summary.HeldOutAccuracyAfter!.Value + 1e-9);

        var train = CliRunner.Run("train", "--data", SyntheticData.Write(_folder.Combine("labelled.csv"), 200), "--model", output,
                                  "--out", _folder.Combine("run"), "--max-steps", "1", "--batch-size", "8", "--max-tokens", "32", "--threads", "1");
        Assert.True(train.ExitCode == 0, train.Error + train.Output);
        Assert.True(File.Exists(Path.Combine(_folder.Combine("run"), "model", "model.safetensors")));
    }

    [Fact]
    public void Pretraining_texts_are_exactly_the_rows_train_trains_on_never_validation_or_tune_rows()
    {
        string data = SyntheticData.Write(_folder.Combine("synthetic.csv"), 300);
        var options = new PretrainingOptions { ValidationFraction = 0.2, TuneFraction = 0.1, UntaggedToKeep = 40, Seed = 5, HeldOutTexts = 10 };
        var texts = PretrainingTexts.Select(data, new CsvLoadOptions(), options, _ => { });
        var training = TrainingData.Prepare(data, new CsvLoadOptions(),
            new TrainingOptions { ValidationFraction = 0.2, TuneFraction = 0.1, UntaggedToKeep = 40, Seed = 5, RareLabelRepeat = 1 },
            _folder.Combine("run"), _ => { });
        Assert.Equal(training.TrainRows.Rows.Select(r => r.Text).Order(), texts.Train.Concat(texts.HeldOut).Order());
        Assert.Equal(10, texts.HeldOut.Count);
        var heldOutOfTraining = CsvDatasetReader.Load(_folder.Combine("run", "validation.csv")).Rows
            .Concat(CsvDatasetReader.Load(_folder.Combine("run", "tune.csv")).Rows).Select(r => r.Id).ToHashSet();
        var all = CsvDatasetReader.Load(data).Rows;
        var used = training.TrainRows.Rows.Select(r => r.Id).ToHashSet();
        Assert.Empty(used.Intersect(heldOutOfTraining));
        Assert.Equal(all.Count, texts.FileRows);
        var everything = PretrainingTexts.Select(data, new CsvLoadOptions(), options with { TrainSplitOnly = false }, _ => { });
        Assert.Equal(all.Count, everything.Train.Count + everything.HeldOut.Count);
    }

    [Theory]
    [InlineData("--mask-probability", "1.5", "--mask-probability must be in (0, 1)")]
    [InlineData("--max-length", "4", "--max-length must be between 8 and 512")]
    [InlineData("--epochs", "0", "--epochs must be ≥ 1")]
    [InlineData("--lr", "abc", "abc")]
    public void Bad_flags_give_a_one_line_error_and_a_non_zero_exit(string flag, string value, string expected)
    {
        string data = SyntheticData.Write(_folder.Combine("synthetic.csv"), 50);
        var result = CliRunner.Run("pretrain", "--data", data, "--out", _folder.Combine("out"), flag, value);
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains(expected, result.Error.Split('\n')[0]);   // (a parse error adds the CLI's usual "see --help" line)
        Assert.DoesNotContain("   at ", result.Error);
        Assert.False(Directory.Exists(_folder.Combine("out")));
    }

    [Fact]
    public void A_missing_data_file_and_a_foreign_out_folder_are_one_line_errors()
    {
        var missing = CliRunner.Run("pretrain", "--data", _folder.Combine("nope.csv"), "--out", _folder.Combine("out"));
        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("nope.csv: file not found", missing.Error);
        Directory.CreateDirectory(_folder.Combine("mine"));
        File.WriteAllText(_folder.Combine("mine", "notes.txt"), "keep me");
        var foreign = CliRunner.Run("pretrain", "--data", SyntheticData.Write(_folder.Combine("s.csv"), 50), "--out", _folder.Combine("mine"), "--overwrite");
        Assert.Equal(1, foreign.ExitCode);
        Assert.Contains("not an earlier pre-training output", foreign.Error);
        Assert.True(File.Exists(_folder.Combine("mine", "notes.txt")));
    }
}
