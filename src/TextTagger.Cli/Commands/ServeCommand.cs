using TextTagger.Worker;
using TextTagger.Inference.Engines;
using System.CommandLine;
using Microsoft.Extensions.Hosting;
using TextTagger.Inference;
using TextTagger.Server;

namespace TextTagger.Cli.Commands;

/// <summary>`texttagger serve --model DIR [--urls URLS]`: the HTTP service (TextTagger.Server) in the foreground.</summary>
static class ServeCommand
{
    public static Command Create()
    {
        var defaults = new TaggerServerOptions();
        var model = new Option<string>("--model", "-m") { Description = "A trained or exported model directory", Required = true };
        var urls = new Option<string>("--urls")
        { Description = "Addresses to listen on, semicolon-separated", DefaultValueFactory = _ => TaggerServerOptions.DefaultUrls };
        var threshold = new Option<double?>("--threshold") { Description = "One threshold for every label instead of the model's own" };
        var maxTokens = new Option<int?>("--max-tokens") { Description = "Token limit per text (default: the model's)" };
        var batchSize = new Option<int>("--batch-size")
        { Description = "Texts per forward pass inside the model", DefaultValueFactory = _ => Tagger.DefaultBatchSize };
        var precision = CliSupport.InferencePrecisionOption();
        var engine = TextTagger.Worker.SharedOptions.Engine();
        var batching = new Option<bool>("--micro-batching") { Description = "Gather concurrent requests into shared forward passes (off: each request runs alone, one per core)" };
        var noBatching = new Option<bool>("--no-micro-batching") { Description = "Run each request alone (the default; kept for older scripts)" };
        var batchTexts = new Option<int>("--max-batch-texts")
        { Description = "A micro-batch runs once it holds this many texts…", DefaultValueFactory = _ => defaults.MaxBatchTexts };
        var batchDelay = new Option<double>("--max-batch-delay-ms")
        { Description = "…or this many milliseconds after its first request", DefaultValueFactory = _ => defaults.MaxBatchDelay.TotalMilliseconds };
        var maxTexts = new Option<int>("--max-texts")
        { Description = "Texts per request at most (more: 413)", DefaultValueFactory = _ => defaults.MaxTextsPerRequest };
        var maxLength = new Option<int>("--max-text-length")
        { Description = "Characters per text at most (more: 413)", DefaultValueFactory = _ => defaults.MaxTextLength };
        var maxBody = new Option<long>("--max-body-bytes")
        { Description = "Request body size at most (more: 413)", DefaultValueFactory = _ => defaults.MaxRequestBodyBytes };

        var concurrent = new Option<int>("--concurrent-batches")
        { Description = "Forward passes that run at the same time, each on cores ÷ N threads (0: one per core)", DefaultValueFactory = _ => defaults.ConcurrentBatches };
        var threads = new Option<int>("--threads") { Description = "Threads per forward pass (0: the cores shared out among --concurrent-batches)" };
        var batchTokens = new Option<int?>("--max-batch-tokens")
        { Description = "Cut micro-batches and forward calls at this many padded tokens (default: by text count only)" };
        var maxQueue = new Option<int>("--max-queue-texts")
        { Description = "Texts of work admitted and not yet answered (an explained text counts 40); past it: 503 with Retry-After", DefaultValueFactory = _ => defaults.MaxQueueTexts };
        var timeout = new Option<double>("--request-timeout")
        { Description = "Seconds a request may take before a 503 with Retry-After", DefaultValueFactory = _ => defaults.RequestTimeout.TotalSeconds };
        var shutdown = new Option<double>("--shutdown-timeout")
        { Description = "Seconds in-flight requests get to finish on Ctrl+C or SIGTERM", DefaultValueFactory = _ => defaults.ShutdownTimeout.TotalSeconds };
        var apiKeys = new Option<string?>("--api-key-file")
        { Description = "File of API keys, one per line, reread when it changes: requests need Authorization: Bearer KEY or X-Api-Key" };
        var openPaths = new Option<string>("--open-paths")
        { Description = "Comma-separated paths open without a key", DefaultValueFactory = _ => string.Join(",", TaggerServerOptions.DefaultOpenPaths) };
        var noUi = new Option<bool>("--no-ui") { Description = "Serve the API only, without the moderation page at /" };
        var maxFileTexts = new Option<int>("--max-file-texts")
        { Description = "Texts per file sent to POST /v1/predict/file", DefaultValueFactory = _ => new TaggerServerOptions().MaxFileTexts };
        var command = new Command("serve",
            "Serve a model over HTTP: the moderation page at /, POST /v1/predict {\"texts\": [...]}, POST /v1/explain, POST /v1/predict/file, GET /v1/labels, GET /healthz, GET /openapi/v1.json.");
        foreach (var option in new Option[] { model, urls, threshold, maxTokens, batchSize, precision, engine, batching, noBatching, batchTexts, batchDelay, concurrent, threads, maxTexts, maxLength, maxBody, maxFileTexts, batchTokens, maxQueue, timeout, shutdown, apiKeys, openPaths, noUi })
            command.Options.Add(option);
        var longTexts = new LongTextOptions();
        longTexts.AddTo(command);
        command.SetAction(async (parse, cancellation) =>
        {
            var (longMode, stride) = longTexts.Read(parse);
            if (parse.GetValue(batching) && parse.GetValue(noBatching))
                throw new TextTaggerException("--micro-batching and --no-micro-batching contradict each other: give one");
            var options = new TaggerServerOptions
            {
                Model = new TaggerOptions
                {
                    ModelPath = parse.GetValue(model)!,
                    Threshold = parse.GetValue(threshold),
                    MaxTokens = parse.GetValue(maxTokens),
                    BatchSize = parse.GetValue(batchSize),
                    Precision = Precisions.Parse(parse.GetValue(precision), "--precision"),
                    Engine = EngineKinds.Parse(parse.GetValue(engine)!),
                    MaxBatchTokens = parse.GetValue(batchTokens),
                    LongTexts = longMode,
                    WindowStride = stride,
                    Threads = parse.GetValue(threads),
                },
                Urls = parse.GetValue(urls),
                MicroBatching = parse.GetValue(batching),
                MaxBatchTexts = parse.GetValue(batchTexts),
                MaxBatchDelay = TimeSpan.FromMilliseconds(parse.GetValue(batchDelay)),
                ConcurrentBatches = parse.GetValue(concurrent),
                MaxTextsPerRequest = parse.GetValue(maxTexts),
                MaxTextLength = parse.GetValue(maxLength),
                MaxRequestBodyBytes = parse.GetValue(maxBody),
                MaxFileTexts = parse.GetValue(maxFileTexts),
                MaxQueueTexts = parse.GetValue(maxQueue),
                RequestTimeout = Seconds(parse.GetValue(timeout), "--request-timeout"),
                ShutdownTimeout = Seconds(parse.GetValue(shutdown), "--shutdown-timeout"),
                ApiKeyFile = parse.GetValue(apiKeys),
                OpenPaths = parse.GetValue(openPaths)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
                Page = !parse.GetValue(noUi),
            };
            await using var app = TaggerServer.Build(options);
            try
            {
                await app.StartAsync(cancellation);
            }
            catch (IOException e)
            {
                throw new TextTaggerException($"cannot listen on {options.Urls}: {e.Message}");
            }
            foreach (string url in app.Urls)
                parse.InvocationConfiguration.Output.WriteLine(options.Page ? $"TextTagger: the moderation page is at {url}/ and the API at {url}/v1/ (Ctrl+C stops)"
                                                                            : $"TextTagger: the API is at {url}/v1/ (Ctrl+C stops)");
            await app.WaitForShutdownAsync(cancellation);
            return 0;
        });
        return command;
    }

    /// <summary>How long SIGTERM may take when <paramref name="parse"/> runs serve: --shutdown-timeout for the requests
    /// in flight and a few seconds to stop the host (null for other verbs, or a --shutdown-timeout the verb refuses).</summary>
    public static TimeSpan? TerminationTimeout(ParseResult parse)
    {
        if (parse.CommandResult.Command.Name != "serve" || parse.CommandResult.Parent is not System.CommandLine.Parsing.CommandResult { Parent: null })
            return null;
        double shutdown = parse.GetValue<double>("--shutdown-timeout");
        return double.IsFinite(shutdown) && shutdown is >= 0 and <= 86_400 ? TimeSpan.FromSeconds(shutdown + 5) : null;
    }

    static TimeSpan Seconds(double seconds, string option) =>
        double.IsFinite(seconds) && seconds >= 0 && seconds <= TimeSpan.MaxValue.TotalSeconds / 2
            ? TimeSpan.FromSeconds(seconds)
            : throw new TextTaggerException($"{option}: {seconds} is not a number of seconds ≥ 0");
}
