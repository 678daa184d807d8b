using System.Net;
using System.Net.Http.Json;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using TextTagger.Server;

namespace TextTagger.Tests.Serving;

/// <summary>Every endpoint that scores goes through the one <see cref="IPredictionService"/>, so the limit on
/// concurrent forward passes holds for explanations and files too, not only for /v1/predict.</summary>
public class OneScoringQueueTests(TinyModelFixture model) : IClassFixture<TinyModelFixture>
{
    [Fact]
    public async Task Work_that_runs_alone_cuts_the_batch_and_runs_between_two_forward_passes()
    {
        // Batches close at 4 texts: only the queued work can cut the first one at two texts.
        await using var under = new BatcherUnderTest(model.Tagger, maxBatchTexts: 4);
        var batcher = under.Batcher;

        var first = new[] { batcher.PredictAsync(["good w1"], CancellationToken.None), batcher.PredictAsync(["bad w2"], CancellationToken.None) };
        var alone = batcher.RunAsync(tagger => (TextsBefore: batcher.Texts, Explanation: tagger.Explain("rude w3")), CancellationToken.None);
        var second = Enumerable.Range(4, 4).Select(i => batcher.PredictAsync([$"kind w{i}"], CancellationToken.None)).ToArray();
        await Task.WhenAll(first.Concat(second));
        var (textsBefore, explanation) = await alone;

        Assert.Equal(2, textsBefore);          // after the first batch, before the second
        Assert.Equal(2, batcher.Batches);
        Assert.Equal(6, batcher.Texts);
        Assert.Equal(1, batcher.AloneRuns);
        Assert.Equal(model.Tagger.Explain("rude w3").Prediction.Probabilities, explanation.Prediction.Probabilities);
    }

    [Fact]
    public async Task Work_cancelled_while_it_waits_never_runs()
    {
        await using var under = new BatcherUnderTest(model.Tagger);
        var batcher = under.Batcher;
        using var cancel = new CancellationTokenSource();
        using var release = new ManualResetEventSlim();
        // The loop is held inside the first work, so the second is still queued when it is cancelled.
        var holding = batcher.RunAsync(_ => release.Wait(TimeSpan.FromMinutes(5)), CancellationToken.None);
        bool ran = false;
        var work = batcher.RunAsync(_ => ran = true, cancel.Token);
        cancel.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => work);
        release.Set();
        Assert.True(await holding);
        await batcher.RunAsync(_ => 0, CancellationToken.None);   // queued after the cancelled one, which the loop passed over
        Assert.False(ran);
        Assert.Equal(2, batcher.AloneRuns);
    }

    [Fact]
    public async Task Explanations_and_files_are_scored_through_the_queue()
    {
        await using var factory = new TaggerServerFactory(new TaggerServerOptions { Tagger = model.Tagger, MicroBatching = true });
        using var client = factory.CreateClient();
        var batcher = Assert.IsType<MicroBatcher>(factory.Services.GetRequiredService<IPredictionService>());

        var explained = await client.PostAsJsonAsync("/v1/explain", new { texts = new[] { "rude hate", "good" } });
        Assert.Equal(HttpStatusCode.OK, explained.StatusCode);
        Assert.Equal(2, batcher.AloneRuns);

        var file = await client.PostAsync("/v1/predict/file", new StringContent("bad\nlove\nugly\n", Encoding.UTF8, "text/plain"));
        Assert.Equal(HttpStatusCode.OK, file.StatusCode);
        Assert.Equal(3, batcher.Texts);
    }
}
