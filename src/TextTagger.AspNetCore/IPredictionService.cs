using TextTagger.Inference;

namespace TextTagger.Server;

/// <summary>How requests reach the tagger: micro-batched (<see cref="MicroBatcher"/>) or one at a time
/// (<see cref="DirectPredictor"/>).</summary>
public interface IPredictionService
{
    Task<IReadOnlyList<Prediction>> PredictAsync(IReadOnlyList<string> texts, CancellationToken cancellation);
}
