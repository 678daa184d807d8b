using System.Net.Http.Json;
using System.Text.Json;
using TextTagger.Server;

namespace TextTagger.Tests.Serving;

public class ConcurrentRequestTests(TinyModelFixture model) : IClassFixture<TinyModelFixture>
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Parallel_requests_get_the_same_probabilities_as_direct_calls(bool microBatching)
    {
        var options = new TaggerServerOptions { Tagger = model.Tagger, MicroBatching = microBatching, MaxBatchDelay = TimeSpan.FromMilliseconds(20) };
        await using var factory = new TaggerServerFactory(options);
        using var client = factory.CreateClient();
        var requests = Enumerable.Range(0, 32).Select(i =>
        {
            // Each request: one to three texts of different lengths, so batches mix paddings.
            var texts = Enumerable.Range(0, 1 + i % 3).Select(j => TinyModelFixture.Texts[(i + j) % TinyModelFixture.Texts.Length] + $" w{i}").ToArray();
            return (texts, task: client.PostAsJsonAsync("/v1/predict", new { texts }));
        }).ToArray();
        await Task.WhenAll(requests.Select(r => r.task));

        foreach (var (texts, task) in requests)
        {
            var response = await task;
            response.EnsureSuccessStatusCode();
            using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            ServerAssert.SameAsTagger(model.Tagger, texts, json.RootElement);
        }
    }

    [Fact]
    public async Task The_batcher_gathers_concurrent_requests_into_fewer_forward_passes()
    {
        // The batch closes when it holds 16 texts, long before its deadline: all 16 requests ride in one forward pass,
        // however slowly they arrive on a busy machine.
        await using var under = new BatcherUnderTest(model.Tagger, maxBatchTexts: 16);
        var batcher = under.Batcher;
        var results = await Task.WhenAll(Enumerable.Range(0, 16).Select(i => batcher.PredictAsync([$"good w{i}"], CancellationToken.None)));
        Assert.Equal(16, batcher.Texts);
        Assert.Equal(1, batcher.Batches);
        for (int i = 0; i < 16; i++)
            Assert.Equal(model.Tagger.Predict($"good w{i}").Probabilities, results[i][0].Probabilities, (a, b) => Math.Abs(a - b) < 1e-6);
    }

    [Fact]
    public async Task A_token_budget_cuts_micro_batches_by_tokens_not_texts()
    {
        // "good wN" is 4 tokens with [CLS] and [SEP]: a budget of 8 closes each batch at two requests, long before its
        // deadline, whatever the text count limit.
        await using var under = new BatcherUnderTest(model.Tagger, maxBatchTokens: 8);
        var batcher = under.Batcher;
        var results = await Task.WhenAll(Enumerable.Range(0, 16).Select(i => batcher.PredictAsync([$"good w{i}"], CancellationToken.None)));
        Assert.Equal(16, batcher.Texts);
        Assert.Equal(8, batcher.Batches);
        for (int i = 0; i < 16; i++)
            Assert.Equal(model.Tagger.Predict($"good w{i}").Probabilities, results[i][0].Probabilities, (a, b) => Math.Abs(a - b) < 1e-6);
    }
}
