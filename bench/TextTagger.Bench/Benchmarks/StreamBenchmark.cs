using System.Diagnostics;
using System.Globalization;
using StackExchange.Redis;
using TextTagger.Inference;
using TextTagger.Streaming;
using TextTagger.Tests.TestSupport;

namespace TextTagger.Bench.Benchmarks;

/// <summary>
/// End-to-end texts/s through Redis Streams: real comments pushed to a local redis-server, then scored by a fleet of
/// worker processes (1 worker × 2 threads, 2 workers × 1 thread), against the same texts scored in-process the way
/// `predict --input` does (the cost of the stream). Also what Redis spends per text (commands and its CPU time), the
/// figure that decides how many workers one Redis can feed.
/// </summary>
sealed class StreamBenchmark : IBenchmark
{
    public string Name => "stream";
    public string Description => "texts/s through Redis Streams with worker processes vs predict --input [--model DIR (runs/main/onnx-int8)] [--texts 4000] [--batch 64] [--fleets 1x2,2x1]";

    public int Run(string[] args) => RunAsync(args).GetAwaiter().GetResult();

    static async Task<int> RunAsync(string[] args)
    {
        BenchData.CheckOptions(args, ["--model", "--texts", "--batch", "--fleets", "--data"], []);
        string root = BenchData.RepositoryRoot();
        string model = BenchData.Option(args, "--model", $"{root}/runs/main/onnx-int8");
        int count = BenchData.IntOption(args, "--texts", 4000), batch = BenchData.IntOption(args, "--batch", 64);
        var fleets = BenchData.Option(args, "--fleets", "1x2,2x1").Split(',').Select(f => f.Split('x').Select(int.Parse).ToArray()).ToArray();
        var texts = BenchData.ReadComments(BenchData.Option(args, "--data", BenchData.DefaultCsv())).Take(count).ToArray();
        var c = CultureInfo.InvariantCulture;

        double baseline;
        using (var tagger = Tagger.Load(new TaggerOptions { ModelPath = model, Threads = 2 }))
        {
            tagger.Predict(texts.Take(64).ToArray());   // warm-up
            long start = Stopwatch.GetTimestamp();
            ChunkedPredictor.Run(tagger, new TextListSource(texts), new NullWriter());
            baseline = texts.Length / Stopwatch.GetElapsedTime(start).TotalSeconds;
        }
        Console.WriteLine($"stream: {texts.Length} real comments, model {model}, batch {batch}, {Environment.ProcessorCount} cores");
        Console.WriteLine("| setup | texts/s (steady) | vs predict --input | first result after (s) | Redis commands per text | Redis CPU ms per 1,000 texts |");
        Console.WriteLine("|---|---|---|---|---|---|");
        Console.WriteLine(string.Create(c, $"| predict --input (in-process, 2 threads) | {baseline:F1} | 1.00× | – | – | – |"));

        foreach (var fleet in fleets)
        {
            int workers = fleet[0], threads = fleet[1];
            await using var redis = await RedisServer.StartAsync();
            using var connection = await ConnectionMultiplexer.ConnectAsync(redis.Address + ",allowAdmin=true");   // INFO
            var db = connection.GetDatabase();
            var streams = new StreamOptions { Stream = "bench", Group = "bench" };
            await StreamPusher.PushAsync(db, streams.Stream, new TextListSource(texts));
            var server = connection.GetServer(redis.Address);
            long commandsBefore = Commands(server), cpuBefore = RedisCpuMs(redis);

            long start = Stopwatch.GetTimestamp();
            var processes = Enumerable.Range(0, workers).Select(w => DotnetProcess.Worker(
                "--model", model, "--redis", redis.Address, "--stream", streams.Stream, "--group", streams.Group, "--consumer", $"w{w}",
                "--threads", threads.ToString(c), "--batch", batch.ToString(c), "--block-ms", "20")).ToArray();
            double first = 0, firstCount = 0;
            long done;
            while ((done = await db.KeyExistsAsync(streams.Results) ? await db.StreamLengthAsync(streams.Results) : 0) < texts.Length)
            {
                if (first == 0 && done > 0) (first, firstCount) = (Stopwatch.GetElapsedTime(start).TotalSeconds, done);
                await Task.Delay(20);
            }
            double total = Stopwatch.GetElapsedTime(start).TotalSeconds;
            double commands = (Commands(server) - commandsBefore) / (double)texts.Length, cpu = (RedisCpuMs(redis) - cpuBefore) * 1000.0 / texts.Length;
            foreach (var p in processes) { p.Signal(Signals.Terminate); await p.WaitForExitAsync(TimeSpan.FromSeconds(30)); p.Dispose(); }
            double steady = (texts.Length - firstCount) / (total - first);
            Console.WriteLine(string.Create(c,
                $"| {workers} worker{(workers > 1 ? "s" : "")} × {threads} thread{(threads > 1 ? "s" : "")} | {steady:F1} | {steady / baseline:F2}× | {first:F1} | {commands:F2} | {cpu:F1} |"));
        }
        return 0;
    }

    static long Commands(IServer server) =>
        long.Parse(server.Info("stats").SelectMany(g => g).First(p => p.Key == "total_commands_processed").Value, CultureInfo.InvariantCulture);

    /// <summary>redis-server's user + system CPU time so far (from /proc).</summary>
    static long RedisCpuMs(RedisServer redis)
    {
        var fields = File.ReadAllText($"/proc/{redis.ProcessId}/stat").Split(')')[1].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) * 10;   // clock ticks of 10 ms
    }

    sealed class NullWriter : IPredictionWriter
    {
        public void Write(IReadOnlyList<InputText> inputs, IReadOnlyList<Prediction> predictions) { }
        public void Finish() { }
    }
}
