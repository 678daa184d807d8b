using System.Text.Json;
using System.Text.Json.Serialization;
using TextTagger.Modeling.Checkpoints;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace TextTagger.Training;

/// <summary>Where a run stands: enough, with the weights and the optimizer state, to continue exactly.</summary>
public sealed record TrainingProgress
{
    /// <summary>The epoch in progress (1-based) and how many of its batches are done.</summary>
    public int Epoch { get; init; } = 1;
    public int StepsDoneInEpoch { get; init; }
    public int GlobalStep { get; init; }
    public double EpochLossSum { get; init; }
    public int EpochExamples { get; init; }
    /// <summary>The epoch whose model is in model/ (0: none yet); its numbers are in <see cref="History"/>.</summary>
    public int BestEpoch { get; init; }
    public int EpochsWithoutImprovement { get; init; }
    public List<EpochRecord> History { get; init; } = [];
    /// <summary>Seconds of training before this checkpoint (for throughput and the summary).</summary>
    public double ElapsedSeconds { get; init; }
}

/// <summary>One finished epoch, as train.json lists it.</summary>
public sealed record EpochRecord(int Epoch, int GlobalStep, double TrainLoss, double? TrainMeanRocAuc, double ValidationLoss,
                                 double? ValidationMeanRocAuc, IReadOnlyList<double?> ValidationRocAuc, bool IsBest,
                                 double Seconds, double ExamplesPerSecond, long RssBytes)
{
    public static EpochRecord From(EpochSummary epoch, int globalStep) =>
        new(epoch.Epoch, globalStep, epoch.TrainLoss, epoch.TrainMeanRocAuc, epoch.Validation.Loss, epoch.Validation.MeanRocAuc,
            epoch.Validation.RocAuc, epoch.IsBest, epoch.Duration.TotalSeconds, epoch.ExamplesPerSecond, epoch.RssBytes);
}

/// <summary>
/// The resumable checkpoint of a run, a folder: model.bin (weights), optimizer.bin (AdamW moments and steps),
/// rng.bin (libtorch's random generator, for dropout) and state.json (options, data file, progress).
/// Written at each epoch end and on Ctrl+C, atomically.
/// </summary>
public static class TrainingCheckpoint
{
    public const string FolderName = "checkpoint";
    const string StateFile = "state.json";
    const string ModelFile = "model.bin";
    const string OptimizerFile = "optimizer.bin";
    const string RngFile = "rng.bin";

    public sealed record State(string DataPath, Data.CsvLoadOptions LoadOptions, TrainingOptions Options, TrainingProgress Progress);

    static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public static void Save(string runDirectory, State state, nn.Module model, OptimizerHelper optimizer)
    {
        AtomicDirectory.Write(Path.Combine(runDirectory, FolderName), folder =>
        {
            model.save(Path.Combine(folder, ModelFile));
            optimizer.save_state_dict(Path.Combine(folder, OptimizerFile));
            using var rng = torch.random.get_rng_state();
            File.WriteAllBytes(Path.Combine(folder, RngFile), rng.data<byte>().ToArray());
            File.WriteAllText(Path.Combine(folder, StateFile), JsonSerializer.Serialize(state, Json));
        });
    }

    public static bool Exists(string runDirectory) => File.Exists(Path.Combine(runDirectory, FolderName, StateFile));

    public static State ReadState(string runDirectory)
    {
        string path = Path.Combine(runDirectory, FolderName, StateFile);
        if (!File.Exists(path))
            throw new TextTaggerException($"{runDirectory}: no resumable checkpoint ({path} not found)");
        try
        {
            return JsonSerializer.Deserialize<State>(File.ReadAllText(path), Json) ?? throw new TextTaggerException($"{path} is empty");
        }
        catch (JsonException e)
        {
            throw new TextTaggerException($"{path}: damaged checkpoint state ({e.Message})", e);
        }
    }

    /// <summary>Restores weights, optimizer state and the random generator saved by <see cref="Save"/>.</summary>
    public static void Restore(string runDirectory, nn.Module model, OptimizerHelper optimizer)
    {
        string folder = Path.Combine(runDirectory, FolderName);
        model.load(Path.Combine(folder, ModelFile));
        optimizer.load_state_dict(Path.Combine(folder, OptimizerFile));
        byte[] rng = File.ReadAllBytes(Path.Combine(folder, RngFile));
        using var state = tensor(rng, dtype: ScalarType.Byte);
        torch.random.set_rng_state(state);
    }
}
