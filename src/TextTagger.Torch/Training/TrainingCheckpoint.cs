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
/// rng.bin (libtorch's random generator, for dropout), train-scores.bin (mid-epoch: the epoch's training scores so
/// far, for its train AUROC) and state.json (options, data file, progress). Written every --checkpoint-every, at each
/// epoch end and on Ctrl+C; only the latest is kept. Written atomically: the new folder is complete before it replaces
/// the old one, and a kill between the two renames leaves the old one aside, where <see cref="Recover"/> finds it.
/// </summary>
public static class TrainingCheckpoint
{
    public const string FolderName = "checkpoint";
    const string StateFile = "state.json";
    const string ModelFile = "model.bin";
    const string OptimizerFile = "optimizer.bin";
    const string RngFile = "rng.bin";
    const string TrainScoresFile = "train-scores.bin";

    /// <param name="DataSha256">The data file's SHA-256 when the run started (null in checkpoints written before it
    /// was recorded): a resumed run refuses a file that changed, since its split and batches would no longer match.</param>
    public sealed record State(string DataPath, Data.CsvLoadOptions LoadOptions, TrainingOptions Options, TrainingProgress Progress,
                               string? DataSha256 = null);

    /// <summary>The SHA-256 of a file's bytes, as lowercase hex.</summary>
    public static string Fingerprint(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(stream));
    }

    static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public static void Save(string runDirectory, State state, nn.Module model, OptimizerHelper optimizer,
                            Evaluation.EvaluationAccumulator? trainScores = null, Action<string>? saveMore = null)
    {
        Recover(runDirectory);
        AtomicDirectory.Write(Path.Combine(runDirectory, FolderName), folder =>
        {
            model.save(Path.Combine(folder, ModelFile));
            optimizer.save_state_dict(Path.Combine(folder, OptimizerFile));
            using var rng = torch.random.get_rng_state();
            File.WriteAllBytes(Path.Combine(folder, RngFile), rng.data<byte>().ToArray());
            if (trainScores is { RowCount: > 0 }) WriteScores(Path.Combine(folder, TrainScoresFile), trainScores);
            saveMore?.Invoke(folder);
            File.WriteAllText(Path.Combine(folder, StateFile), JsonSerializer.Serialize(state, Json));
        });
    }

    /// <summary>After a kill mid-save: the complete previous checkpoint is moved back into place if the new one never
    /// got there, and the leftovers of interrupted saves are deleted.</summary>
    public static void Recover(string runDirectory) =>
        AtomicDirectory.Recover(Path.Combine(runDirectory, FolderName), folder => File.Exists(Path.Combine(folder, StateFile)));

    /// <summary>What the latest checkpoint takes on disk.</summary>
    public static long SizeBytes(string runDirectory)
    {
        var folder = new DirectoryInfo(Path.Combine(runDirectory, FolderName));
        return folder.Exists ? folder.EnumerateFiles().Sum(f => f.Length) : 0;
    }

    public static bool Exists(string runDirectory)
    {
        Recover(runDirectory);
        return File.Exists(Path.Combine(runDirectory, FolderName, StateFile));
    }

    public static State ReadState(string runDirectory)
    {
        Recover(runDirectory);
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

    /// <summary>The epoch's training scores saved with a mid-epoch checkpoint (null when there are none).</summary>
    public static Evaluation.EvaluationAccumulator? RestoreTrainScores(string runDirectory, IReadOnlyList<string> labelNames)
    {
        string path = Path.Combine(runDirectory, FolderName, TrainScoresFile);
        if (!File.Exists(path)) return null;
        using var reader = new BinaryReader(File.OpenRead(path));
        int rows = reader.ReadInt32(), labels = reader.ReadInt32();
        if (labels != labelNames.Count) throw new TextTaggerException($"{path}: {labels} labels, the run has {labelNames.Count}");
        var scores = new Evaluation.EvaluationAccumulator(labelNames, rows);
        var rowScores = new double[labels];
        var rowTruth = new bool[labels];
        for (int i = 0; i < rows; i++)
        {
            for (int l = 0; l < labels; l++) rowScores[l] = reader.ReadDouble();
            for (int l = 0; l < labels; l++) rowTruth[l] = reader.ReadBoolean();
            scores.AddRow(rowScores, rowTruth);
        }
        return scores;
    }

    static void WriteScores(string path, Evaluation.EvaluationAccumulator accumulator)
    {
        var scores = accumulator.ToLabelledScores();
        using var writer = new BinaryWriter(File.Create(path));
        writer.Write(scores.RowCount);
        writer.Write(scores.LabelCount);
        for (int i = 0; i < scores.RowCount; i++)
        {
            for (int l = 0; l < scores.LabelCount; l++) writer.Write(scores.Scores(l)[i]);
            for (int l = 0; l < scores.LabelCount; l++) writer.Write(scores.Truth.Column(l)[i]);
        }
    }
}
