using TextTagger.Data;
using TextTagger.Evaluation;
using TextTagger.Inference;
using TextTagger.Tests.TestSupport;
using TextTagger.Training;

namespace TextTagger.Tests.Training;

[Collection(TorchRandomCollection.Name)]
public class TrainerTests : IDisposable
{
    readonly TempFolder _folder = new();
    public void Dispose() => _folder.Dispose();

    /// <summary>Records losses, and cancels the run after a given step (to simulate Ctrl+C).</summary>
    sealed class Recorder(CancellationTokenSource? cancel = null, int cancelAfterStep = int.MaxValue) : ITrainingObserver
    {
        public List<double> Losses { get; } = [];
        public List<ValidationMetrics> Validations { get; } = [];
        public List<string> Messages { get; } = [];
        public TrainingPlan? Plan { get; private set; }
        public void RunStarted(TrainingPlan plan) => Plan = plan;
        public void Message(string text) => Messages.Add(text);
        public void StepCompleted(TrainingStep step)
        {
            Losses.Add(step.Loss);
            if (step.GlobalStep == cancelAfterStep) cancel?.Cancel();
        }
        public void ValidationCompleted(ValidationMetrics validation) => Validations.Add(validation);
    }

    TrainingOptions TinyOptions(string model) => new()
    {
        Model = model,
        Epochs = 3,
        BatchSize = 32,
        MaxTokens = 32,
        LearningRate = 1e-3,
        WarmupFraction = 0.1,
        ValidationFraction = 0.2,
        Threads = 1,
        Seed = 5,
    };

    [Fact]
    public void A_tiny_bert_learns_a_synthetic_multi_label_rule_and_writes_a_usable_model()
    {
        string data = SyntheticData.Write(_folder.Combine("synthetic.csv"), 1200);
        string encoder = TinyModelDirectory.Create(_folder.Combine("encoder"), []);
        string output = _folder.Combine("run");

        var summary = new Trainer(data, new CsvLoadOptions(), TinyOptions(encoder) with { Epochs = 8, Patience = 8, Pooling = PoolingMode.Mean, LearningRate = 3e-3 }, output).Run();

        Assert.True(summary.BestValidationMeanRocAuc > 0.95, $"mean validation AUROC {summary.BestValidationMeanRocAuc}");
        Assert.Equal(8, summary.History.Count);
        Assert.True(summary.History[^1].TrainLoss < summary.History[0].TrainLoss);
        foreach (var file in new[] { "model/config.json", "model/model.safetensors", "model/thresholds.json", "train.json", "validation.csv", "checkpoint/state.json" })
            Assert.True(File.Exists(Path.Combine(output, file)), file);
        Assert.NotEmpty(Directory.GetFiles(Path.Combine(output, Trainer.TensorBoardFolder), "events.out.tfevents*", SearchOption.AllDirectories));
        Assert.Equal(240, CsvDatasetReader.Load(Path.Combine(output, Trainer.ValidationFile)).Count);

        using var tagger = Tagger.Load(Path.Combine(output, Trainer.ModelFolder));
        Assert.Equal(SyntheticData.Labels, tagger.Labels);
        Assert.Equal(32, tagger.MaxTokens);
        var rude = tagger.Predict("w1 w2 rude w3");
        var calm = tagger.Predict("w1 w2 calm w3");
        Assert.True(rude["rude"] > calm["rude"] + 0.3, $"rude {rude["rude"]} vs calm {calm["rude"]}");
    }

    [Fact]
    public void Same_seed_and_threads_give_the_identical_loss_curve()
    {
        string data = SyntheticData.Write(_folder.Combine("synthetic.csv"), 400);
        string encoder = TinyModelDirectory.Create(_folder.Combine("encoder"), []);
        var options = TinyOptions(encoder) with { Epochs = 2 };
        var first = new Recorder();
        var second = new Recorder();
        new Trainer(data, new CsvLoadOptions(), options, _folder.Combine("a"), first).Run();
        new Trainer(data, new CsvLoadOptions(), options, _folder.Combine("b"), second).Run();

        Assert.Equal(20, first.Losses.Count);
        Assert.Equal(first.Losses, second.Losses);
        var other = new Recorder();
        new Trainer(data, new CsvLoadOptions(), options with { Seed = 6 }, _folder.Combine("c"), other).Run();
        Assert.NotEqual(first.Losses, other.Losses);
        Assert.NotEqual(File.ReadAllText(_folder.Combine("a", Trainer.ValidationFile)), File.ReadAllText(_folder.Combine("c", Trainer.ValidationFile)));

        // --train-seed alone: other initialisation and batch order, the same rows.
        var otherTraining = new Recorder();
        new Trainer(data, new CsvLoadOptions(), options with { TrainSeed = 6 }, _folder.Combine("d"), otherTraining).Run();
        Assert.NotEqual(first.Losses, otherTraining.Losses);
        Assert.NotEqual(other.Losses, otherTraining.Losses);
        Assert.Equal(File.ReadAllText(_folder.Combine("a", Trainer.ValidationFile)), File.ReadAllText(_folder.Combine("d", Trainer.ValidationFile)));
    }

    [Fact]
    public void An_interrupted_run_resumes_exactly_where_it_stopped()
    {
        string data = SyntheticData.Write(_folder.Combine("synthetic.csv"), 400);
        string encoder = TinyModelDirectory.Create(_folder.Combine("encoder"), []);
        var options = TinyOptions(encoder) with { Epochs = 2 };
        var uninterrupted = new Recorder();
        var full = new Trainer(data, new CsvLoadOptions(), options, _folder.Combine("full"), uninterrupted).Run();

        string output = _folder.Combine("interrupted");
        using var cancel = new CancellationTokenSource();
        var beforeStop = new Recorder(cancel, cancelAfterStep: 7);   // mid-epoch (10 steps per epoch)
        Assert.Throws<OperationCanceledException>(() => new Trainer(data, new CsvLoadOptions(), options, output, beforeStop).Run(cancel.Token));
        Assert.Equal(7, beforeStop.Losses.Count);
        Assert.Equal(7, TrainingCheckpoint.ReadState(output).Progress.GlobalStep);

        var error = Assert.Throws<TextTaggerException>(() => new Trainer(data, new CsvLoadOptions(), options, output).Run());
        Assert.Contains("--resume", error.Message);

        var afterStop = new Recorder();
        var resumed = Trainer.Resume(output, afterStop).Run();
        Assert.Equal(uninterrupted.Losses, beforeStop.Losses.Concat(afterStop.Losses));
        Assert.Equal(full.BestValidationLoss, resumed.BestValidationLoss);
        Assert.Equal(full.History.Select(e => e.ValidationLoss), resumed.History.Select(e => e.ValidationLoss));
    }

    [Fact]
    public void A_weight_average_is_validated_and_saved_without_changing_the_training_and_resumes_exactly()
    {
        string data = SyntheticData.Write(_folder.Combine("synthetic.csv"), 400);
        string encoder = TinyModelDirectory.Create(_folder.Combine("encoder"), []);
        var plain = TinyOptions(encoder) with { Epochs = 2, TuneFraction = 0.1 };
        var averaged = plain with { EmaDecay = 0.8 };
        var live = new Recorder();
        var withoutAverage = new Trainer(data, new CsvLoadOptions(), plain, _folder.Combine("plain"), live).Run();
        var full = new Recorder();
        var withAverage = new Trainer(data, new CsvLoadOptions(), averaged, _folder.Combine("full"), full).Run();

        // The average never feeds back into the steps: the same losses, other validation numbers.
        Assert.Equal(live.Losses, full.Losses);
        Assert.NotEqual(withoutAverage.History.Select(e => e.ValidationLoss), withAverage.History.Select(e => e.ValidationLoss));
        // …and the run reports the live weights' validation too: the plain run's numbers.
        var c = System.Globalization.CultureInfo.InvariantCulture;
        Assert.Contains(full.Messages, m => m.Contains($"epoch 1 without the weight average: validation loss {withoutAverage.History[0].ValidationLoss.ToString("F4", c)}"));
        // The saved model is the averaged one.
        using (var tagger = Tagger.Load(Path.Combine(_folder.Combine("full"), Trainer.ModelFolder)))
        {
            var validation = CsvDatasetReader.Load(_folder.Combine("full", Trainer.ValidationFile));
            var logits = tagger.PredictLogits(validation.Rows.Select(r => r.Text).ToArray());
            Assert.Equal(withAverage.History[withAverage.BestEpoch - 1].ValidationLoss, LogitsRunner.MeanLoss(logits, validation.Rows.Select(r => r.Labels).ToArray()), 5);
        }

        // Tune rows are held out of training beside the validation rows, which stay those of a run without them.
        Assert.Equal(40, CsvDatasetReader.Load(_folder.Combine("full", Trainer.TuneFile)).Count);
        new Trainer(data, new CsvLoadOptions(), plain with { TuneFraction = 0, Epochs = 1, MaxSteps = 1 }, _folder.Combine("untuned")).Run();
        Assert.Equal(File.ReadAllText(_folder.Combine("untuned", Trainer.ValidationFile)), File.ReadAllText(_folder.Combine("full", Trainer.ValidationFile)));

        // Interrupted mid-epoch and resumed: the average comes back from the checkpoint with the weights.
        string output = _folder.Combine("interrupted");
        using var cancel = new CancellationTokenSource();
        var beforeStop = new Recorder(cancel, cancelAfterStep: 5);
        Assert.Throws<OperationCanceledException>(() => new Trainer(data, new CsvLoadOptions(), averaged, output, beforeStop).Run(cancel.Token));
        var resumed = Trainer.Resume(output, new Recorder()).Run();
        Assert.Equal(withAverage.History.Select(e => e.ValidationLoss), resumed.History.Select(e => e.ValidationLoss));
    }

    [Theory]
    [InlineData(SelectionMetric.Loss)]
    [InlineData(SelectionMetric.Auroc)]
    public void The_saved_model_is_the_epoch_best_by_the_chosen_validation_number(SelectionMetric selectBy)
    {
        string data = SyntheticData.Write(_folder.Combine("synthetic.csv"), 400);
        string encoder = TinyModelDirectory.Create(_folder.Combine("encoder"), []);
        string output = _folder.Combine("run");

        var summary = new Trainer(data, new CsvLoadOptions(), TinyOptions(encoder) with { Epochs = 4, Patience = 4, SelectBy = selectBy }, output).Run();

        var history = summary.History;
        var expected = selectBy == SelectionMetric.Auroc
            ? history.MaxBy(e => e.ValidationMeanRocAuc)!
            : history.MinBy(e => e.ValidationLoss)!;
        Assert.Equal(expected.Epoch, summary.BestEpoch);
        Assert.Equal(expected.ValidationMeanRocAuc, summary.BestValidationMeanRocAuc);
        Assert.Equal([expected.Epoch], history.Where(e => e.IsBest).Select(e => e.Epoch).Where(e => e >= expected.Epoch));

        // model/ holds that epoch's weights: scoring the validation rows again gives its AUROC.
        using var tagger = Tagger.Load(Path.Combine(output, Trainer.ModelFolder));
        var validation = CsvDatasetReader.Load(Path.Combine(output, Trainer.ValidationFile));
        var probabilities = tagger.PredictProbabilities(validation.Rows.Select(r => r.Text).ToArray());
        double meanAuc = Enumerable.Range(0, validation.LabelNames.Count).Average(l =>
            RankingMetrics.RocAuc(Enumerable.Range(0, validation.Count).Select(i => probabilities[i, l]).ToArray(),
                                  validation.Rows.Select(r => r.Labels[l] == 1).ToArray())!.Value);
        Assert.Equal(expected.ValidationMeanRocAuc!.Value, meanAuc, 3);
    }

    [Fact]
    public void Over_sampling_repeats_the_training_rows_that_carry_a_rare_label()
    {
        string data = SyntheticData.Write(_folder.Combine("synthetic.csv"), 400);
        string encoder = TinyModelDirectory.Create(_folder.Combine("encoder"), []);
        var (train, _) = DatasetSplitter.SplitAndBalance(CsvDatasetReader.Load(data), 0.2, DatasetSplitter.DefaultUntaggedToKeep, seed: 5);
        int hateful = train.Rows.Count(r => r.Labels[1] == 1);
        Assert.InRange(hateful, 40, 100);   // about 20 %: rare at a 25 % threshold, "rude" (30 %) is not

        var recorder = new Recorder();
        new Trainer(data, new CsvLoadOptions(), TinyOptions(encoder) with { Epochs = 1, RareLabelRepeat = 3, RareLabelShare = 0.25 },
                    _folder.Combine("run"), recorder).Run();

        Assert.Equal(train.Count + 2 * hateful, recorder.Plan!.TrainRows);
        Assert.Contains(recorder.Messages, m => m.Contains("rows carrying hateful × 3") && m.Contains($"{train.Count:N0} → {train.Count + 2 * hateful:N0}"));
        Assert.Equal((train.Count + 2 * hateful + 31) / 32, recorder.Losses.Count);
    }
}
