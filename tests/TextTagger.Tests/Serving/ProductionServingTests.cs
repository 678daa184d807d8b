using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using TextTagger.Server;
using TextTagger.Tests.TestSupport;

namespace TextTagger.Tests.Serving;

/// <summary>What a load balancer and an operator rely on: API keys (401), the bounded queue and the request timeout
/// (503 with Retry-After), liveness and readiness, and /metrics counting what was sent.</summary>
public class ProductionServingTests(TinyModelFixture model) : IClassFixture<TinyModelFixture>
{
    TaggerServerFactory Factory(TaggerServerOptions? options = null) =>
        new((options ?? new TaggerServerOptions()) with { Tagger = model.Tagger });

    static async Task<JsonElement> ProblemAsync(HttpResponseMessage response)
    {
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
    }

    [Fact]
    public async Task Api_keys_are_asked_outside_the_open_paths_and_reread_when_the_file_changes()
    {
        using var folder = new TempFolder();
        string keys = folder.Combine("keys.txt");
        File.WriteAllText(keys, "# the moderation team\nkey-one\n\n");
        await using var factory = Factory(new TaggerServerOptions { ApiKeyFile = keys });
        using var client = factory.CreateClient();

        var none = await client.GetAsync("/v1/labels");
        Assert.Equal(HttpStatusCode.Unauthorized, none.StatusCode);
        Assert.Equal("Bearer", none.Headers.WwwAuthenticate.Single().Scheme);
        Assert.Equal("this service needs an API key: send Authorization: Bearer KEY or X-Api-Key: KEY",
                     (await ProblemAsync(none)).GetProperty("detail").GetString());
        var wrong = new HttpRequestMessage(HttpMethod.Post, "/v1/predict") { Content = JsonContent.Create(new { texts = new[] { "bad" } }) };
        wrong.Headers.Add("X-Api-Key", "key-on");
        var refused = await client.SendAsync(wrong);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal("the API key is not valid", (await ProblemAsync(refused)).GetProperty("detail").GetString());

        async Task<HttpStatusCode> WithBearer(string key)
        {
            var request = new HttpRequestMessage(HttpMethod.Post, "/v1/predict") { Content = JsonContent.Create(new { texts = new[] { "bad" } }) };
            request.Headers.Authorization = new("Bearer", key);
            return (await client.SendAsync(request)).StatusCode;
        }
        Assert.Equal(HttpStatusCode.OK, await WithBearer("key-one"));
        foreach (var open in new[] { "/healthz", "/healthz/live", "/healthz/ready", "/metrics", "/" })
            Assert.True((await client.GetAsync(open)).StatusCode == HttpStatusCode.OK, open);

        File.WriteAllText(keys, "key-two\n");
        File.SetLastWriteTimeUtc(keys, DateTime.UtcNow.AddSeconds(5));
        // The file is looked at no more than once a second: the new key is taken at the first look after the change.
        await Eventually.TrueAsync(async () => await WithBearer("key-two") == HttpStatusCode.OK, TimeSpan.FromSeconds(30), "the new key is accepted");
        Assert.Equal(HttpStatusCode.Unauthorized, await WithBearer("key-one"));
    }

    [Fact]
    public async Task A_full_queue_answers_503_with_retry_after_at_once_and_readiness_follows()
    {
        await using var factory = Factory(new TaggerServerOptions { MaxQueueTexts = 4 });
        using var client = factory.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/healthz/ready")).StatusCode);

        var gate = factory.Services.GetRequiredService<AdmissionGate>();
        var lease = gate.TryEnter(4);   // the work of requests still being scored
        Assert.NotNull(lease);
        var busy = await client.PostAsJsonAsync("/v1/predict", new { texts = new[] { "bad" } });
        Assert.Equal(HttpStatusCode.ServiceUnavailable, busy.StatusCode);
        Assert.True(int.Parse(busy.Headers.GetValues("Retry-After").Single()) >= 1);
        Assert.Contains("at most 4", (await ProblemAsync(busy)).GetProperty("detail").GetString());
        var ready = await client.GetAsync("/healthz/ready");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        Assert.Contains("saturated", await ready.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/healthz/live")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/healthz")).StatusCode);

        lease!.Dispose();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/healthz/ready")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync("/v1/predict", new { texts = new[] { "bad" } })).StatusCode);
        Assert.Equal(0, gate.InFlight);
        // An empty service admits any one request, however big: nothing is refused forever.
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync("/v1/predict", new { texts = Enumerable.Repeat("bad", 10) })).StatusCode);
    }

    [Fact]
    public async Task A_request_past_the_timeout_answers_503_with_retry_after()
    {
        // The micro-batch waits 3 s for company; the request may take 0.2 s.
        await using var factory = Factory(new TaggerServerOptions
            { MicroBatching = true, MaxBatchDelay = TimeSpan.FromSeconds(3), MaxBatchTexts = 1000, RequestTimeout = TimeSpan.FromMilliseconds(200) });
        using var client = factory.CreateClient();
        var late = await client.PostAsJsonAsync("/v1/predict", new { texts = new[] { "bad" } });
        Assert.Equal(HttpStatusCode.ServiceUnavailable, late.StatusCode);
        Assert.True(late.Headers.Contains("Retry-After"));
        Assert.Equal("not answered within 0.2 s (the request timeout); retry after the Retry-After seconds",
                     (await ProblemAsync(late)).GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Metrics_count_what_was_sent()
    {
        await using var factory = Factory(new TaggerServerOptions { MaxQueueTexts = 2 });
        using var client = factory.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync("/v1/predict", new { texts = new[] { "bad", "good nice", "w1" } })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await client.PostAsJsonAsync("/v1/predict", new { texts = Array.Empty<string>() })).StatusCode);
        var gate = factory.Services.GetRequiredService<AdmissionGate>();
        using (gate.TryEnter(2))
            Assert.Equal(HttpStatusCode.ServiceUnavailable, (await client.PostAsJsonAsync("/v1/predict", new { texts = new[] { "bad" } })).StatusCode);

        var response = await client.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("text/plain", response.Content.Headers.ContentType?.MediaType);
        var lines = (await response.Content.ReadAsStringAsync()).Split('\n');
        double Value(string prefix) => double.Parse(lines.Single(l => l.StartsWith(prefix, StringComparison.Ordinal)).Split(' ')[^1],
                                                    System.Globalization.CultureInfo.InvariantCulture);

        Assert.Equal(3, Value("texttagger_texts_scored_total{endpoint=\"predict\"}"));
        Assert.Equal(1, Value("texttagger_rejected_total{reason=\"queue_full\"}"));
        Assert.True(Value("texttagger_tokens_scored_total") >= 3 * 3, "at least [CLS] word [SEP] per text");
        Assert.True(Value("texttagger_batch_texts_count") >= 1);
        Assert.Equal(1, Value("texttagger_model_info{model=\"in-process model\",engine=\"torchsharp\",precision=\"fp32\",labels=\"toxic,insult,threat\""));
        Assert.Equal(1, Value("http_requests_received_total{code=\"400\",method=\"POST\",controller=\"\",action=\"\",endpoint=\"/v1/predict\"}"));
        Assert.Equal(1, Value("http_requests_received_total{code=\"503\",method=\"POST\",controller=\"\",action=\"\",endpoint=\"/v1/predict\"}"));
        Assert.Contains(lines, l => l.StartsWith("http_request_duration_seconds_bucket{", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("process_working_set_bytes ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Shutdown_lets_an_in_flight_request_finish()
    {
        // The request waits 1 s in its micro-batch; the server is told to stop once it has admitted it (its admission
        // gate counts the text: the figure /metrics reports as texttagger_queue_texts).
        await using var server = await LiveServer.StartAsync(new TaggerServerOptions
            { Tagger = model.Tagger, MicroBatching = true, MaxBatchDelay = TimeSpan.FromSeconds(1), MaxBatchTexts = 1000 });
        using var client = new HttpClient { BaseAddress = new Uri(server.Url) };
        var inFlight = client.PostAsJsonAsync("/v1/predict", new { texts = new[] { "bad" } });
        var gate = server.Services.GetRequiredService<AdmissionGate>();
        await Eventually.TrueAsync(() => gate.InFlight == 1 || inFlight.IsCompleted, TimeSpan.FromSeconds(30), "the request is admitted");
        Assert.False(inFlight.IsCompleted, "the request was answered before the server was told to stop");
        await server.StopAsync();
        var response = await inFlight;
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        ServerAssert.SameAsTagger(model.Tagger, ["bad"], json.RootElement);
        await Assert.ThrowsAsync<HttpRequestException>(() => client.GetAsync("/healthz/live"));   // and nothing new is taken
    }
}
