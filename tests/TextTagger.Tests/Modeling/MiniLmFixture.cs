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
    readonly TestSupport.ProcessWideSettings _settings = new();

    public PretrainedModel Converted { get; private set; } = null!;
    public PretrainedModel Cached { get; private set; } = null!;
    public TimeSpan ConvertTime { get; private set; }
    public TimeSpan CachedLoadTime { get; private set; }
    public long RssAfterCachedLoad { get; private set; }

    public MiniLmFixture()
    {
        Environment.SetEnvironmentVariable("TEXTTAGGER_CACHE", cacheRoot);
        TorchRuntime.SetThreads(2);
        _settings.Run(() =>
        {
            var clock = Stopwatch.StartNew();
            Converted = PretrainedModel.Load("minilm");
            ConvertTime = clock.Elapsed;
            clock.Restart();
            Cached = PretrainedModel.Load("minilm");
            CachedLoadTime = clock.Elapsed;
            RssAfterCachedLoad = Process.GetCurrentProcess().WorkingSet64;
        }, new Cleanup(this));
    }

    /// <summary>What a failed constructor leaves: the models it loaded and the cache folder.</summary>
    sealed class Cleanup(MiniLmFixture fixture) : IDisposable
    {
        public void Dispose() => fixture.DisposeOwned();
    }

    void DisposeOwned()
    {
        Converted?.Dispose();
        Cached?.Dispose();
        if (Directory.Exists(cacheRoot)) Directory.Delete(cacheRoot, recursive: true);
    }

    public void Dispose()
    {
        DisposeOwned();
        _settings.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class MiniLmCollection : ICollectionFixture<MiniLmFixture>
{
    public const string Name = "MiniLM";
}
