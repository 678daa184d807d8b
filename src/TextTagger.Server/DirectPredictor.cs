using TextTagger.Inference;

namespace TextTagger.Server;

/// <summary>Each request runs its own forward pass (the tagger serialises them): micro-batching off.</summary>
public sealed class DirectPredictor(ServedModel model) : IPredictionService
{
    public Task<IReadOnlyList<Prediction>> PredictAsync(IReadOnlyList<string> texts, CancellationToken cancellation)
    {
        cancellation.ThrowIfCancellationRequested();
        return Task.FromResult(model.Tagger.Predict(texts));
    }
}
