using Microsoft.Extensions.Logging;
using TextTagger.Inference;

namespace TextTagger.Server;

/// <summary>Everything the HTTP service can be told: which model, where to listen, micro-batching and request limits.</summary>
public sealed record TaggerServerOptions
{
    public const string DefaultUrls = "http://127.0.0.1:8080";

    /// <summary>Which model and how to run it (the same options as <see cref="Inference.Tagger.Load(TaggerOptions)"/>);
    /// ignored when <see cref="Tagger"/> is given. Its <see cref="TaggerOptions.MaxBatchTokens"/> caps micro-batches too.</summary>
    public TaggerOptions Model { get; set; } = new();
    /// <summary>An already loaded tagger to serve; the server does not dispose it.</summary>
    public Tagger? Tagger { get; set; }

    /// <summary>Addresses to listen on (semicolon-separated); null: leave it to ASP.NET Core's configuration.</summary>
    public string? Urls { get; set; } = DefaultUrls;

    /// <summary>Gather concurrent requests into one forward pass; false (the default): each request runs alone, up to
    /// <see cref="ConcurrentBatches"/> at a time. On a 2-core CPU, one single-threaded run per core and request gave
    /// 1.57× the requests/s of micro-batches (BENCHMARKS.md, serve-load): a batch of texts of any length pads and
    /// waits; batching pays where a forward call's fixed cost dominates (many very short texts, a GPU).</summary>
    public bool MicroBatching { get; set; }
    /// <summary>A micro-batch is run once it holds this many texts…</summary>
    public int MaxBatchTexts { get; set; } = 64;
    /// <summary>…or this long after its first request arrived.</summary>
    public TimeSpan MaxBatchDelay { get; set; } = TimeSpan.FromMilliseconds(5);
    /// <summary>Forward passes that run at the same time (micro-batches, or requests when micro-batching is off);
    /// 0: one per core. Unless <see cref="TaggerOptions.Threads"/> is set, each gets cores ÷ this many threads.</summary>
    public int ConcurrentBatches { get; set; }

    /// <summary><see cref="ConcurrentBatches"/>, with 0 resolved to the core count.</summary>
    public int EffectiveConcurrentBatches => ConcurrentBatches > 0 ? ConcurrentBatches : Environment.ProcessorCount;

    /// <summary>The model options the service loads with: <see cref="Model"/>, with its threads (when 0) shared out
    /// among the concurrent batches when it runs on ONNX Runtime, so the cores are not oversubscribed. libtorch's
    /// thread count is one setting for the whole process, not per forward pass, so a TorchSharp model keeps it.</summary>
    public TaggerOptions EffectiveModel =>
        Model.Threads > 0 || !RunsOnOnnxRuntime(Model) ? Model
            : Model with { Threads = Math.Max(1, Environment.ProcessorCount / EffectiveConcurrentBatches) };

    static bool RunsOnOnnxRuntime(TaggerOptions model) =>
        model.Engine != Inference.Engines.EngineKind.TorchSharp && model.ModelPath.Length > 0 &&
        File.Exists(Path.Combine(model.ModelPath, ModelFiles.ModelDirectory.OnnxFile));

    /// <summary>Work admitted and not yet answered, in texts (an explained text counts as its forward passes); past it a
    /// request gets 503 with Retry-After at once.</summary>
    public int MaxQueueTexts { get; set; } = 1024;
    /// <summary>A request not answered within this gets 503 with Retry-After.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);
    /// <summary>On Ctrl+C or SIGTERM, in-flight requests get this long to finish.</summary>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>A file of API keys, one per line (blank lines and lines starting with # ignored), reread when it
    /// changes; null: no keys asked.</summary>
    public string? ApiKeyFile { get; set; }
    /// <summary>Paths open without a key when <see cref="ApiKeyFile"/> is set: health, metrics and the page's files
    /// (the page asks for a key when the API answers 401).</summary>
    public IReadOnlyList<string> OpenPaths { get; set; } = DefaultOpenPaths;
    public static readonly IReadOnlyList<string> DefaultOpenPaths =
        ["/healthz", "/healthz/live", "/healthz/ready", "/metrics", "/", "/page.css", "/page.js"];

    public int MaxTextsPerRequest { get; set; } = 256;
    public int MaxTextLength { get; set; } = 20_000;
    public long MaxRequestBodyBytes { get; set; } = 16 * 1024 * 1024;
    /// <summary>Texts in one file sent to POST /v1/predict/file (about two minutes of scoring on 2 cores).</summary>
    public int MaxFileTexts { get; set; } = 10_000;

    /// <summary>Serve the moderation page at the prefix's / (false: the API only).</summary>
    public bool Page { get; set; } = true;
    /// <summary>Map /healthz, /healthz/live and /healthz/ready under the prefix.</summary>
    public bool HealthEndpoints { get; set; } = true;
    /// <summary>Map the Prometheus metrics at /metrics under the prefix.</summary>
    public bool MetricsEndpoint { get; set; } = true;

    public LogLevel LogLevel { get; set; } = LogLevel.Information;

    public void Validate()
    {
        if (Tagger == null) Model.Validate();
        if (MaxBatchTexts < 1) throw new InvalidOptionException(nameof(MaxBatchTexts), $"must be ≥ 1, got {MaxBatchTexts}");
        if (ConcurrentBatches < 0) throw new InvalidOptionException(nameof(ConcurrentBatches), $"must be ≥ 0 (0: one per core), got {ConcurrentBatches}");
        if (MaxBatchDelay < TimeSpan.Zero) throw new InvalidOptionException(nameof(MaxBatchDelay), $"must be ≥ 0, got {MaxBatchDelay}");
        if (MaxTextsPerRequest < 1) throw new InvalidOptionException(nameof(MaxTextsPerRequest), $"must be ≥ 1, got {MaxTextsPerRequest}");
        if (MaxTextLength < 1) throw new InvalidOptionException(nameof(MaxTextLength), $"must be ≥ 1, got {MaxTextLength}");
        if (MaxQueueTexts < 1) throw new InvalidOptionException(nameof(MaxQueueTexts), $"must be ≥ 1, got {MaxQueueTexts}");
        if (RequestTimeout <= TimeSpan.Zero) throw new InvalidOptionException(nameof(RequestTimeout), $"must be > 0, got {RequestTimeout}");
        if (ShutdownTimeout < TimeSpan.Zero) throw new InvalidOptionException(nameof(ShutdownTimeout), $"must be ≥ 0, got {ShutdownTimeout}");
        if (ApiKeyFile != null && !File.Exists(ApiKeyFile)) throw new TextTaggerException($"{ApiKeyFile}: API key file not found");
        if (MaxFileTexts < 1) throw new InvalidOptionException(nameof(MaxFileTexts), $"must be ≥ 1, got {MaxFileTexts}");
        if (MaxRequestBodyBytes < 1) throw new InvalidOptionException(nameof(MaxRequestBodyBytes), $"must be ≥ 1 byte, got {MaxRequestBodyBytes}");
    }
}
