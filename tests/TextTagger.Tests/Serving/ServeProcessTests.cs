using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using TextTagger.Inference;
using TextTagger.Tests.Inference;
using TextTagger.Tests.TestSupport;
using Xunit.Abstractions;

namespace TextTagger.Tests.Serving;

/// <summary>
/// `texttagger serve` as users run it: a child process started by the CLI, on a port the OS chooses, told its options
/// on the command line and stopped with SIGTERM. Every wait is on something the process reports: the line with its
/// URL, a value on /metrics, its exit.
/// </summary>
public sealed class ServeProcessTests(TinyModelFixture model, WideTinyModelFixture wide, ITestOutputHelper log)
    : IClassFixture<TinyModelFixture>, IClassFixture<WideTinyModelFixture>, IDisposable
{
    readonly TempFolder _folder = new();
    public void Dispose() => _folder.Dispose();

    static readonly Regex Listening = new(@"TextTagger: the .*(?<url>http://127\.0\.0\.1:\d+)/v1/ \(Ctrl\+C stops\)");

    sealed class Served(DotnetProcess process, string url) : IDisposable
    {
        public DotnetProcess Process { get; } = process;
        public HttpClient Client { get; } = new() { BaseAddress = new Uri(url), Timeout = TimeSpan.FromMinutes(2) };

        public void Dispose()
        {
            Client.Dispose();
            Process.Dispose();   // kills it if a failed test left it running
        }
    }

    static async Task<Served> StartAsync(params string[] arguments)
    {
        var process = DotnetProcess.Cli(["serve", "--urls", "http://127.0.0.1:0", .. arguments]);
        try
        {
            var deadline = DateTime.UtcNow.AddSeconds(90);
            Match started;
            while (!(started = Listening.Match(process.Log)).Success)
            {
                if (DateTime.UtcNow > deadline) throw new TimeoutException("serve never said where it listens: " + process.Log);
                await Task.Delay(20);
            }
            return new Served(process, started.Groups["url"].Value);
        }
        catch
        {
            process.Dispose();
            throw;
        }
    }

    /// <summary>A sample's value on /metrics (0 when the series does not exist yet).</summary>
    static async Task<double> MetricAsync(HttpClient client, string series)
    {
        var lines = (await client.GetStringAsync("/metrics")).Split('\n');
        var line = lines.FirstOrDefault(l => l.StartsWith(series + " ", StringComparison.Ordinal));
        return line == null ? 0 : double.Parse(line.Split(' ')[^1], CultureInfo.InvariantCulture);
    }

    static async Task WaitForMetricAsync(HttpClient client, string series, double value)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        double now;
        while ((now = await MetricAsync(client, series)) != value)
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"{series} is {now}, never {value}");
            await Task.Delay(20);
        }
    }

    static StringContent Json(object body) => new(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");

    [Fact]
    public async Task Options_given_on_the_command_line_shape_the_service_and_sigterm_stops_it_with_exit_0()
    {
        string keys = _folder.File("keys.txt", "# ops\nkey-one\n");
        using var served = await StartAsync("--model", model.Exported, "--api-key-file", keys, "--no-ui", "--no-micro-batching",
            "--max-texts", "2", "--max-text-length", "40", "--max-body-bytes", "3000", "--max-file-texts", "3", "--max-batch-tokens", "8",
            "--request-timeout", "5", "--shutdown-timeout", "5", "--concurrent-batches", "3", "--threads", "1");
        var client = served.Client;
        Assert.Contains("the API is at", served.Process.Log);
        Assert.DoesNotContain("moderation page", served.Process.Log);

        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/v1/labels")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.PostAsync("/v1/predict", Json(new { texts = new[] { "bad" } }))).StatusCode);
        client.DefaultRequestHeaders.Add("X-Api-Key", "key-one");

        using (var labels = JsonDocument.Parse(await client.GetStringAsync("/v1/labels")))
        {
            var root = labels.RootElement;
            Assert.Equal((40, 2, 3, "onnxruntime"), (root.GetProperty("maxTextLength").GetInt32(), root.GetProperty("maxTextsPerRequest").GetInt32(),
                                                     root.GetProperty("maxFileTexts").GetInt32(), root.GetProperty("engine").GetString()));
        }
        using (var health = JsonDocument.Parse(await client.GetStringAsync("/healthz")))
            Assert.Equal((false, 3), (health.RootElement.GetProperty("microBatching").GetBoolean(), health.RootElement.GetProperty("concurrentBatches").GetInt32()));
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/")).StatusCode);   // --no-ui
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/page.js")).StatusCode);

        string[] texts = ["ugly rude angry hate", "good nice kind"];
        var ok = await client.PostAsync("/v1/predict", Json(new { texts }));
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        using (var tagger = Tagger.Load(model.Exported))
        using (var json = JsonDocument.Parse(await ok.Content.ReadAsStringAsync()))
            ServerAssert.SameAsTagger(tagger, texts, json.RootElement);
        // --max-batch-tokens 8: [CLS] + 4 words + [SEP] and [CLS] + 3 words + [SEP] padded together would be 12 tokens,
        // so they run as two forward calls of 6 and 5.
        Assert.Equal(2, await MetricAsync(client, "texttagger_batch_texts_count"));
        Assert.Equal(11, await MetricAsync(client, "texttagger_batch_tokens_sum"));

        async Task<string> RefusedAsync(HttpContent content, string path = "/v1/predict")
        {
            var response = await client.PostAsync(path, content);
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            return problem.RootElement.GetProperty("detail").GetString()!;
        }
        Assert.Contains("2", await RefusedAsync(Json(new { texts = new[] { "a", "b", "c" } })));                   // --max-texts
        Assert.Contains("40", await RefusedAsync(Json(new { texts = new[] { new string('a', 41) } })));             // --max-text-length
        await RefusedAsync(new StringContent("a\nb\nc\nd\n", Encoding.UTF8, "text/plain"), "/v1/predict/file?name=x.txt");   // --max-file-texts
        var file = await client.PostAsync("/v1/predict/file?name=x.txt", new StringContent("a\nb\nc\n", Encoding.UTF8, "text/plain"));
        Assert.Equal(HttpStatusCode.OK, file.StatusCode);
        // --max-body-bytes, last: Kestrel closes a connection whose body it refused unread.
        await RefusedAsync(Json(new { texts = new[] { new string('a', 20), new string(' ', 3000) } }));

        served.Process.Signal(Signals.Terminate);
        Assert.Equal(0, await served.Process.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        log.WriteLine(served.Process.Log);
        Assert.DoesNotContain("   at ", served.Process.Log);
    }

    [Fact]
    public async Task Sigterm_while_requests_wait_in_a_micro_batch_answers_them_all_then_exits_0()
    {
        // The TorchSharp engine with --long-texts window; a micro-batch waits 3 s for company, so the requests are
        // still in flight when SIGTERM arrives.
        using var served = await StartAsync("--model", wide.Directory, "--engine", "torch", "--max-tokens", $"{WideTinyModelFixture.MaxTokens}",
            "--long-texts", "window", "--micro-batching", "--max-batch-delay-ms", "3000", "--max-batch-texts", "1000", "--shutdown-timeout", "30");
        var client = served.Client;
        var texts = WideTinyModelFixture.Texts;
        var inFlight = texts.Select(t => client.PostAsync("/v1/predict", Json(new { texts = new[] { t } }))).ToArray();
        await WaitForMetricAsync(client, "texttagger_queue_texts", texts.Length);   // all admitted, none answered
        Assert.Equal(0, await MetricAsync(client, "texttagger_batch_texts_count"));

        served.Process.Signal(Signals.Terminate);
        int exit = await served.Process.WaitForExitAsync(TimeSpan.FromSeconds(60));
        log.WriteLine($"exit {exit}\n" + served.Process.Log);
        var answers = await Task.WhenAll(inFlight);
        Assert.Equal(0, exit);

        Assert.All(answers, a => Assert.Equal(HttpStatusCode.OK, a.StatusCode));
        var predictions = new List<JsonElement>();
        foreach (var answer in answers)
            predictions.Add(JsonDocument.Parse(await answer.Content.ReadAsStringAsync()).RootElement.GetProperty("predictions")[0]);
        WindowAssert.AssertWindowAnswers(wide, predictions, texts);
        await Assert.ThrowsAsync<HttpRequestException>(() => client.GetAsync("/healthz/live"));   // gone: nothing new is taken
    }

    [Fact]
    public async Task A_client_that_disconnects_or_times_out_while_waiting_is_not_scored()
    {
        // One batching loop: which batch a request joins is then fixed by the order of the requests alone.
        using var served = await StartAsync("--model", model.Exported, "--micro-batching", "--concurrent-batches", "1", "--max-batch-delay-ms", "3000", "--max-batch-texts", "6",
            "--request-timeout", "1", "--max-queue-texts", "8");
        var client = served.Client;
        const string scored = "texttagger_batch_texts_sum", gone = "texttagger_rejected_total{reason=\"client_gone\"}";

        // A: five texts wait for company in a micro-batch; the client gives up and closes the connection.
        using (var abandon = new CancellationTokenSource())
        {
            var a = client.PostAsync("/v1/predict", Json(new { texts = new[] { "bad", "ugly", "rude", "hate", "sad" } }), abandon.Token);
            await WaitForMetricAsync(client, "texttagger_queue_texts", 5);
            // --max-queue-texts 8: four more texts do not fit beside A's five, and are refused at once.
            var full = await client.PostAsync("/v1/predict", Json(new { texts = new[] { "a", "b", "c", "d" } }));
            Assert.Equal(HttpStatusCode.ServiceUnavailable, full.StatusCode);
            Assert.True(full.Headers.Contains("Retry-After"));
            Assert.Equal(1, await MetricAsync(client, "texttagger_rejected_total{reason=\"queue_full\"}"));
            abandon.Cancel();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => a);
        }
        await WaitForMetricAsync(client, gone, 1);
        Assert.Equal(0, await MetricAsync(client, "texttagger_queue_texts"));

        // B: six texts fill a micro-batch at once; only they reach the model.
        string[] six = ["good", "nice w1", "kind w2 w3", "calm", "angry hate", "love"];
        var b = await client.PostAsync("/v1/predict", Json(new { texts = six }));
        Assert.Equal(HttpStatusCode.OK, b.StatusCode);
        using (var tagger = Tagger.Load(model.Exported))
        using (var json = JsonDocument.Parse(await b.Content.ReadAsStringAsync()))
            ServerAssert.SameAsTagger(tagger, six, json.RootElement);
        Assert.Equal(6, await MetricAsync(client, scored));

        // C: one text waits past the 1 s request timeout (503), and is not scored either when its batch runs with D's.
        var c = await client.PostAsync("/v1/predict", Json(new { texts = new[] { "w9" } }));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, c.StatusCode);
        Assert.True(c.Headers.Contains("Retry-After"));
        Assert.Equal(1, await MetricAsync(client, "texttagger_rejected_total{reason=\"timeout\"}"));
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync("/v1/predict", Json(new { texts = six }))).StatusCode);
        Assert.Equal(12, await MetricAsync(client, scored));
        Assert.Equal(12, await MetricAsync(client, "texttagger_texts_scored_total{endpoint=\"predict\"}"));
        Assert.Equal(1, await MetricAsync(client, gone));

        served.Process.Signal(Signals.Terminate);
        Assert.Equal(0, await served.Process.WaitForExitAsync(TimeSpan.FromSeconds(30)));
    }
}
