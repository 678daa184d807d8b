using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.Hosting;
using StackExchange.Redis;
using TextTagger.Data;
using TextTagger.Inference;
using TextTagger.Inference.Engines;
using TextTagger.Streaming;

namespace TextTagger.Worker;

/// <summary>The fleet's commands: `worker` (score a stream) and `stream push` / `stream stats`; thin shells over
/// <see cref="StreamWorkerHost"/>, <see cref="StreamPusher"/> and <see cref="StreamStats"/>.</summary>
public static class WorkerCommands
{
    sealed class StreamArguments
    {
        public Option<string> Redis { get; } = new("--redis") { Description = "Redis server: host:port (StackExchange.Redis options may follow, comma-separated)", DefaultValueFactory = _ => "127.0.0.1:6379" };
        public Option<string> Stream { get; } = new("--stream") { Description = "The input stream", Required = true };
        public Option<string> Group { get; } = new("--group") { Description = "The consumer group", DefaultValueFactory = _ => new StreamOptions().Group };
        public Option<string?> Results { get; } = new("--results-stream") { Description = "Where results go (default: STREAM:results)" };
        public Option<string?> Dead { get; } = new("--dead-letter-stream") { Description = "Where entries that cannot be scored go (default: STREAM:dead)" };

        public void AddTo(Command command)
        {
            foreach (var option in new Option[] { Redis, Stream, Group, Results, Dead }) command.Options.Add(option);
        }

        public StreamOptions Read(ParseResult parse, string? consumer = null)
        {
            var options = new StreamOptions
            {
                Redis = parse.GetValue(Redis)!,
                Stream = parse.GetValue(Stream)!,
                Group = parse.GetValue(Group) ?? new StreamOptions().Group,   // `stream push` has no group
                ResultsStream = parse.GetValue(Results),
                DeadLetterStream = parse.GetValue(Dead),
            };
            if (consumer != null) options = options with { Consumer = consumer };
            options.Validate();
            return options;
        }
    }

    /// <summary>How long SIGTERM may take the worker <paramref name="parse"/> runs (System.CommandLine's 2 s default ended
    /// it with 143 while the batch in hand was still being scored): its --shutdown-timeout and a few seconds to stop.</summary>
    public static TimeSpan TerminationTimeout(ParseResult parse)
    {
        double shutdown = parse.GetValue<double>(ShutdownTimeoutFlag);
        return (double.IsFinite(shutdown) && shutdown is >= 0 and <= 86_400 ? TimeSpan.FromSeconds(shutdown) : StreamWorkerHost.DefaultShutdownTimeout)
               + TimeSpan.FromSeconds(5);
    }

    const string ShutdownTimeoutFlag = "--shutdown-timeout";

    /// <summary>Adds the worker's options and action to <paramref name="command"/> (`texttagger worker`, or the
    /// TextTagger.Worker program's root command).</summary>
    public static T ConfigureWorker<T>(T command) where T : Command
    {
        var defaults = new WorkerOptions();
        var model = new Option<string>("--model", "-m") { Description = "A trained or exported model directory", Required = true };
        var streams = new StreamArguments();
        var consumer = new Option<string?>("--consumer") { Description = "This worker's name in the group (default: machine name and process id)" };
        var batch = new Option<int>("--batch") { Description = "Entries read and scored at a time", DefaultValueFactory = _ => defaults.Batch };
        var block = new Option<int>("--block-ms") { Description = "Wait before reading again when the stream had nothing new", DefaultValueFactory = _ => (int)defaults.Block.TotalMilliseconds };
        var claimIdle = new Option<int>("--claim-idle-ms") { Description = "Claim entries another consumer has held this long without acking", DefaultValueFactory = _ => (int)defaults.ClaimIdle.TotalMilliseconds };
        var maxDeliveries = new Option<int>("--max-deliveries") { Description = "Send an entry to the dead letters after this many deliveries", DefaultValueFactory = _ => defaults.MaxDeliveries };
        var maxLength = new Option<int>("--max-text-length") { Description = "Longer texts go to the dead letters", DefaultValueFactory = _ => defaults.MaxTextLength };
        var progress = new Option<double>("--progress-seconds") { Description = "A progress line this often", DefaultValueFactory = _ => defaults.ProgressInterval.TotalSeconds };
        var threads = new Option<int>("--threads") { Description = "Threads for the model (0: all cores)", DefaultValueFactory = _ => 0 };
        var shutdown = new Option<double>(ShutdownTimeoutFlag)
        { Description = "Seconds the batch in hand gets to finish on Ctrl+C or SIGTERM; past them its entries stay pending for another worker to claim", DefaultValueFactory = _ => StreamWorkerHost.DefaultShutdownTimeout.TotalSeconds };
        var engine = SharedOptions.Engine();
        engine.AcceptOnlyFromAmong(EngineKinds.Names);
        var longTexts = new LongTextOptions();
        command.Options.Add(model);
        streams.AddTo(command);
        foreach (var option in new Option[] { consumer, batch, block, claimIdle, maxDeliveries, maxLength, progress, threads, shutdown, engine }) command.Options.Add(option);
        longTexts.AddTo(command);
        command.SetAction(async (parse, cancellation) =>
        {
            var (longMode, stride) = longTexts.Read(parse);
            var streamOptions = streams.Read(parse, parse.GetValue(consumer));
            var workerOptions = new WorkerOptions
            {
                Batch = parse.GetValue(batch),
                Block = TimeSpan.FromMilliseconds(parse.GetValue(block)),
                ClaimIdle = TimeSpan.FromMilliseconds(parse.GetValue(claimIdle)),
                MaxDeliveries = parse.GetValue(maxDeliveries),
                MaxTextLength = parse.GetValue(maxLength),
                ProgressInterval = TimeSpan.FromSeconds(Math.Max(0.1, parse.GetValue(progress))),
            };
            workerOptions.Validate();
            if (parse.GetValue(threads) < 0) throw new TextTaggerException($"--threads must be ≥ 0, got {parse.GetValue(threads)}");
            double shutdownSeconds = parse.GetValue(shutdown);
            if (!double.IsFinite(shutdownSeconds) || shutdownSeconds is < 0 or > 86_400)
                throw new TextTaggerException($"{ShutdownTimeoutFlag} must be between 0 and 86400 seconds, got {shutdownSeconds}");
            using var tagger = Tagger.Load(new TaggerOptions { ModelPath = parse.GetValue(model)!, Engine = EngineKinds.Parse(parse.GetValue(engine)!), Threads = parse.GetValue(threads), LongTexts = longMode, WindowStride = stride });
            using var host = StreamWorkerHost.Build(tagger, streamOptions, workerOptions, TimeSpan.FromSeconds(shutdownSeconds));
            await host.RunAsync(cancellation);
            return 0;
        });
        return command;
    }

    public static Command CreateStream()
    {
        var stream = new Command("stream", "Feed and watch a worker fleet's Redis stream.");

        var push = new Command("push", "Enqueue a file of texts: .csv with a text column (and optional id column), or .txt with one text per line.");
        var pushStreams = new StreamArguments();
        var input = new Option<string>("--input", "-i") { Description = "The file of texts", Required = true };
        var textColumn = new Option<string>("--text-column") { Description = "CSV column holding the text", DefaultValueFactory = _ => CsvLoadOptions.DefaultTextColumn };
        var idColumn = new Option<string>("--id-column") { Description = "CSV column holding ids, sent as the entry's id field", DefaultValueFactory = _ => CsvLoadOptions.DefaultIdColumn };
        push.Options.Add(pushStreams.Redis);
        push.Options.Add(pushStreams.Stream);
        foreach (var option in new Option[] { input, textColumn, idColumn }) push.Options.Add(option);
        push.SetAction(async (parse, cancellation) =>
        {
            var options = pushStreams.Read(parse);
            // The whole file is read once before the first entry goes out: a bad row is a one-line error with nothing
            // pushed, never the first chunks of a file in the stream (a retry after the fix would push them twice).
            using (var check = TextSources.Open(parse.GetValue(input)!, parse.GetValue(textColumn)!, parse.GetValue(idColumn)!))
                foreach (var _ in check.Read()) cancellation.ThrowIfCancellationRequested();
            using var source = TextSources.Open(parse.GetValue(input)!, parse.GetValue(textColumn)!, parse.GetValue(idColumn)!);
            await using var redis = await Connect(options.Redis);
            var error = parse.InvocationConfiguration.Error;
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var last = TimeSpan.Zero;
            long pushed = await StreamPusher.PushAsync(redis.GetDatabase(), options.Stream, source, progress: (done, fraction) =>
            {
                if (clock.Elapsed - last < TimeSpan.FromSeconds(2)) return;
                last = clock.Elapsed;
                error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"pushed {done:N0} texts ({fraction:P0} of the file)"));
            }, cancellation: cancellation);
            parse.InvocationConfiguration.Output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"pushed {pushed:N0} texts to {options.Stream} in {clock.Elapsed.TotalSeconds:F1} s"));
            return 0;
        });

        var stats = new Command("stats", "The stream's length, results, dead letters, and per group: pending, lag, consumers and their idle time.");
        var statsStreams = new StreamArguments();
        statsStreams.AddTo(stats);
        stats.SetAction(async (parse, cancellation) =>
        {
            var options = statsStreams.Read(parse);
            await using var redis = await Connect(options.Redis);
            (await StreamStats.ReadAsync(redis.GetDatabase(), options)).WriteTo(parse.InvocationConfiguration.Output);
            return 0;
        });

        stream.Subcommands.Add(push);
        stream.Subcommands.Add(stats);
        return stream;
    }

    /// <summary>Connects for a one-shot command: a Redis that is not there is a one-line error, not a stack trace.</summary>
    static async Task<ConnectionMultiplexer> Connect(string redis)
    {
        try
        {
            var configuration = ConfigurationOptions.Parse(redis);
            configuration.ConnectTimeout = 5000;
            return await ConnectionMultiplexer.ConnectAsync(configuration);
        }
        catch (Exception e) when (e is RedisConnectionException or ArgumentException)
        {
            throw new TextTaggerException($"--redis {redis}: cannot connect ({e.Message.Split('\n')[0]})");
        }
    }
}
