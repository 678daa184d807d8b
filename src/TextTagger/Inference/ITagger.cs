using TextTagger.Inference.Explaining;

namespace TextTagger.Inference;

/// <summary>
/// What an application asks of a trained model: probabilities and tags per text, explanations, its labels and
/// thresholds. <see cref="Tagger"/> is the implementation; DI registers it as this interface
/// (<c>services.AddTextTagger</c>), and a test can put its own in its place.
/// </summary>
public interface ITagger
{
    /// <summary>The labels, in the order of every prediction's probabilities.</summary>
    IReadOnlyList<string> Labels { get; }
    /// <summary>Per label: the probability from which it is a tag.</summary>
    IReadOnlyList<double> Thresholds { get; }
    /// <summary>The model's stored rule per label (policy, tune precision and recall), when the thresholds are its own.</summary>
    ModelFiles.ModelThresholds? Rules => null;

    Prediction Predict(string text);
    IReadOnlyList<Prediction> Predict(IReadOnlyList<string> texts);

    /// <summary>Scores <paramref name="texts"/> off the caller's thread; cancellation is honoured between batches.</summary>
    Task<IReadOnlyList<Prediction>> PredictAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken = default);

    /// <summary>Scores a stream of texts of any length in batches, yielding each text's prediction in order as soon as
    /// its batch is scored: memory stays that of one batch.</summary>
    IAsyncEnumerable<Prediction> PredictAsync(IAsyncEnumerable<string> texts, CancellationToken cancellationToken = default);

    /// <summary>Which words made the model say what it says about <paramref name="text"/> (occlusion).</summary>
    Explanation Explain(string text, IReadOnlyCollection<string>? labels = null);
}
