using TextTagger.Inference;
using TextTagger.Server;

namespace TextTagger.Tests.Serving;

/// <summary>A <see cref="MicroBatcher"/> over a tagger without a server, with a five-minute deadline: its batches
/// close only on their text or token limits, or on work that runs alone, never on how fast a busy machine is. One loop
/// unless asked: with two, a batch left open by one loop could wait the five minutes.</summary>
public sealed class BatcherUnderTest : IAsyncDisposable
{
    readonly ServedModel _served;
    readonly ServerMetrics _metrics;

    public BatcherUnderTest(Tagger tagger, int maxBatchTexts = 64, int? maxBatchTokens = null, int concurrentBatches = 1)
    {
        _served = new ServedModel(new TaggerServerOptions { Tagger = tagger });
        _metrics = new ServerMetrics(_served);
        Batcher = new MicroBatcher(_served, new TaggerServerOptions
        {
            Tagger = tagger, MaxBatchDelay = TimeSpan.FromMinutes(5), MaxBatchTexts = maxBatchTexts, Model = new() { MaxBatchTokens = maxBatchTokens },
            ConcurrentBatches = concurrentBatches,
        }, _metrics);
    }

    public MicroBatcher Batcher { get; }

    public async ValueTask DisposeAsync()
    {
        await Batcher.DisposeAsync();
        _metrics.Dispose();
        _served.Dispose();
    }
}
