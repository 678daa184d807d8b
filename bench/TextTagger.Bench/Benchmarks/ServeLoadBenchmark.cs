using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;
using TextTagger.Inference;
using TextTagger.Modeling.Pretrained;
using TextTagger.Server;

namespace TextTagger.Bench.Benchmarks;

/// <summary>
/// Load test of the HTTP service on loopback: the server runs in this process on 127.0.0.1 (a free port) with the
/// bundled MiniLM encoder and a fresh random 6-label head (its probabilities mean nothing; the cost is the real one),
/// and N concurrent clients each send one real comment per request for a bounded time, in each batching mode: off
/// (each request alone), texts (micro-batches of up to 64 texts / 5 ms) or tokens:N (micro-batches and forward calls
/// cut at N padded tokens). While the load runs, /healthz/live is probed every second and the process's RSS sampled;
/// 503s (a full queue, --max-queue-texts) are counted apart from errors and timeouts, and after the load one more
/// request and /healthz/ready must succeed (recovery).
/// </summary>
sealed class ServeLoadBenchmark : IBenchmark
{
    static readonly string[] Labels = ["toxic", "severe_toxic", "obscene", "threat", "insult", "identity_hate"];

    public string Name => "serve-load";
    public string Description =>
        "requests/s and latency of `serve` on loopback by batching mode, against the engine's own texts/s on the same comments " +
        "[--model DIR (default: MiniLM + random head; an exported directory runs on ONNX Runtime)] [--duration S] [--clients N] " +
        "[--max-tokens N] [--batch-size N] [--modes off,texts,tokens:4096] [--concurrent-batches 0,1,2 (0: one per core)] " +
        "[--threads N (per forward pass; 0: cores ÷ concurrent batches)] [--max-queue-texts N] [--engine-texts 2000]";

    public int Run(string[] args)
    {
        var c = CultureInfo.InvariantCulture;
        BenchData.CheckOptions(args, ["--data", "--duration", "--warmup", "--clients", "--max-tokens", "--batch-size", "--max-requests", "--modes",
                                      "--max-queue-texts", "--model", "--concurrent-batches", "--threads", "--engine-texts"], []);
        string csv = BenchData.Option(args, "--data", BenchData.DefaultCsv());
        double duration = double.Parse(BenchData.Option(args, "--duration", "60"), c);
        double warmup = double.Parse(BenchData.Option(args, "--warmup", "5"), c);
        int clients = BenchData.IntOption(args, "--clients", 16);
        int maxTokens = BenchData.IntOption(args, "--max-tokens", 256);
        int batchSize = BenchData.IntOption(args, "--batch-size", 32);
        int threads = BenchData.IntOption(args, "--threads", 0);
        int engineTexts = BenchData.IntOption(args, "--engine-texts", 2000);
        long maxRequests = long.Parse(BenchData.Option(args, "--max-requests", "1000000"), c);
        string[] modes = BenchData.Option(args, "--modes", "off,texts,tokens:4096").Split(',');
        int[] concurrentBatches = BenchData.Option(args, "--concurrent-batches", "0").Split(',').Select(v => int.Parse(v, c)).ToArray();
        int maxQueue = BenchData.IntOption(args, "--max-queue-texts", new TaggerServerOptions().MaxQueueTexts);
        if (duration <= 0 || duration > 3600 || clients < 1 || clients > 256) throw new ArgumentException("duration must be in (0, 3600] s and clients in [1, 256]");

        var comments = BenchData.ReadComments(csv);
        string modelDir = BenchData.Option(args, "--model", "");
        if (modelDir == "")
        {
            modelDir = Path.Combine(Path.GetTempPath(), "texttagger-bench", "minilm-random-head");
            using var pretrained = PretrainedModel.Load(BundledMiniLm.Name, Labels);
            pretrained.Save(modelDir, maxTokens: maxTokens);
        }

        Console.WriteLine($"{comments.Length} comments; model {modelDir}; max {maxTokens} tokens; tagger batch {batchSize}; queue {maxQueue} texts; " +
                          $"{clients} clients; {duration:F0} s per mode after {warmup:F0} s warm-up; {Environment.ProcessorCount} cores");
        double engine = EngineTextsPerSecond(modelDir, maxTokens, batchSize, comments, engineTexts);
        Console.WriteLine(string.Create(c, $"engine alone (Tagger.Predict of {engineTexts} random comments in one call, {Environment.ProcessorCount} threads, " +
                                           $"median of 3): {engine:F1} texts/s"));
        Console.WriteLine("| batching | concurrent batches × threads | requests | requests/s | × engine | p50 (ms) | p99 (ms) | 503 | errors | timeouts | forward calls | /healthz/live max (ms), failures | RSS MB start → end (max) | recovered |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
        foreach (int concurrent in concurrentBatches)
            foreach (var mode in modes.Select(m => m.Trim()))
            {
                int? budget = mode.StartsWith("tokens:", StringComparison.Ordinal) ? int.Parse(mode["tokens:".Length..], c) : null;
                if (mode is not ("off" or "texts") && budget == null) throw new ArgumentException($"--modes: '{mode}' is not off, texts or tokens:N");
                var options = new TaggerServerOptions
                {
                    Model = new() { ModelPath = modelDir, MaxTokens = maxTokens, BatchSize = batchSize, MaxBatchTokens = budget, Threads = threads },
                    Urls = "http://127.0.0.1:0",
                    MicroBatching = mode != "off",
                    MaxBatchTexts = budget != null ? 1024 : new TaggerServerOptions().MaxBatchTexts,   // tokens decide
                    MaxQueueTexts = maxQueue,
                    ConcurrentBatches = concurrent,
                    LogLevel = LogLevel.Warning,
                };
                var r = RunMode(options, comments, clients, TimeSpan.FromSeconds(warmup), TimeSpan.FromSeconds(duration), maxRequests)
                    .GetAwaiter().GetResult();
                string name = mode == "off" ? "off" : budget != null ? $"tokens ({budget} per call)" : "texts (64 / 5 ms)";
                double rate = r.Requests / r.Seconds;
                Console.WriteLine(string.Create(c,
                    $"| {name} | {options.EffectiveConcurrentBatches} × {options.EffectiveModel.Threads} | {r.Requests} | {rate:F1} | {rate / engine:F2}× | " +
                    $"{r.Percentile(0.50):F0} | {r.Percentile(0.99):F0} | {r.Refused} | {r.Errors} | " +
                    $"{r.Timeouts} | {r.ForwardPasses} | {r.LiveMaxMs:F0}, {r.LiveFailures} | {r.RssStartMb:F0} → {r.RssEndMb:F0} ({r.RssMaxMb:F0}) | {(r.Recovered ? "yes" : "NO")} |"));
            }
        return 0;
    }

    /// <summary>The baseline the service is held to: the same model scoring random comments from the same file in one
    /// call, as `predict` does (sorted by length, batches padded to their longest row), on all cores.</summary>
    static double EngineTextsPerSecond(string modelDir, int maxTokens, int batchSize, string[] comments, int count)
    {
        using var tagger = Tagger.Load(new TaggerOptions { ModelPath = modelDir, MaxTokens = maxTokens, BatchSize = batchSize });
        var random = new Random(12345);
        var texts = Enumerable.Range(0, count).Select(_ => comments[random.Next(comments.Length)]).ToArray();
        tagger.Predict(texts.Take(64).ToArray());   // warm-up
        var rates = new List<double>();
        for (int run = 0; run < 3; run++)
        {
            var clock = Stopwatch.StartNew();
            tagger.Predict(texts);
            rates.Add(count / clock.Elapsed.TotalSeconds);
        }
        return rates.Order().ElementAt(1);
    }

    sealed record LoadResult(long Requests, long Errors, long Refused, long Timeouts, double Seconds, List<double> LatenciesMs, string ForwardPasses,
                             double LiveMaxMs, int LiveFailures, double RssStartMb, double RssEndMb, double RssMaxMb, bool Recovered)
    {
        public double Percentile(double q)
        {
            if (LatenciesMs.Count == 0) return double.NaN;
            var sorted = LatenciesMs.Order().ToArray();
            return sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(q * sorted.Length) - 1)];
        }
    }

    static double RssMb() => Process.GetCurrentProcess().WorkingSet64 / 1048576.0;

    static async Task<LoadResult> RunMode(TaggerServerOptions options, string[] comments, int clients, TimeSpan warmup, TimeSpan duration,
                                          long maxRequests)
    {
        await using var app = TaggerServer.Build(options);
        await app.StartAsync();
        var address = new Uri(app.Urls.First());
        if (!System.Net.IPAddress.IsLoopback(System.Net.IPAddress.Parse(address.Host))) throw new InvalidOperationException("loopback only");
        var batcher = app.Services.GetService(typeof(IPredictionService)) as MicroBatcher;

        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = clients + 2 }) { BaseAddress = address, Timeout = TimeSpan.FromSeconds(60) };
        await RunClients(http, comments, clients, warmup, maxRequests, null);
        long batchesBefore = batcher?.Batches ?? 0;
        var latencies = new List<double>();
        double rssStart = RssMb(), rssMax = rssStart;
        using var stop = new CancellationTokenSource();
        double liveMax = 0;
        int liveFailures = 0;
        var probe = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                long start = Stopwatch.GetTimestamp();
                try
                {
                    using var live = await http.GetAsync("/healthz/live");
                    if (!live.IsSuccessStatusCode) liveFailures++;
                }
                catch (HttpRequestException) { liveFailures++; }
                liveMax = Math.Max(liveMax, Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                rssMax = Math.Max(rssMax, RssMb());
                try { await Task.Delay(1000, stop.Token); } catch (OperationCanceledException) { }
            }
        });
        var clock = Stopwatch.StartNew();
        var counts = await RunClients(http, comments, clients, duration, maxRequests, latencies);
        double seconds = clock.Elapsed.TotalSeconds;
        stop.Cancel();
        await probe;
        double rssEnd = RssMb();
        // Recovery: once the load is gone, the service answers and is ready at once.
        using var after = await http.PostAsJsonAsync("/v1/predict", new { texts = new[] { comments[0] } });
        using var ready = await http.GetAsync("/healthz/ready");
        await app.StopAsync();
        string passes = batcher == null ? "one per request" : $"{batcher.Batches - batchesBefore}";
        return new LoadResult(latencies.Count, counts.Errors, counts.Refused, counts.Timeouts, seconds, latencies, passes, liveMax, liveFailures,
                              rssStart, rssEnd, rssMax, after.IsSuccessStatusCode && ready.IsSuccessStatusCode);
    }

    /// <summary>Closed loop: each client sends one comment, waits for the answer, sends the next, until time or count
    /// runs out. A 503 is counted and retried after a short pause (a client honouring Retry-After would wait longer).</summary>
    static async Task<(long Errors, long Refused, long Timeouts)> RunClients(HttpClient http, string[] comments, int clients, TimeSpan duration,
                                                                          long maxRequests, List<double>? latencies)
    {
        long errors = 0, refused = 0, timeouts = 0, sent = 0;
        var end = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var tasks = Enumerable.Range(0, clients).Select(client => Task.Run(async () =>
        {
            var random = new Random(client);
            while (Stopwatch.GetTimestamp() < end && Interlocked.Increment(ref sent) <= maxRequests)
            {
                string text = comments[random.Next(comments.Length)];
                long start = Stopwatch.GetTimestamp();
                try
                {
                    using var response = await http.PostAsJsonAsync("/v1/predict", new { texts = new[] { text } });
                    await response.Content.ReadAsByteArrayAsync();
                    if (response.StatusCode == System.Net.HttpStatusCode.ServiceUnavailable)
                    {
                        Interlocked.Increment(ref refused);
                        await Task.Delay(50);
                        continue;
                    }
                    if (!response.IsSuccessStatusCode) { Interlocked.Increment(ref errors); continue; }
                }
                catch (TaskCanceledException)
                {
                    Interlocked.Increment(ref timeouts);
                    continue;
                }
                catch (HttpRequestException)
                {
                    Interlocked.Increment(ref errors);
                    continue;
                }
                if (latencies != null)
                    lock (latencies) latencies.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            }
        })).ToArray();
        await Task.WhenAll(tasks);
        return (errors, refused, timeouts);
    }
}
