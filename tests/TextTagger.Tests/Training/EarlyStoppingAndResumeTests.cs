using System.Text;
using TextTagger.Data;
using TextTagger.Tests.TestSupport;
using TextTagger.Training;
using Xunit.Abstractions;

namespace TextTagger.Tests.Training;

/// <summary>
/// Early stopping that stops, and `train --resume` of runs that cannot or need not continue: a finished run (left as
/// it is) and a run whose data file changed (refused in one line, exit 1). The CLI runs in a child process, so the
/// test host's libtorch state is not touched.
/// </summary>
public sealed class EarlyStoppingAndResumeTests(ITestOutputHelper log) : IDisposable
{
    readonly TempFolder _folder = new();
    public void Dispose() => _folder.Dispose();

    /// <summary>Labels drawn at random (seeded), unrelated to the words: the training rows can be memorised, the
    /// validation rows cannot, so validation loss soon stops improving.</summary>
    static string NoiseData(string path, int rows, int seed)
    {
        var random = new Random(seed);
        var words = TinyModelDirectory.Words.Concat(Enumerable.Range(0, 60).Select(i => $"w{i}")).ToArray();
        var csv = new StringBuilder("id,comment_text,rude,hateful\n");
        for (int i = 0; i < rows; i++)
            csv.Append($"r{i},{string.Join(' ', Enumerable.Range(0, random.Next(3, 12)).Select(_ => words[random.Next(words.Length)]))}," +
                       $"{random.Next(2)},{random.Next(2)}\n");
        File.WriteAllText(path, csv.ToString());
        return path;
    }

    string[] Train(string data, string encoder, string output, int epochs, params string[] more) =>
        ["train", "--data", data, "--model", encoder, "--out", output, "--epochs", $"{epochs}", "--batch-size", "16", "--max-tokens", "16",
         "--lr", "5e-3", "--pooling", "mean", "--val-fraction", "0.3", "--threads", "1", "--seed", "5", "--precision", "fp32", .. more];

    static async Task<(int Exit, string Log)> RunAsync(params string[] arguments)
    {
        using var process = DotnetProcess.Cli(arguments);
        int exit = await process.WaitForExitAsync(TimeSpan.FromMinutes(3));
        return (exit, process.Log);
    }

    static Dictionary<string, byte[]> Snapshot(string run) =>
        Directory.GetFiles(run, "*", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}tensorboard{Path.DirectorySeparatorChar}"))
            .ToDictionary(f => Path.GetRelativePath(run, f), File.ReadAllBytes);

    static void AssertUnchanged(Dictionary<string, byte[]> before, string run)
    {
        var after = Snapshot(run);
        Assert.Equal(before.Keys.Order(), after.Keys.Order());
        foreach (var (file, bytes) in before) Assert.True(bytes.AsSpan().SequenceEqual(after[file]), $"{file} was rewritten");
    }

    [Fact]
    public async Task Patience_below_the_epochs_stops_the_run_after_patience_epochs_without_a_better_validation_loss()
    {
        string data = NoiseData(_folder.Combine("noise.csv"), 400, seed: 9);
        string encoder = TinyModelDirectory.Create(_folder.Combine("encoder"), []);
        string run = _folder.Combine("run");
        const int epochs = 8, patience = 2;

        var (exit, output) = await RunAsync(Train(data, encoder, run, epochs, "--patience", $"{patience}"));
        log.WriteLine(output);
        Assert.Equal(0, exit);

        var summary = TrainingSummary.Read(Path.Combine(run, Trainer.SummaryFile));
        var history = summary.History;
        Assert.True(summary.StoppedEarly);
        Assert.True(history.Count < epochs, $"{history.Count} of {epochs} epochs ran");
        Assert.Equal(Enumerable.Range(1, history.Count), history.Select(e => e.Epoch));
        // Independently of the policy: the best epoch is the one with the lowest validation loss, and the run went on for
        // exactly `patience` epochs after it, none of them better.
        var best = history.MinBy(e => e.ValidationLoss)!;
        Assert.Equal(best.Epoch, summary.BestEpoch);
        Assert.Equal(best.Epoch + patience, history.Count);
        Assert.All(history.Where(e => e.Epoch > best.Epoch), e => Assert.True(e.ValidationLoss >= best.ValidationLoss));
        Assert.Equal(history.Select(e => e.Epoch == history.Where(h => h.Epoch <= e.Epoch).MinBy(h => h.ValidationLoss)!.Epoch),
                     history.Select(e => e.IsBest));
        Assert.Contains($"early stopping: no better validation loss for {patience} epoch(s)", output);
        Assert.Equal(summary.Steps, history[^1].GlobalStep);

        // Resuming the finished run trains nothing more and rewrites nothing: the model, train.json, the evaluation.
        var before = Snapshot(run);
        var (again, resumed) = await RunAsync("train", "--resume", run);
        log.WriteLine(resumed);
        Assert.Equal(0, again);
        Assert.Contains($"the run is finished ({history.Count} epoch(s), stopped early, best epoch {best.Epoch}); nothing to resume", resumed);
        Assert.DoesNotContain("epoch " + (history.Count + 1), resumed);
        AssertUnchanged(before, run);
    }
}

/// <summary>A run interrupted in-process (a cancellation after its second step, as Ctrl+C does) whose data file then
/// changes: `train --resume` refuses it in one line naming the file; with the file restored it resumes and finishes; a
/// second resume of the finished run changes nothing. Trains in this process, so it runs alone.</summary>
[Collection(TorchRandomCollection.Name)]
public sealed class ResumeDataChangedTests : IDisposable
{
    readonly TempFolder _folder = new();
    public void Dispose() => _folder.Dispose();

    sealed class CancelAfter(int steps, CancellationTokenSource cancel) : ITrainingObserver
    {
        public void StepCompleted(TrainingStep step)
        {
            if (step.GlobalStep >= steps) cancel.Cancel();
        }
    }

    [Fact]
    public void Resume_refuses_a_data_file_that_changed_and_resumes_once_it_is_restored()
    {
        string data = SyntheticData.Write(_folder.Combine("synthetic.csv"), 200);
        byte[] original = File.ReadAllBytes(data);
        string encoder = TinyModelDirectory.Create(_folder.Combine("encoder"), []);
        string run = _folder.Combine("run");
        var options = new TrainingOptions
        {
            Model = encoder, Epochs = 2, BatchSize = 16, MaxTokens = 16, LearningRate = 3e-3, Pooling = TextTagger.ModelFiles.PoolingMode.Mean,
            ValidationFraction = 0.2, Threads = 1, Seed = 5, CheckpointInterval = null, Precision = TextTagger.Inference.Engines.Precision.Fp32,
        };
        using (var cancel = new CancellationTokenSource())
        {
            var trainer = new Trainer(data, new CsvLoadOptions(), options, run, new CancelAfter(2, cancel));
            Assert.ThrowsAny<OperationCanceledException>(() => trainer.Run(cancel.Token));
        }
        Assert.True(TrainingCheckpoint.Exists(run));
        Assert.False(File.Exists(Path.Combine(run, Trainer.SummaryFile)));

        // One label flipped: same size, same rows, another file.
        string text = Encoding.UTF8.GetString(original);
        int firstRowEnd = text.IndexOf('\n', text.IndexOf('\n') + 1);
        File.WriteAllText(data, text[..(firstRowEnd - 1)] + (text[firstRowEnd - 1] == '0' ? "1" : "0") + text[firstRowEnd..]);
        string validation = File.ReadAllText(Path.Combine(run, Trainer.ValidationFile));
        var refused = CliRunner.Run("train", "--resume", run);
        Assert.Equal(1, refused.ExitCode);
        Assert.Single(refused.Error.TrimEnd('\n').Split('\n'));
        Assert.StartsWith($"error: {data}: the data file changed since the run started", refused.Error);
        Assert.Contains("--overwrite", refused.Error);
        Assert.Equal(validation, File.ReadAllText(Path.Combine(run, Trainer.ValidationFile)));   // nothing rewritten
        Assert.False(File.Exists(Path.Combine(run, Trainer.SummaryFile)));

        File.WriteAllBytes(data, original);
        var resumed = CliRunner.Run("train", "--resume", run);
        Assert.True(resumed.ExitCode == 0, resumed.Error);
        var summary = TrainingSummary.Read(Path.Combine(run, Trainer.SummaryFile));
        Assert.Equal(2, summary.History.Count);
        Assert.False(summary.StoppedEarly);

        var metrics = File.ReadAllBytes(Path.Combine(run, "evaluation", "metrics.json"));
        var model = File.ReadAllBytes(Path.Combine(run, Trainer.ModelFolder, "model.safetensors"));
        var trainJson = File.ReadAllBytes(Path.Combine(run, Trainer.SummaryFile));
        var finished = CliRunner.Run("train", "--resume", run);
        Assert.True(finished.ExitCode == 0, finished.Error);
        Assert.Contains("the run is finished (2 epoch(s), best epoch", finished.Output);
        Assert.Equal(metrics, File.ReadAllBytes(Path.Combine(run, "evaluation", "metrics.json")));
        Assert.Equal(model, File.ReadAllBytes(Path.Combine(run, Trainer.ModelFolder, "model.safetensors")));
        Assert.Equal(trainJson, File.ReadAllBytes(Path.Combine(run, Trainer.SummaryFile)));
    }
}
