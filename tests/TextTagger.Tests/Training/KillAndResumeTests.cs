using System.Text.Json;
using TextTagger.Tests.TestSupport;
using TextTagger.Training;
using Xunit.Abstractions;

namespace TextTagger.Tests.Training;

/// <summary>`texttagger train` in a real child process, killed with SIGKILL at two random moments and resumed each
/// time, ends with the same model and the same numbers as the run that was never interrupted.</summary>
public sealed class KillAndResumeTests(ITestOutputHelper log) : IDisposable
{
    readonly TempFolder _folder = new();
    public void Dispose() => _folder.Dispose();

    string[] Train(string data, string encoder, string output) =>
        ["train", "--data", data, "--model", encoder, "--out", output, "--epochs", "2", "--batch-size", "16", "--max-tokens", "32",
         "--lr", "3e-3", "--pooling", "mean", "--val-fraction", "0.2", "--threads", "1", "--seed", "5", "--checkpoint-every", "1steps"];

    static async Task<int> RunToEndAsync(DotnetProcess process)
    {
        using (process) return await process.WaitForExitAsync(TimeSpan.FromMinutes(3));
    }

    /// <summary>The global step of the run's latest checkpoint (0 before the first).</summary>
    static int CheckpointStep(string output)
    {
        try
        {
            string path = Path.Combine(output, TrainingCheckpoint.FolderName, "state.json");
            using var json = JsonDocument.Parse(File.ReadAllText(path));
            return json.RootElement.GetProperty("Progress").GetProperty("GlobalStep").GetInt32();
        }
        catch (Exception e) when (e is IOException or JsonException or UnauthorizedAccessException)
        {
            return 0;   // not written yet, or being replaced this instant
        }
    }

    /// <summary>Kills the process with SIGKILL once its checkpoints pass <paramref name="step"/> (whatever it is
    /// doing at that moment, a checkpoint write included).</summary>
    static async Task<int> KillPastAsync(DotnetProcess process, string output, int step)
    {
        using (process)
        {
            var deadline = DateTime.UtcNow.AddMinutes(2);
            while (CheckpointStep(output) < step)
            {
                if (DateTime.UtcNow > deadline) throw new TimeoutException($"no checkpoint past step {step}: {process.Log}");
                await Task.Delay(5);
            }
            process.Signal(Signals.Kill);
            Assert.NotEqual(0, await process.WaitForExitAsync(TimeSpan.FromSeconds(30)));
            return CheckpointStep(output);
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

        var random = new Random();
        int first = random.Next(3, total / 2), second = random.Next(first + 3, total - 3);
        int at1 = await KillPastAsync(DotnetProcess.Cli(Train(data, encoder, killed)), killed, first);
        int at2 = await KillPastAsync(DotnetProcess.Cli("train", "--resume", killed), killed, second);
        log.WriteLine($"{total} steps; killed with checkpoints at step {at1} and {at2}");
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
