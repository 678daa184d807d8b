using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;
using TextTagger.Modeling.Pretrained;
using TextTagger.Server;

namespace TextTagger.Bench.Benchmarks;

/// <summary>
/// Load test of the HTTP service on loopback: the server runs in this process on 127.0.0.1 (a free port) with the
/// bundled MiniLM encoder and a fresh random 6-label head (its probabilities mean nothing; the cost is the real one),
/// and N concurrent clients each send one real comment per request for a bounded time, micro-batching on, then off.
/// </summary>
sealed class ServeLoadBenchmark : IBenchmark
{
    static readonly string[] Labels = ["toxic", "severe_toxic", "obscene", "threat", "insult", "identity_hate"];

    public string Name => "serve-load";
    public string Description =>
        "requests/s and latency of `serve` on loopback, micro-batching on vs off [--model DIR (default: MiniLM + random head; an exported directory runs on ONNX Runtime)] [--duration S] [--clients N] [--max-tokens N] [--batch-size N] [--modes on,off]";

    public int Run(string[] args)
    {
        var c = CultureInfo.InvariantCulture;
        string csv = BenchData.Option(args, "--data", BenchData.DefaultCsv());
        double duration = double.Parse(BenchData.Option(args, "--duration", "60"), c);
        double warmup = double.Parse(BenchData.Option(args, "--warmup", "5"), c);
        int clients = int.Parse(BenchData.Option(args, "--clients", "16"), c);
        int maxTokens = int.Parse(BenchData.Option(args, "--max-tokens", "256"), c);
        int batchSize = int.Parse(BenchData.Option(args, "--batch-size", "32"), c);
        long maxRequests = long.Parse(BenchData.Option(args, "--max-requests", "1000000"), c);
        string[] modes = BenchData.Option(args, "--modes", "on,off").Split(',');
        if (duration <= 0 || duration > 3600 || clients < 1 || clients > 256) throw new ArgumentException("duration must be in (0, 3600] s and clients in [1, 256]");

        var comments = BenchData.ReadComments(csv);
        string modelDir = BenchData.Option(args, "--model", "");
        if (modelDir == "")
        {
            modelDir = Path.Combine(Path.GetTempPath(), "texttagger-bench", "minilm-random-head");
            using var pretrained = PretrainedModel.Load(BundledMiniLm.Name, Labels);
            pretrained.Save(modelDir, maxTokens: maxTokens);
        }

        Console.WriteLine($"{comments.Length} comments; model {modelDir}; max {maxTokens} tokens; " +
                          $"tagger batch {batchSize}; {clients} clients; {duration:F0} s per mode after {warmup:F0} s warm-up; {Environment.ProcessorCount} cores");
        Console.WriteLine("| micro-batching | requests | requests/s | texts/s | p50 (ms) | p99 (ms) | errors | forward passes |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|");
        foreach (var mode in modes)
        {
            bool on = mode.Trim() == "on";
            var options = new TaggerServerOptions
            {
                ModelDirectory = modelDir,
                MaxTokens = maxTokens,
                BatchSize = batchSize,
                Urls = "http://127.0.0.1:0",
                MicroBatching = on,
                LogLevel = LogLevel.Warning,
            };
            var result = RunMode(options, comments, clients, TimeSpan.FromSeconds(warmup), TimeSpan.FromSeconds(duration), maxRequests)
                .GetAwaiter().GetResult();
            Console.WriteLine(string.Create(c,
                $"| {(on ? "on (64 texts / 5 ms)" : "off")} | {result.Requests} | {result.Requests / result.Seconds:F1} | {result.Requests / result.Seconds:F1} | " +
                $"{result.Percentile(0.50):F0} | {result.Percentile(0.99):F0} | {result.Errors} | {result.ForwardPasses} |"));
        }
        return 0;
    }

    sealed record LoadResult(long Requests, long Errors, double Seconds, List<double> LatenciesMs, string ForwardPasses)
    {
        public double Percentile(double q)
        {
            if (LatenciesMs.Count == 0) return double.NaN;
            var sorted = LatenciesMs.Order().ToArray();
            return sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(q * sorted.Length) - 1)];
        }
    }

    static async Task<LoadResult> RunMode(TaggerServerOptions options, string[] comments, int clients, TimeSpan warmup, TimeSpan duration,
                                          long maxRequests)
    {
        await using var app = TaggerServer.Build(options);
        await app.StartAsync();
        var address = new Uri(app.Urls.First());
        if (!System.Net.IPAddress.IsLoopback(System.Net.IPAddress.Parse(address.Host))) throw new InvalidOperationException("loopback only");
        var batcher = app.Services.GetService(typeof(IPredictionService)) as MicroBatcher;

        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = clients }) { BaseAddress = address, Timeout = TimeSpan.FromSeconds(60) };
        await RunClients(http, comments, clients, warmup, maxRequests, null);
        long batchesBefore = batcher?.Batches ?? 0;
        var latencies = new List<double>();
        var clock = Stopwatch.StartNew();
        long errors = await RunClients(http, comments, clients, duration, maxRequests, latencies);
        double seconds = clock.Elapsed.TotalSeconds;
        await app.StopAsync();
        string passes = batcher == null ? "one per request" : $"{batcher.Batches - batchesBefore}";
        return new LoadResult(latencies.Count, errors, seconds, latencies, passes);
    }

    /// <summary>Closed loop: each client sends one comment, waits for the answer, sends the next, until time or count runs out.</summary>
    static async Task<long> RunClients(HttpClient http, string[] comments, int clients, TimeSpan duration, long maxRequests, List<double>? latencies)
    {
        long errors = 0, sent = 0;
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
                    if (!response.IsSuccessStatusCode) { Interlocked.Increment(ref errors); continue; }
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
        return errors;
    }
}
