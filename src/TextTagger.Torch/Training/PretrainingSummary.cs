using System.Text.Json;

namespace TextTagger.Training;

/// <summary>pretrain.json: what a pre-training run did. Accuracy and loss on the held-out texts use the same masks
/// before and after, so the two are comparable.</summary>
public sealed record PretrainingSummary(
    string Model, string DataPath, int TrainTexts, int HeldOutTexts, int Steps, double Minutes, double FirstLoss, double LastLoss,
    double? HeldOutLossBefore, double? HeldOutLossAfter, double? HeldOutAccuracyBefore, double? HeldOutAccuracyAfter,
    bool HeadInitialised, PretrainingOptions Options)
{
    public const string FileName = "pretrain.json";
    static readonly JsonSerializerOptions Json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public void Write(string path) => File.WriteAllText(path, JsonSerializer.Serialize(this, Json) + "\n");

    public static PretrainingSummary Read(string path) => JsonSerializer.Deserialize<PretrainingSummary>(File.ReadAllText(path), Json)
        ?? throw new TextTaggerException($"{path}: empty");
}
