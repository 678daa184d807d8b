using System.Diagnostics;
using TextTagger.Modeling.Pretrained;

namespace TextTagger.Tests.Modeling;

/// <summary>
/// Points TEXTTAGGER_CACHE at a fresh folder for this test run, converts the bundled MiniLM once (timed) and loads it
/// again from the cache (timed). Shared by every test that needs the real model; they run one after another.
/// </summary>
public sealed class MiniLmFixture : IDisposable
{
    readonly string cacheRoot = Path.Combine(Path.GetTempPath(), "texttagger-cache-" + Guid.NewGuid().ToString("N"));
    readonly string? previous = Environment.GetEnvironmentVariable("TEXTTAGGER_CACHE");

    public PretrainedModel Converted { get; }
    public PretrainedModel Cached { get; }
    public TimeSpan ConvertTime { get; }
    public TimeSpan CachedLoadTime { get; }
    public long RssAfterCachedLoad { get; }

    public MiniLmFixture()
    {
        Environment.SetEnvironmentVariable("TEXTTAGGER_CACHE", cacheRoot);
        TorchRuntime.SetThreads(2);
        var clock = Stopwatch.StartNew();
        Converted = PretrainedModel.Load("minilm");
        ConvertTime = clock.Elapsed;
        clock.Restart();
        Cached = PretrainedModel.Load("minilm");
        CachedLoadTime = clock.Elapsed;
        RssAfterCachedLoad = Process.GetCurrentProcess().WorkingSet64;
    }

    public void Dispose()
    {
        Converted.Dispose();
        Cached.Dispose();
        Environment.SetEnvironmentVariable("TEXTTAGGER_CACHE", previous);
        if (Directory.Exists(cacheRoot)) Directory.Delete(cacheRoot, recursive: true);
    }
}

[CollectionDefinition(Name)]
public sealed class MiniLmCollection : ICollectionFixture<MiniLmFixture>
{
    public const string Name = "MiniLM";
}
