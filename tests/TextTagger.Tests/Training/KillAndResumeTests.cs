using System.Text.Json;
using TextTagger.Tests.TestSupport;
using TextTagger.Training;
using Xunit.Abstractions;

namespace TextTagger.Tests.Training;

/// <summary>`texttagger train` in a real child process, killed with SIGKILL at two seeded random steps and resumed each
/// time, ends with the same model and the same numbers as the run that was never interrupted.</summary>
public sealed class KillAndResumeTests(ITestOutputHelper log) : IDisposable
{
    readonly TempFolder _folder = new();
    public void Dispose() => _folder.Dispose();

    string[] Train(string data, string encoder, string output) =>
        ["train", "--data", data, "--model", encoder, "--out", output, "--epochs", "2", "--batch-size", "16", "--max-tokens", "32",
         "--lr", "3e-3", "--pooling", "mean", "--val-fraction", "0.2", "--threads", "1", "--seed", "5", "--checkpoint-every", "1steps", "--log-every", "1"];

    static async Task<int> RunToEndAsync(DotnetProcess process)
    {
        using (process) return await process.WaitForExitAsync(TimeSpan.FromMinutes(3));
    }

    /// <summary>The global step of the run's latest checkpoint (0 before the first).</summary>
    static int CheckpointStep(string output)
    {
        string path = Path.Combine(output, TrainingCheckpoint.FolderName, "state.json");
        if (!File.Exists(path)) return 0;
        using var json = JsonDocument.Parse(File.ReadAllText(path));
        return json.RootElement.GetProperty("Progress").GetProperty("GlobalStep").GetInt32();
    }

    /// <summary>Kills the process with SIGKILL as soon as it reports step <paramref name="step"/> done (its per-step
    /// log line; whatever it does next — the checkpoint write included — is cut short). Returns the step of the
    /// checkpoint it left.</summary>
    static async Task<int> KillAtAsync(DotnetProcess process, string output, int step)
    {
        using (process)
        {
            await process.WaitForLineAsync(l => l.Contains($" step {step:N0}/"), TimeSpan.FromMinutes(2));
            process.Signal(Signals.Kill);
            Assert.NotEqual(0, await process.WaitForExitAsync(TimeSpan.FromSeconds(30)));
            return CheckpointStep(output);   // the process is gone: nothing writes the file any more
        }
    }

    [Fact]
    public async Task Killed_twice_with_sigkill_and_resumed_the_run_ends_as_if_never_interrupted()
    {
        string data = SyntheticData.Write(_folder.Combine("synthetic.csv"), 1200);
        string encoder = TinyModelDirectory.Create(_folder.Combine("encoder"), []);
        string full = _folder.Combine("full"), killed = _folder.Combine("killed");

        Assert.Equal(0, await RunToEndAsync(DotnetProcess.Cli(Train(data, encoder, full))));
        var expected = TrainingSummary.Read(Path.Combine(full, Trainer.SummaryFile));
        int total = expected.History[^1].GlobalStep;

        var random = new Random(TestSeed.Get(log, fixedSeed: 30));
        int first = random.Next(3, total / 2);
        int at1 = await KillAtAsync(DotnetProcess.Cli(Train(data, encoder, killed)), killed, first);
        int second = random.Next(at1 + 3, total - 3);   // a step the resumed run has still to do
        int at2 = await KillAtAsync(DotnetProcess.Cli("train", "--resume", killed, "--log-every", "1"), killed, second);
        log.WriteLine($"{total} steps; killed after step {first} with a checkpoint at step {at1}, after step {second} with one at {at2}");
        // A checkpoint every step: at least the one before the reported step is whole; and the run had not finished.
        Assert.InRange(at1, first - 1, total - 1);
        Assert.InRange(at2, second - 1, total - 1);
        var resumed = DotnetProcess.Cli("train", "--resume", killed);
        Assert.Equal(0, await RunToEndAsync(resumed));

        var actual = TrainingSummary.Read(Path.Combine(killed, Trainer.SummaryFile));
        Assert.Equal(expected.History.Select(e => (e.GlobalStep, e.TrainLoss, e.TrainMeanRocAuc, e.ValidationLoss, e.ValidationMeanRocAuc)),
                     actual.History.Select(e => (e.GlobalStep, e.TrainLoss, e.TrainMeanRocAuc, e.ValidationLoss, e.ValidationMeanRocAuc)));
        Assert.Equal(File.ReadAllBytes(Path.Combine(full, Trainer.ModelFolder, "model.safetensors")),
                     File.ReadAllBytes(Path.Combine(killed, Trainer.ModelFolder, "model.safetensors")));
        Assert.Empty(Directory.GetDirectories(killed, ".checkpoint.*"));   // no leftovers of interrupted saves
    }
}
