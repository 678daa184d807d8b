using Microsoft.AspNetCore.Builder;
using TextTagger.Server;

namespace TextTagger.Tests.Serving;

/// <summary>The service on a real loopback socket (a free port chosen by the OS), for clients that cannot use the
/// in-memory test server: a browser.</summary>
public sealed class LiveServer : IAsyncDisposable
{
    readonly WebApplication _app;
    bool _stopped;

    LiveServer(WebApplication app, string url)
    {
        _app = app;
        Url = url;
    }

    public string Url { get; }

    /// <summary>The running service's services (its admission gate, metrics…).</summary>
    public IServiceProvider Services => _app.Services;

    public static async Task<LiveServer> StartAsync(TaggerServerOptions options)
    {
        var app = TaggerServer.Build(options with { Urls = "http://127.0.0.1:0", LogLevel = Microsoft.Extensions.Logging.LogLevel.Warning });
        await app.StartAsync();
        return new LiveServer(app, app.Urls.Single());
    }

    public async Task StopAsync()
    {
        if (_stopped) return;
        _stopped = true;
        await _app.StopAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        await _app.DisposeAsync();
    }
}
