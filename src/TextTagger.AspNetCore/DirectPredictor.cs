using TextTagger.Inference;

namespace TextTagger.Server;

/// <summary>
/// Each request runs its own forward pass (micro-batching off), at most
/// <see cref="TaggerServerOptions.EffectiveConcurrentBatches"/> at a time (one per core by default): the others wait
/// asynchronously — counted by the admission queue, and leaving the request threads free, so /healthz/live still
/// answers at once under load (running them all on request threads starved the thread pool: 1.8 s liveness answers
/// with 64 clients).
/// </summary>
public sealed class DirectPredictor(ServedModel model, TaggerServerOptions options, ServerMetrics metrics) : IPredictionService, IDisposable
{
    readonly SemaphoreSlim _running = new(options.EffectiveConcurrentBatches);

    public Task<IReadOnlyList<Prediction>> PredictAsync(IReadOnlyList<string> texts, CancellationToken cancellation) =>
        RunAsync<IReadOnlyList<Prediction>>(tagger => tagger.Predict(texts), cancellation);

    public async Task<T> RunAsync<T>(Func<Tagger, T> work, CancellationToken cancellation)
    {
        long queued = System.Diagnostics.Stopwatch.GetTimestamp();
        await _running.WaitAsync(cancellation);
        try
        {
            metrics.QueueWait.Observe(System.Diagnostics.Stopwatch.GetElapsedTime(queued).TotalSeconds);
            return await Task.Run(() => work(model.Tagger), cancellation);
        }
        finally
        {
            _running.Release();
        }
    }

    public void Dispose() => _running.Dispose();
}
