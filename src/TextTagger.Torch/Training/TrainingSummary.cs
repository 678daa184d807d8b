using System.Text.Json;
using System.Text.Json.Serialization;

namespace TextTagger.Training;

/// <summary>train.json: what was run, how it went epoch by epoch, the best model, time and memory.</summary>
public sealed record TrainingSummary(
    string Data, TrainingOptions Options, IReadOnlyList<string> Labels, int TrainRows, int ValidationRows, int Epochs, int Steps, int BestEpoch,
    double BestValidationLoss, double? BestValidationMeanRocAuc, IReadOnlyList<double?> BestValidationRocAuc, bool StoppedEarly,
    string ModelDirectory, double Seconds, long PeakRssBytes, IReadOnlyList<EpochRecord> History)
{
    /// <summary>With a teacher (options' teacher and distill_weight): what it is and which probabilities it gave.</summary>
    public string? TeacherKind { get; init; }

    static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public static TrainingSummary Create(string data, TrainingOptions options, IReadOnlyList<string> labels, TrainingProgress progress,
                                         int trainRows, int validationRows, bool stoppedEarly, string modelDirectory, double seconds)
    {
        var best = progress.History.FirstOrDefault(e => e.Epoch == progress.BestEpoch);
        return new TrainingSummary(data, options, labels, trainRows, validationRows, progress.History.Count, progress.GlobalStep,
            progress.BestEpoch, best?.ValidationLoss ?? double.PositiveInfinity, best?.ValidationMeanRocAuc, best?.ValidationRocAuc ?? [], stoppedEarly,
            modelDirectory, seconds, ProcessMemory.PeakRssBytes, progress.History);
    }

    public void Write(string path) => AtomicFile.WriteAllText(path, JsonSerializer.Serialize(this, Json) + "\n");

    public static TrainingSummary Read(string path) =>
        JsonSerializer.Deserialize<TrainingSummary>(File.ReadAllText(path), Json) ?? throw new TextTaggerException($"{path} is empty");
}
