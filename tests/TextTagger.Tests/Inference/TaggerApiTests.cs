using TextTagger.Data;
using TextTagger.Inference;
using TextTagger.Tests.TestSupport;
using TextTagger.Training;

namespace TextTagger.Tests.Inference;

/// <summary>The API a .NET app uses: one options type, the interface, async and streamed prediction with
/// cancellation, engines found without registration, errors that name the property.</summary>
public class TaggerApiTests : IDisposable
{
    readonly TempFolder _folder = new();
    public void Dispose() => _folder.Dispose();

    static readonly string[] Words = ["good", "nice", "kind", "bad", "ugly", "rude", "angry", "hate", "love", "w1", "w2", "w3"];

    static string[] Texts(int count, int seed = 11)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => string.Join(' ', Enumerable.Range(0, random.Next(1, 12)).Select(_ => Words[random.Next(Words.Length)]))).ToArray();
    }

    static async IAsyncEnumerable<string> Stream(IEnumerable<string> texts)
    {
        foreach (var text in texts)
        {
            await Task.Yield();
            yield return text;
        }
    }

    [Fact]
    public async Task Async_and_streamed_predictions_are_the_synchronous_ones_in_order()
    {
        string dir = TinyModelDirectory.Create(_folder.Combine("tiny"), ["toxic", "insult"], initializerRange: 0.2);
        using var tagger = Tagger.Load(new TaggerOptions { ModelPath = dir, BatchSize = 4 });
        var texts = Texts(45);
        var expected = tagger.Predict(texts);

        ITagger service = tagger;
        var batch = await service.PredictAsync(texts);
        var streamed = new List<Prediction>();
        // Chunks of 7 with 45 texts: six full chunks and a partial one, each sorted by length inside.
        var chunked = new Tagger(tagger.Scorer, tagger.Labels, tagger.Thresholds) { StreamChunkTexts = 7 };   // shares the scorer: not disposed
        await foreach (var p in chunked.PredictAsync(Stream(texts))) streamed.Add(p);

        Assert.Equal(texts.Length, batch.Count);
        Assert.Equal(texts.Length, streamed.Count);
        for (int i = 0; i < texts.Length; i++)
        {
            Assert.Equal(expected[i].Probabilities, batch[i].Probabilities);
            // Other batch mates, other padding: the same numbers to float32 rounding.
            for (int l = 0; l < 2; l++) Assert.InRange(Math.Abs(expected[i].Probabilities[l] - streamed[i].Probabilities[l]), 0, 1e-5);
            Assert.Equal(expected[i].Tags, streamed[i].Tags);
        }
    }

    [Fact]
    public async Task Cancellation_stops_scoring_within_a_batch()
    {
        string dir = TinyModelDirectory.Create(_folder.Combine("tiny"), ["toxic"]);
        using var tagger = Tagger.Load(new TaggerOptions { ModelPath = dir, BatchSize = 2 });
        var texts = Texts(40);

        using var before = new CancellationTokenSource();
        before.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => tagger.PredictAsync(texts, before.Token));

        // Cancelled when the first forward call reports: at most that batch and the one running finish.
        using var during = new CancellationTokenSource();
        int batches = 0;
        tagger.BatchScored += _ => { if (Interlocked.Increment(ref batches) == 1) during.Cancel(); };
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => tagger.PredictAsync(texts, during.Token));
        Assert.InRange(batches, 1, 2);   // of 20

        using var streaming = new CancellationTokenSource();
        int seen = 0;
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var _ in tagger.PredictAsync(Stream(Texts(600)), streaming.Token))
                if (++seen == 1) streaming.Cancel();
        });
        Assert.Equal(1, seen);
    }

    [Fact]
    public void Bad_options_name_the_property_and_the_cli_names_the_flag()
    {
        string dir = TinyModelDirectory.Create(_folder.Combine("tiny"), ["toxic"]);
        var error = Assert.Throws<InvalidOptionException>(() => Tagger.Load(new TaggerOptions { ModelPath = dir, BatchSize = 0 }));
        Assert.Equal("BatchSize", error.Option);
        Assert.Equal("BatchSize must be ≥ 1, got 0", error.Message);
        Assert.Equal("ModelPath", Assert.Throws<InvalidOptionException>(() => Tagger.Load(new TaggerOptions())).Option);

        var training = Assert.Throws<InvalidOptionException>(() => new TrainingOptions { LearningRate = 2 }.Validate());
        Assert.Equal("LearningRate must be in (0, 1), got 2", training.Message);

        var cli = CliRunner.Run("predict", "--model", dir, "--batch-size", "0", "hello");
        Assert.Equal(1, cli.ExitCode);
        Assert.Equal("error: --batch-size must be ≥ 1, got 0\n", cli.Error);
    }

    [Fact]
    public void Torch_weights_open_without_registration_and_explicitly_alike()
    {
        string dir = TinyModelDirectory.Create(_folder.Combine("tiny"), ["toxic", "insult"], initializerRange: 0.2);
        Assert.Contains(OptionalComponents.Engines, e => e is TorchEngineProvider);   // the app carries TextTagger.Torch
        using var found = Tagger.Load(dir);
        using var explicitly = Tagger.Load(new TaggerOptions { ModelPath = dir }.UseTorchSharp());
        Assert.Equal("torchsharp", found.EngineName);
        Assert.Equal(found.Predict("ugly rude").Probabilities, explicitly.Predict("ugly rude").Probabilities);
    }

    [Fact]
    public void Dispose_during_a_call_frees_the_model_after_it_and_refuses_later_calls()
    {
        // A host whose shutdown timeout passed disposes the tagger while its batch is still scoring: the call must
        // finish with the right numbers (it used to die with "Tensor invalid -- empty handle").
        string dir = TinyModelDirectory.Create(_folder.Combine("tiny"), ["toxic", "insult"], initializerRange: 0.2);
        var texts = Texts(40);
        IReadOnlyList<Prediction> expected;
        using (var reference = Tagger.Load(new TaggerOptions { ModelPath = dir, BatchSize = 4 }))
            expected = reference.Predict(texts);

        var tagger = Tagger.Load(new TaggerOptions { ModelPath = dir, BatchSize = 4 });
        int batches = 0;
        tagger.BatchScored += _ => { if (++batches == 1) tagger.Dispose(); };   // disposed after the first of 10 batches
        var scored = tagger.Predict(texts);

        Assert.Equal(10, batches);
        for (int i = 0; i < texts.Length; i++) Assert.Equal(expected[i].Probabilities, scored[i].Probabilities);
        Assert.Throws<ObjectDisposedException>(() => tagger.Predict("good"));
        tagger.Dispose();   // twice: nothing more happens
    }
}

/// <summary>A trainer built over rows in memory changes nothing in the process until it runs, and its run can be read
/// back like one over a file.</summary>
[Collection(TorchRandomCollection.Name)]
public class TrainerApiTests : IDisposable
{
    readonly TempFolder _folder = new();
    public void Dispose() => _folder.Dispose();

    [Fact]
    public void A_trainer_over_a_dataset_changes_nothing_until_it_runs_and_reports_progress()
    {
        string encoder = TinyModelDirectory.Create(_folder.Combine("encoder"), []);
        var rows = CsvDatasetReader.Load(TextTagger.Tests.NGram.SyntheticComments.Write(_folder.Combine("data.csv"), 200));
        var options = new TrainingOptions { Model = encoder, Epochs = 1, BatchSize = 16, MaxTokens = 32, MaxSteps = 3, Threads = 1, Seed = 3 };
        int? threshold = NativeHeap.MmapThresholdBytes;

        var steps = new List<int>();
        var trainer = new Trainer(rows, options, _folder.Combine("run"), new TrainingReporter(new SynchronousProgress<TrainingStep>(s => steps.Add(s.GlobalStep))));
        Assert.Equal(threshold, NativeHeap.MmapThresholdBytes);   // the training heap is set by Run, not by the constructor
        Assert.False(Directory.Exists(_folder.Combine("run")));

        var summary = trainer.Run();
        // The CLI says the same of a bad training option with its flag.
        Assert.Equal("error: --lr must be in (0, 1), got 2\n", CliRunner.Run("train", "--data", "x.csv", "--lr", "2").Error);
        Assert.Equal([1, 2, 3], steps);
        Assert.Equal(3, summary.Steps);
        var kept = CsvDatasetReader.Load(_folder.Combine("run", Trainer.DataFile));
        Assert.Equal(rows.Count, kept.Count);
        Assert.Equal(rows.Rows.Select(r => r.Text), kept.Rows.Select(r => r.Text));
        using var tagger = Tagger.Load(_folder.Combine("run", Trainer.ModelFolder));
        Assert.Equal(rows.LabelNames, tagger.Labels);
    }

    /// <summary>IProgress that reports on the caller's thread (Progress&lt;T&gt; posts to the thread pool).</summary>
    sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }

}
