using System.Diagnostics;
using System.Threading.Channels;
using TextTagger.Inference;

namespace TextTagger.Server;

/// <summary>
/// Gathers concurrent requests into one tagger call: a background loop takes the first waiting request, then keeps
/// taking more until the batch holds <see cref="TaggerServerOptions.MaxBatchTexts"/> texts, or
/// <see cref="TaggerOptions.MaxBatchTokens"/> tokens when set (a budget of work, so one long text does not ride
/// with 63 others), or <see cref="TaggerServerOptions.MaxBatchDelay"/> has passed; predicts all their texts at once
/// (the tagger sorts them by length and cuts forward calls by the same token budget) and completes each request with
/// its own share. <see cref="TaggerServerOptions.EffectiveConcurrentBatches"/> such loops read the one queue (one per
/// core by default, each scoring on its own share of the cores: on a small CPU two single-threaded forward passes
/// waste less than one two-threaded pass over a batch padded to its longest text). Other work (an explanation, see
/// <see cref="RunAsync{T}"/>) waits in the same queue and runs alone on its loop, between that loop's batches.
/// </summary>
public sealed class MicroBatcher : IPredictionService, IAsyncDisposable, IDisposable
{
    /// <summary>A request in the queue: texts to predict together with others', or work that runs alone.</summary>
    abstract record Job(long Enqueued, CancellationToken Cancellation);

    sealed record Pending(IReadOnlyList<string> Texts, long Tokens, TaskCompletionSource<IReadOnlyList<Prediction>> Done,
                          long Enqueued, CancellationToken Cancellation) : Job(Enqueued, Cancellation);

    sealed record Alone(Action<Tagger> Run, Action Cancelled, long Enqueued, CancellationToken Cancellation) : Job(Enqueued, Cancellation);

    readonly Tagger _tagger;
    readonly int _maxTexts;
    readonly long _maxTokens;
    readonly TimeSpan _maxDelay;
    readonly ServerMetrics _metrics;
    readonly Channel<Job> _queue;
    readonly Task[] _loops;

    public MicroBatcher(ServedModel model, TaggerServerOptions options, ServerMetrics metrics)
    {
        _tagger = model.Tagger;
        _metrics = metrics;
        _maxTexts = options.MaxBatchTexts;
        _maxTokens = options.Model.MaxBatchTokens ?? long.MaxValue;
        _maxDelay = options.MaxBatchDelay;
        int loops = options.EffectiveConcurrentBatches;
        _queue = Channel.CreateBounded<Job>(new BoundedChannelOptions(4096) { SingleReader = loops == 1 });
        _loops = Enumerable.Range(0, loops).Select(_ => Task.Run(LoopAsync)).ToArray();
    }

    /// <summary>Forward passes run so far, and texts they held (for tests and diagnostics).</summary>
    public long Batches => Interlocked.Read(ref _batches);
    public long Texts => Interlocked.Read(ref _texts);
    /// <summary>Work items run alone so far (explanations).</summary>
    public long AloneRuns => Interlocked.Read(ref _alone);
    long _batches, _texts, _alone;

    public async Task<IReadOnlyList<Prediction>> PredictAsync(IReadOnlyList<string> texts, CancellationToken cancellation)
    {
        long tokens = _maxTokens == long.MaxValue ? 0 : texts.Sum(t => (long)_tagger.Scorer.CountTokens(t));
        var pending = new Pending(texts, tokens, new TaskCompletionSource<IReadOnlyList<Prediction>>(TaskCreationOptions.RunContinuationsAsynchronously),
                                  Stopwatch.GetTimestamp(), cancellation);
        await _queue.Writer.WriteAsync(pending, cancellation);
        return await pending.Done.Task.WaitAsync(cancellation);
    }

    public async Task<T> RunAsync<T>(Func<Tagger, T> work, CancellationToken cancellation)
    {
        var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        var alone = new Alone(tagger =>
        {
            try { done.TrySetResult(work(tagger)); }
            catch (Exception e) { done.TrySetException(e); }
        }, () => done.TrySetCanceled(cancellation), Stopwatch.GetTimestamp(), cancellation);
        await _queue.Writer.WriteAsync(alone, cancellation);
        return await done.Task.WaitAsync(cancellation);
    }

    async Task LoopAsync()
    {
        var reader = _queue.Reader;
        while (await reader.WaitToReadAsync())
        {
            var batch = new List<Pending>();
            Alone? after = null;
            int texts = 0;
            long tokens = 0;
            long deadline = Stopwatch.GetTimestamp() + (long)(_maxDelay.TotalSeconds * Stopwatch.Frequency);
            while (texts < _maxTexts && tokens < _maxTokens)
            {
                if (reader.TryRead(out var job))
                {
                    // Work that runs alone ends the batch: it runs right after it, in the order the requests came.
                    if (job is Alone alone) { after = alone; break; }
                    var next = (Pending)job;
                    batch.Add(next);
                    texts += next.Texts.Count;
                    tokens += next.Tokens;
                    continue;
                }
                var remaining = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), deadline);
                if (remaining <= TimeSpan.Zero || !await WaitForMoreAsync(reader, remaining)) break;
            }
            if (batch.Count > 0) Run(batch, texts);
            if (after != null) RunAlone(after);
        }
    }

    void RunAlone(Alone alone)
    {
        if (alone.Cancellation.IsCancellationRequested) { alone.Cancelled(); return; }
        _metrics.QueueWait.Observe(Stopwatch.GetElapsedTime(alone.Enqueued).TotalSeconds);
        alone.Run(_tagger);
        Interlocked.Increment(ref _alone);
    }

    /// <summary>True when another request arrived within the time left.</summary>
    static async Task<bool> WaitForMoreAsync(ChannelReader<Job> reader, TimeSpan remaining)
    {
        using var timeout = new CancellationTokenSource(remaining);
        try
        {
            return await reader.WaitToReadAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    void Run(List<Pending> gathered, int textCount)
    {
        // A request whose client went away (or whose timeout passed) while it waited is not scored.
        var batch = new List<Pending>(gathered.Count);
        foreach (var pending in gathered)
            if (pending.Cancellation.IsCancellationRequested) pending.Done.TrySetCanceled(pending.Cancellation);
            else batch.Add(pending);
        if (batch.Count == 0) return;
        var texts = new List<string>(textCount);
        foreach (var pending in batch)
        {
            texts.AddRange(pending.Texts);
            _metrics.QueueWait.Observe(Stopwatch.GetElapsedTime(pending.Enqueued).TotalSeconds);
        }
        try
        {
            var predictions = _tagger.Predict(texts);
            Interlocked.Increment(ref _batches);
            Interlocked.Add(ref _texts, texts.Count);
            int start = 0;
            foreach (var pending in batch)
            {
                var share = new Prediction[pending.Texts.Count];
                for (int i = 0; i < share.Length; i++) share[i] = predictions[start + i];
                start += share.Length;
                pending.Done.TrySetResult(share);
            }
        }
        catch (Exception e)
        {
            foreach (var pending in batch) pending.Done.TrySetException(e);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await Task.WhenAll(_loops);
    }

    public void Dispose()
    {
        _queue.Writer.TryComplete();
        Task.WhenAll(_loops).GetAwaiter().GetResult();
    }
}
