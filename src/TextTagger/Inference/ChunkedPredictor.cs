namespace TextTagger.Inference;

/// <summary>
/// Streams texts through a tagger: reads a chunk of rows, predicts, writes, and moves on, so memory stays bounded
/// whatever the size of the input.
/// </summary>
public static class ChunkedPredictor
{
    public const int DefaultChunkSize = 1024;

    /// <param name="progress">Called after each chunk with the rows done so far and the share of the input read.</param>
    /// <returns>The number of texts predicted.</returns>
    public static long Run(Tagger tagger, ITextSource source, IPredictionWriter writer, int chunkSize = DefaultChunkSize,
                           Action<long, double>? progress = null, CancellationToken cancellation = default) =>
        // Completes synchronously: each chunk's task is already finished when awaited.
        RunAsync((texts, _) => Task.FromResult(tagger.Predict(texts)), source, writer, chunkSize, progress, cancellation)
            .GetAwaiter().GetResult();

    /// <summary>The same with the predictions made elsewhere, e.g. by a server's queue that each chunk joins like one
    /// request.</summary>
    public static async Task<long> RunAsync(Func<IReadOnlyList<string>, CancellationToken, Task<IReadOnlyList<Prediction>>> predict,
                                            ITextSource source, IPredictionWriter writer, int chunkSize = DefaultChunkSize,
                                            Action<long, double>? progress = null, CancellationToken cancellation = default)
    {
        if (chunkSize < 1) throw new TextTaggerException($"chunk size must be ≥ 1, got {chunkSize}");
        long done = 0;
        foreach (var chunk in source.Read().Chunk(chunkSize))
        {
            cancellation.ThrowIfCancellationRequested();
            var predictions = await predict(chunk.Select(t => t.Text).ToArray(), cancellation);
            writer.Write(chunk, predictions);
            done += chunk.Length;
            progress?.Invoke(done, source.Fraction);
        }
        writer.Finish();
        return done;
    }
}
