using Microsoft.Extensions.Logging;
using TextTagger.Inference;
using TextTagger.Inference.Engines;

namespace TextTagger.Server;

/// <summary>Everything the HTTP service can be told: which model, where to listen, micro-batching and request limits.</summary>
public sealed record TaggerServerOptions
{
    public const string DefaultUrls = "http://127.0.0.1:8080";

    /// <summary>A trained model directory (ignored when <see cref="Tagger"/> is given).</summary>
    public string? ModelDirectory { get; init; }
    /// <summary>An already loaded tagger to serve; the server does not dispose it.</summary>
    public Tagger? Tagger { get; init; }
    public double? Threshold { get; init; }
    public int? MaxTokens { get; init; }
    /// <summary>Texts per forward pass inside the tagger.</summary>
    public int BatchSize { get; init; } = Tagger.DefaultBatchSize;
    /// <summary>"fp32", "bf16" or "auto": the type of the encoder's matrix products (see Tagger.Load).</summary>
    public Precision Precision { get; init; } = Precision.Fp32;
    /// <summary>Which engine runs the model (auto: model.onnx when the directory has one).</summary>
    public EngineKind Engine { get; init; } = EngineKind.Auto;

    /// <summary>Addresses to listen on (semicolon-separated); null: leave it to ASP.NET Core's configuration.</summary>
    public string? Urls { get; init; } = DefaultUrls;

    /// <summary>Gather concurrent requests into one forward pass; false: each request runs alone.</summary>
    public bool MicroBatching { get; init; } = true;
    /// <summary>A micro-batch is run once it holds this many texts…</summary>
    public int MaxBatchTexts { get; init; } = 64;
    /// <summary>…or this long after its first request arrived.</summary>
    public TimeSpan MaxBatchDelay { get; init; } = TimeSpan.FromMilliseconds(5);
    /// <summary>Texts past the token limit: truncated (answers say so) or scored in overlapping windows.</summary>
    public LongTextMode LongTexts { get; init; } = LongTextMode.Truncate;
    /// <summary>Tokens between window starts (null: half the limit).</summary>
    public int? WindowStride { get; init; }
    /// <summary>Padded tokens per forward call (and per micro-batch) at most; null: cut by text count only.</summary>
    public int? MaxBatchTokens { get; init; }

    /// <summary>Work admitted and not yet answered, in texts (an explained text counts as its forward passes); past it a
    /// request gets 503 with Retry-After at once.</summary>
    public int MaxQueueTexts { get; init; } = 1024;
    /// <summary>A request not answered within this gets 503 with Retry-After.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(30);
    /// <summary>On Ctrl+C or SIGTERM, in-flight requests get this long to finish.</summary>
    public TimeSpan ShutdownTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>A file of API keys, one per line (blank lines and lines starting with # ignored), reread when it
    /// changes; null: no keys asked.</summary>
    public string? ApiKeyFile { get; init; }
    /// <summary>Paths open without a key when <see cref="ApiKeyFile"/> is set: health, metrics and the page's files
    /// (the page asks for a key when the API answers 401).</summary>
    public IReadOnlyList<string> OpenPaths { get; init; } = DefaultOpenPaths;
    public static readonly IReadOnlyList<string> DefaultOpenPaths =
        ["/healthz", "/healthz/live", "/healthz/ready", "/metrics", "/", "/page.css", "/page.js"];

    public int MaxTextsPerRequest { get; init; } = 256;
    public int MaxTextLength { get; init; } = 20_000;
    public long MaxRequestBodyBytes { get; init; } = 16 * 1024 * 1024;
    /// <summary>Texts in one file sent to POST /v1/predict/file (about two minutes of scoring on 2 cores).</summary>
    public int MaxFileTexts { get; init; } = 10_000;

    /// <summary>Serve the moderation page at / (false: the API only).</summary>
    public bool Page { get; init; } = true;

    public LogLevel LogLevel { get; init; } = LogLevel.Information;

    public void Validate()
    {
        if (Tagger == null && string.IsNullOrWhiteSpace(ModelDirectory)) throw new TextTaggerException("no model: give --model DIR");
        if (MaxBatchTexts < 1) throw new TextTaggerException($"max batch texts must be ≥ 1, got {MaxBatchTexts}");
        if (MaxBatchDelay < TimeSpan.Zero) throw new TextTaggerException($"max batch delay must be ≥ 0, got {MaxBatchDelay}");
        if (MaxTextsPerRequest < 1) throw new TextTaggerException($"max texts per request must be ≥ 1, got {MaxTextsPerRequest}");
        if (MaxTextLength < 1) throw new TextTaggerException($"max text length must be ≥ 1, got {MaxTextLength}");
        if (MaxBatchTokens < 1) throw new TextTaggerException($"max batch tokens must be ≥ 1, got {MaxBatchTokens}");
        if (MaxQueueTexts < 1) throw new TextTaggerException($"max queue texts must be ≥ 1, got {MaxQueueTexts}");
        if (RequestTimeout <= TimeSpan.Zero) throw new TextTaggerException($"request timeout must be > 0, got {RequestTimeout}");
        if (ShutdownTimeout < TimeSpan.Zero) throw new TextTaggerException($"shutdown timeout must be ≥ 0, got {ShutdownTimeout}");
        if (ApiKeyFile != null && !File.Exists(ApiKeyFile)) throw new TextTaggerException($"{ApiKeyFile}: API key file not found");
        if (MaxFileTexts < 1) throw new TextTaggerException($"max file texts must be ≥ 1, got {MaxFileTexts}");
        if (MaxRequestBodyBytes < 1) throw new TextTaggerException($"max request body must be ≥ 1 byte, got {MaxRequestBodyBytes}");
    }
}
