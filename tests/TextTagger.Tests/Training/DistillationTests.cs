using TextTagger.Data;
using TextTagger.Inference;
using TextTagger.Tests.TestSupport;
using TextTagger.Training;

namespace TextTagger.Tests.Training;

/// <summary>train --teacher: the teacher's probabilities of the training rows (and only those) become the targets.</summary>
[Collection(TorchRandomCollection.Name)]   // trains in-process: seeds libtorch's global generator
public class DistillationTests : IDisposable
{
    readonly TempFolder _folder = new();
    public void Dispose() => _folder.Dispose();

    sealed class Recorder(CancellationTokenSource? cancel = null, int cancelAfterStep = int.MaxValue) : ITrainingObserver
    {
        public List<string> Messages { get; } = [];
        public void Message(string text) => Messages.Add(text);
        public void StepCompleted(TrainingStep step)
        {
            if (step.GlobalStep == cancelAfterStep) cancel?.Cancel();
        }
    }

    static TrainingOptions TinyOptions(string encoder) => new()
    {
        Model = encoder,
        Epochs = 6,
        Patience = 6,
        BatchSize = 32,
        MaxTokens = 32,
        LearningRate = 3e-3,
        Pooling = PoolingMode.Mean,
        ValidationFraction = 0.2,
        RareLabelRepeat = 1,
        Threads = 1,
        Seed = 5,
    };

    /// <summary>A random tiny classifier with the data's labels: it says about 0.5 for every row and label.</summary>
    string HalfTeacher(IReadOnlyList<string>? labels = null) => TinyModelDirectory.Create(_folder.Combine("teacher"), labels ?? SyntheticData.Labels);

    /// <summary>Mean over the training rows and labels of |student probability − target|.</summary>
    static double MeanDistance(string modelDirectory, LabeledDataset rows, Func<LabeledText, int, double> target)
    {
        using var tagger = Tagger.Load(modelDirectory);
        double sum = 0;
        foreach (var row in rows.Rows)
        {
            var p = tagger.Predict(row.Text);
            for (int l = 0; l < rows.LabelNames.Count; l++) sum += Math.Abs(p[rows.LabelNames[l]] - target(row, l));
        }
        return sum / (rows.Count * rows.LabelNames.Count);
    }

    [Fact]
    public void Soft_targets_reach_the_loss_a_half_teacher_pulls_the_student_to_half_where_hard_labels_pull_it_to_the_labels()
    {
        string data = SyntheticData.Write(_folder.Combine("synthetic.csv"), 1200);
        string encoder = TinyModelDirectory.Create(_folder.Combine("encoder"), []);
        string teacher = HalfTeacher();

        var options = TinyOptions(encoder) with { Epochs = 8, Patience = 8 };   // as the trainer's learning test: AUROC > 0.95 on the rule
        new Trainer(data, new CsvLoadOptions(), options, _folder.Combine("hard")).Run();
        var distilled = new Trainer(data, new CsvLoadOptions(), options with { Teacher = teacher }, _folder.Combine("soft")).Run();

        var rows = CsvDatasetReader.Load(data);
        var teacherProbabilities = new Dictionary<string, double[]>();
        foreach (var line in File.ReadLines(_folder.Combine("soft", TeacherTargets.CacheFile)).Skip(3))
        {
            var fields = line.Split(',');
            teacherProbabilities[fields[1]] = fields.Skip(2).Select(double.Parse).ToArray();
        }
        Assert.All(teacherProbabilities.Values.SelectMany(p => p), p => Assert.InRange(p, 0.4, 0.6));   // the premise: a teacher at ~0.5
        var trainRows = new LabeledDataset(rows.LabelNames, rows.Rows.Where(r => teacherProbabilities.ContainsKey(r.Id!)).ToArray());
        double hardToLabels = MeanDistance(_folder.Combine("hard", "model"), trainRows, (r, l) => r.Labels[l]);
        double softToLabels = MeanDistance(_folder.Combine("soft", "model"), trainRows, (r, l) => r.Labels[l]);
        double softToTeacher = MeanDistance(_folder.Combine("soft", "model"), trainRows, (r, l) => teacherProbabilities[r.Id!][l]);
        double hardToTeacher = MeanDistance(_folder.Combine("hard", "model"), trainRows, (r, l) => teacherProbabilities[r.Id!][l]);

        // Measured: hard→labels 0.055, soft→labels 0.500, soft→teacher 0.001, hard→teacher 0.445.
        Assert.True(hardToLabels < 0.15, $"hard-label run: mean |p − label| {hardToLabels:F3}");
        Assert.True(softToTeacher < 0.05, $"distilled run: mean |p − teacher| {softToTeacher:F3}");
        Assert.True(hardToTeacher > 0.3, $"hard-label run: mean |p − teacher| {hardToTeacher:F3}");
        Assert.True(softToLabels > hardToLabels + 0.3, $"mean |p − label|: distilled {softToLabels:F3}, hard {hardToLabels:F3}");
        Assert.Equal((teacher, 1.0), (distilled.Options.Teacher, distilled.Options.DistillWeight));
        Assert.Equal("transformer, raw probabilities", distilled.TeacherKind);
    }

    [Fact]
    public void The_teacher_scores_only_training_rows_never_tune_or_validation_rows()
    {
        string data = SyntheticData.Write(_folder.Combine("synthetic.csv"), 300);
        string encoder = TinyModelDirectory.Create(_folder.Combine("encoder"), []);
        string output = _folder.Combine("run");
        var options = TinyOptions(encoder) with { Teacher = HalfTeacher(), TuneFraction = 0.2, MaxSteps = 1, Epochs = 1, RareLabelRepeat = 3 };

        new Trainer(data, new CsvLoadOptions(), options, output).Run();

        var seen = TeacherTargets.CachedRowIds(output);
        var validation = CsvDatasetReader.Load(Path.Combine(output, Trainer.ValidationFile)).Rows.Select(r => r.Id!).ToArray();
        var tune = CsvDatasetReader.Load(Path.Combine(output, Trainer.TuneFile)).Rows.Select(r => r.Id!).ToArray();
        Assert.NotEmpty(validation);
        Assert.NotEmpty(tune);
        Assert.Empty(seen.Intersect(validation));
        Assert.Empty(seen.Intersect(tune));
        Assert.Equal(seen.Count, seen.Distinct().Count());   // over-sampled repeats are scored once
        // Every row of the file is in exactly one part, so training rows = all − validation − tune (balancing drops some untagged rows).
        var all = CsvDatasetReader.Load(data).Rows.Select(r => r.Id!).ToHashSet();
        Assert.Subset(all.Except(validation).Except(tune).ToHashSet(), seen.ToHashSet());
    }

    [Fact]
    public void An_ngram_model_is_a_teacher_and_the_weight_mixes_its_probabilities_with_the_labels()
    {
        string data = SyntheticData.Write(_folder.Combine("synthetic.csv"), 300);
        var parts = DatasetSplitter.SplitAndBalance(CsvDatasetReader.Load(data), 0.2, 100_000, DatasetSplitter.DefaultSeed, 0.2);
        string ngram = _folder.Combine("ngram");
        TextTagger.NGram.NGramTrainer.Train(parts.Train, parts.Validation, new TextTagger.NGram.NGramOptions { WordNgrams = 1, CharNgrams = 3 }, ngram);
        string encoder = TinyModelDirectory.Create(_folder.Combine("encoder"), []);
        string output = _folder.Combine("run");

        var summary = new Trainer(data, new CsvLoadOptions(), TinyOptions(encoder) with { Teacher = ngram, DistillWeight = 0.5, MaxSteps = 1, Epochs = 1 }, output).Run();

        Assert.DoesNotContain("transformer", summary.TeacherKind);
        Assert.EndsWith("probabilities", summary.TeacherKind);
        var rows = CsvDatasetReader.Load(data).Rows.ToDictionary(r => r.SourceLine);
        var probabilities = File.ReadLines(Path.Combine(output, TeacherTargets.CacheFile)).Skip(3)
            .Select(line => line.Split(',')).ToDictionary(f => int.Parse(f[0]), f => f.Skip(2).Select(float.Parse).ToArray());
        Assert.Contains(probabilities.Values, p => p.Any(x => x is > 0.05f and < 0.95f));   // the n-gram's own probabilities, not 0/1
        var trainRows = new LabeledDataset(SyntheticData.Labels, probabilities.Keys.Select(line => rows[line]).ToArray());
        var targets = TeacherTargets.Score(ngram, trainRows, output, _ => { }).Targets(trainRows, 0.5);
        for (int i = 0; i < trainRows.Count; i++)
            for (int l = 0; l < 2; l++)
                Assert.Equal(0.5 * probabilities[trainRows.Rows[i].SourceLine][l] + 0.5 * trainRows.Rows[i].Labels[l], targets[i][l], 1e-6);
    }

    [Fact]
    public void A_resumed_run_reads_the_cached_probabilities_instead_of_scoring_again()
    {
        string data = SyntheticData.Write(_folder.Combine("synthetic.csv"), 200);
        string encoder = TinyModelDirectory.Create(_folder.Combine("encoder"), []);
        string output = _folder.Combine("run");
        using var cancel = new CancellationTokenSource();
        var first = new Recorder(cancel, cancelAfterStep: 1);

        Assert.ThrowsAny<OperationCanceledException>(() =>
            new Trainer(data, new CsvLoadOptions(), TinyOptions(encoder) with { Teacher = HalfTeacher(), Epochs = 1 }, output, first).Run(cancel.Token));
        var second = new Recorder();
        var summary = Trainer.Resume(output, second).Run();

        Assert.Contains(first.Messages, m => m.Contains("training rows scored") || m.Contains("rows scored"));
        Assert.Contains(second.Messages, m => m.Contains("not scored again"));
        Assert.DoesNotContain(second.Messages, m => m.Contains("rows scored"));
        Assert.Equal(Path.GetFullPath(_folder.Combine("teacher")), Path.GetFullPath(summary.Options.Teacher!));
    }

    [Fact]
    public void A_teacher_whose_labels_differ_from_the_data_is_a_one_line_error()
    {
        string data = SyntheticData.Write(_folder.Combine("synthetic.csv"), 100);
        string encoder = TinyModelDirectory.Create(_folder.Combine("encoder"), []);
        string teacher = HalfTeacher(["hateful", "rude"]);   // same names, other order

        var result = CliRunner.Run("train", "--data", data, "--model", encoder, "--out", _folder.Combine("run"), "--teacher", teacher,
                                   "--max-steps", "1", "--threads", "1");

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("--teacher", result.Error);
        Assert.Contains("labels (hateful, rude) are not the data's (rude, hateful)", result.Error);
        Assert.Single(result.Error.Trim().Split('\n'));
    }

    [Fact]
    public void A_teacher_directory_that_does_not_load_is_a_one_line_error()
    {
        string data = SyntheticData.Write(_folder.Combine("synthetic.csv"), 100);
        string encoder = TinyModelDirectory.Create(_folder.Combine("encoder"), []);
        string notAModel = _folder.Combine("empty");
        Directory.CreateDirectory(notAModel);

        var result = CliRunner.Run("train", "--data", data, "--model", encoder, "--out", _folder.Combine("run"), "--teacher", notAModel,
                                   "--max-steps", "1", "--threads", "1");

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains($"--teacher {notAModel}", result.Error);
        Assert.Single(result.Error.Trim().Split('\n'));
    }

    [Theory]
    [InlineData("--distill-weight", "1.5", "DistillWeight")]
    [InlineData("--model", "ngram", "--teacher distills into a transformer")]
    public void Bad_distillation_flags_are_a_one_line_error(string flag, string value, string expected)
    {
        string data = SyntheticData.Write(_folder.Combine("synthetic.csv"), 100);
        string teacher = HalfTeacher();
        string[] model = flag == "--model" ? [] : ["--model", TinyModelDirectory.Create(_folder.Combine("encoder"), [])];

        var result = CliRunner.Run(["train", "--data", data, .. model, "--out", _folder.Combine("run"), "--teacher", teacher, flag, value, "--max-steps", "1"]);

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains(expected, result.Error);
        Assert.Single(result.Error.Trim().Split('\n'));
    }
}
