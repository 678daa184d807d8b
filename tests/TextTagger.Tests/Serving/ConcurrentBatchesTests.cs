using TextTagger.Inference;
using TextTagger.Inference.Engines;
using TextTagger.Server;

namespace TextTagger.Tests.Serving;

/// <summary><see cref="TaggerServerOptions.ConcurrentBatches"/>: that many forward passes run at the same time, in
/// both ways of serving, and the cores are shared out among them.</summary>
public class ConcurrentBatchesTests(TinyModelFixture model) : IClassFixture<TinyModelFixture>
{
    [Fact]
    public async Task Two_loops_score_a_batch_while_the_other_is_held()
    {
        await using var under = new BatcherUnderTest(model.Tagger, maxBatchTexts: 1, concurrentBatches: 2);
        var batcher = under.Batcher;
        using var release = new ManualResetEventSlim();
        using var entered = new SemaphoreSlim(0);
        var holding = batcher.RunAsync(_ => { entered.Release(); return release.Wait(TimeSpan.FromMinutes(5)); }, CancellationToken.None);
        Assert.True(await entered.WaitAsync(TimeSpan.FromMinutes(5)));

        // One loop is held inside the work: the other still scores requests (with one loop they would wait five minutes).
        var predicted = await batcher.PredictAsync(["good w1"], CancellationToken.None).WaitAsync(TimeSpan.FromMinutes(5));
        Assert.False(holding.IsCompleted);
        Assert.Equal(model.Tagger.Predict(["good w1"])[0].Probabilities, predicted[0].Probabilities);
        release.Set();
        Assert.True(await holding);
        Assert.Equal(1, batcher.Batches);
    }

    [Fact]
    public async Task Without_micro_batching_the_limit_is_the_concurrent_batches()
    {
        var options = new TaggerServerOptions { Tagger = model.Tagger, MicroBatching = false, ConcurrentBatches = 3 };
        using var served = new ServedModel(options);
        using var metrics = new ServerMetrics(served);
        using var direct = new DirectPredictor(served, options, metrics);
        using var release = new ManualResetEventSlim();
        int running = 0, most = 0;
        var works = Enumerable.Range(0, 5).Select(_ => direct.RunAsync(_ =>
        {
            int now = Interlocked.Increment(ref running);
            InterlockedMax(ref most, now);
            release.Wait(TimeSpan.FromMinutes(5));
            Interlocked.Decrement(ref running);
            return now;
        }, CancellationToken.None)).ToArray();
        // Three run and hold; two wait their turn.
        SpinWait.SpinUntil(() => Volatile.Read(ref running) == 3, TimeSpan.FromMinutes(5));
        Assert.Equal(3, Volatile.Read(ref running));
        Assert.All(works, w => Assert.False(w.IsCompleted));
        release.Set();
        await Task.WhenAll(works);
        Assert.Equal(3, most);
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(1, 0)]
    [InlineData(2, 0)]
    [InlineData(2, 3)]
    public void The_cores_are_shared_out_on_onnx_runtime_unless_threads_are_given(int concurrent, int threads)
    {
        var options = new TaggerServerOptions { ConcurrentBatches = concurrent, Model = new TaggerOptions { ModelPath = model.Exported, Threads = threads } };
        int lanes = concurrent > 0 ? concurrent : Environment.ProcessorCount;
        Assert.Equal(lanes, options.EffectiveConcurrentBatches);
        Assert.Equal(threads > 0 ? threads : Math.Max(1, Environment.ProcessorCount / lanes), options.EffectiveModel.Threads);
        Assert.Equal(model.Exported, options.EffectiveModel.ModelPath);
        // libtorch's threads are one process-wide setting: a TorchSharp model is left with what it was given.
        var torch = options with { Model = options.Model with { Engine = EngineKind.TorchSharp } };
        Assert.Equal(threads, torch.EffectiveModel.Threads);
    }

    [Fact]
    public void A_negative_count_is_refused_by_name()
    {
        var error = Assert.Throws<InvalidOptionException>(() => new TaggerServerOptions { ConcurrentBatches = -1, Model = new() { ModelPath = "m" } }.Validate());
        Assert.Equal("ConcurrentBatches", error.Option);
    }

    static void InterlockedMax(ref int target, int value)
    {
        int seen;
        while ((seen = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, seen) != seen) { }
    }
}
