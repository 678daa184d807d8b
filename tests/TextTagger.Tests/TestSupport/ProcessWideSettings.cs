using TextTagger.Modeling;

namespace TextTagger.Tests.TestSupport;

/// <summary>The process-wide settings a fixture may change — TEXTTAGGER_CACHE and libtorch's thread count — as they
/// were when it was made, put back on dispose. A fixture whose constructor throws is never disposed by xunit, so it
/// disposes this itself before rethrowing (<see cref="Run"/>).</summary>
public sealed class ProcessWideSettings : IDisposable
{
    readonly string? _cache = Environment.GetEnvironmentVariable("TEXTTAGGER_CACHE");
    readonly int _threads = TorchRuntime.Threads;
    bool _restored;

    public void Dispose()
    {
        if (_restored) return;
        _restored = true;
        Environment.SetEnvironmentVariable("TEXTTAGGER_CACHE", _cache);
        TorchRuntime.SetThreads(_threads);
    }

    /// <summary>Runs a fixture's construction; if it throws, puts the settings back and disposes
    /// <paramref name="alsoOnFailure"/> before rethrowing.</summary>
    public void Run(Action construct, params IDisposable[] alsoOnFailure)
    {
        try
        {
            construct();
        }
        catch
        {
            Dispose();
            foreach (var owned in alsoOnFailure) owned.Dispose();
            throw;
        }
    }
}
