using TextTagger.Inference;

namespace TextTagger.Server;

/// <summary>How requests reach the tagger: micro-batched (<see cref="MicroBatcher"/>) or one at a time
/// (<see cref="DirectPredictor"/>). Every endpoint that scores goes through it, so the limit on concurrent forward
/// passes holds for all of them.</summary>
public interface IPredictionService
{
    Task<IReadOnlyList<Prediction>> PredictAsync(IReadOnlyList<string> texts, CancellationToken cancellation);

    /// <summary>Other work with the tagger (one text's explanation): run in turn with the predictions, under the same
    /// limit, so it cannot take the cores from under them. Cancelled before it starts, it never runs.</summary>
    Task<T> RunAsync<T>(Func<Tagger, T> work, CancellationToken cancellation);
}
